package dev.portcullis.certs.issue;

import dev.portcullis.certs.Use;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a new certificate must be: its subject's common name, its DNS names (subjectAltName), the
 * use it is for (which decides its extended key usage), the RSA key size and the lifetime asked for
 * (an issuer may cap it by its policy).
 *
 * <p>Keys are RSA because Salesforce imports only RSA keys of 2048, 3072 or 4096 bits (help
 * 000387714: "The key is not an RSA key", "Imported keys must have a bit size of 2048, 3072, or
 * 4096"; shared/reference/cert-anchors.md §2.2).
 *
 * @param commonName the subject CN, e.g. {@code SSO_Signing}
 * @param dnsNames DNS names for the subjectAltName; required for {@link Use#INBOUND_TLS} and ACME
 * @param use what the certificate is for
 * @param rsaBits 2048, 3072 or 4096
 * @param lifetime how long it should be valid
 */
public record IssueRequest(String commonName, List<String> dnsNames, Use use, int rsaBits, Duration lifetime) {
  private static final Pattern DNS_NAME =
      Pattern.compile("(?:\\*\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  public IssueRequest {
    Objects.requireNonNull(commonName, "commonName");
    if (commonName.isBlank() || commonName.length() > 64) {
      throw new IllegalArgumentException("commonName must be 1 to 64 characters (RFC 5280 ub-common-name): '" + commonName + "'");
    }
    dnsNames = List.copyOf(dnsNames);
    for (String name : dnsNames) {
      if (!DNS_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a lower-case DNS name: '" + name + "'");
      }
    }
    Objects.requireNonNull(use, "use");
    if (use == Use.UNKNOWN) {
      throw new IllegalArgumentException("a certificate is issued for one of the uses " + Use.ids(Use.known()) + ", not unknown");
    }
    if (rsaBits != 2048 && rsaBits != 3072 && rsaBits != 4096) {
      throw new IllegalArgumentException("rsaBits must be 2048, 3072 or 4096 (what Salesforce imports), not " + rsaBits);
    }
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
    }
  }
}
