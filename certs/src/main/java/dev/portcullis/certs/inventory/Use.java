package dev.portcullis.certs.inventory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a certificate is for, in the seven uses of a Salesforce org (docs/CERTS.md, "Inventory";
 * shared/reference/cert-anchors.md §2.1). The order is the order reports list them in.
 */
public enum Use {
  /** Salesforce serves it to browsers and clients: a bring-your-own certificate on a custom domain or site. */
  INBOUND_TLS("inbound-tls"),
  /** A server Salesforce calls out to presents it (Apex callouts, outbound messages); nothing stored in the org. */
  OUTBOUND_TLS("outbound-tls"),
  /** A user logs in with it (certificate-based authentication, UserAuthCertificate). */
  INBOUND_USER_MTLS("inbound-user-mtls"),
  /** An API client presents it on port 8443 (Mutual Authentication Certificates, InboundCertificate). */
  INBOUND_API_MTLS("inbound-api-mtls"),
  /** The org presents it as client certificate on callouts (named credential ClientCertificate). */
  OUTBOUND_MTLS("outbound-mtls"),
  /** Salesforce verifies signatures made with it: an IdP's SAML certificate, a JWT bearer client's certificate. */
  INBOUND_SSO("inbound-sso"),
  /** The org signs with it: SAML requests or assertions as IdP, JWTs of external credentials. */
  OUTBOUND_SSO("outbound-sso");

  private final String id;

  Use(String id) {
    this.id = id;
  }

  /** The stable name, e.g. {@code inbound-api-mtls}, as the CLI and JSON spell it. */
  public String id() {
    return id;
  }

  /** The use named {@code id} (case-insensitive). */
  public static Optional<Use> parse(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(u -> u.id.equals(wanted)).findFirst();
  }

  @Override
  public String toString() {
    return id;
  }
}
