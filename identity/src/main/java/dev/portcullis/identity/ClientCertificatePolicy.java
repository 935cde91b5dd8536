package dev.portcullis.identity;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Which mTLS client certificates are accepted and what identity they carry.
 *
 * @param certificateAuthorities the trust anchors a client chain must lead to (private CAs, e.g. a
 *     SPIRE or corporate CA); nothing else is trusted
 * @param identity which subject alternative name is the principal's subject
 * @param allowedIdentityPrefixes when not empty, the identity must start with one of these (e.g.
 *     {@code spiffe://acme.example/ci/})
 * @param checkRevocation whether the client certificate's revocation is checked (PKIX, end entity
 *     only, CRLs preferred): against {@code crls}, then the certificate's own OCSP responder or CRL
 *     distribution point; off by default, since those reach the network
 * @param crls CRLs to check against (a private CA's CRL, refreshed by configuration), used when
 *     {@code checkRevocation} is on
 */
public record ClientCertificatePolicy(
    List<X509Certificate> certificateAuthorities,
    IdentitySource identity,
    List<String> allowedIdentityPrefixes,
    boolean checkRevocation,
    List<X509CRL> crls) {

  /** The SAN that names the client. */
  public enum IdentitySource {
    /** A uniformResourceIdentifier SAN, e.g. a SPIFFE ID (exactly one URI SAN, as SPIFFE X.509-SVIDs have). */
    SAN_URI,
    /** An rfc822Name SAN (exactly one). */
    SAN_EMAIL
  }

  public ClientCertificatePolicy {
    certificateAuthorities = List.copyOf(Objects.requireNonNull(certificateAuthorities, "certificateAuthorities"));
    Objects.requireNonNull(identity, "identity");
    allowedIdentityPrefixes = List.copyOf(Objects.requireNonNull(allowedIdentityPrefixes, "allowedIdentityPrefixes"));
    crls = List.copyOf(Objects.requireNonNull(crls, "crls"));
    if (certificateAuthorities.isEmpty()) {
      throw new IllegalArgumentException("an mTLS client certificate policy needs at least one CA certificate");
    }
  }

  /** Trusts {@code certificateAuthorities}, reads the identity from {@code identity}, no prefix rule, no revocation checks. */
  public static ClientCertificatePolicy of(List<X509Certificate> certificateAuthorities, IdentitySource identity) {
    return new ClientCertificatePolicy(certificateAuthorities, identity, List.of(), false, List.of());
  }

  public ClientCertificatePolicy withAllowedIdentityPrefixes(List<String> prefixes) {
    return new ClientCertificatePolicy(certificateAuthorities, identity, prefixes, checkRevocation, crls);
  }

  /** Turns revocation checking on, against {@code crls} first. */
  public ClientCertificatePolicy withRevocationChecking(List<X509CRL> crls) {
    return new ClientCertificatePolicy(certificateAuthorities, identity, allowedIdentityPrefixes, true, crls);
  }
}
