package dev.portcullis.certs.path;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;

/**
 * Revocation by the CRLs the caller supplies (no fetching), RFC 5280 §6.3. A CRL covers a
 * certificate when its issuer name is the certificate's issuer and the issuer's key verifies it; a
 * CRL that names the issuer but fails verification is ignored (it is not the issuer's). A covering
 * CRL must be usable, else the path fails closed: a cRLNumber, non-critical (§5.2.3), no unknown
 * critical extension (§5.2), issued by a certificate whose keyUsage (when present) asserts cRLSign
 * (§6.3.3 (f)), not issued after the validation time, not past its nextUpdate (§6.3.3 (a)(2)).
 */
final class RevocationChecker {
  private static final Set<ASN1ObjectIdentifier> UNDERSTOOD =
      Set.of(Extension.cRLNumber, Extension.authorityKeyIdentifier);

  private final List<X509CRLHolder> crls = new ArrayList<>();
  private final Instant time;

  RevocationChecker(List<byte[]> encoded, Instant time) {
    this.time = time;
    for (byte[] der : encoded) {
      try {
        crls.add(new X509CRLHolder(der));
      } catch (IOException | RuntimeException e) {
        // An undecodable CRL covers nothing; the certificates it meant to cover stay unrevoked by it.
      }
    }
  }

  boolean isEmpty() {
    return crls.isEmpty();
  }

  /** Null when no usable CRL of {@code issuer} revokes {@code subject}, else the failure. */
  ValidationFailure check(ParsedCertificate subject, ParsedCertificate issuer, SignatureChecker signatures) {
    for (X509CRLHolder crl : crls) {
      if (!crl.getIssuer().equals(issuer.subject) || !signatures.verifies(crl, issuer)) {
        continue;
      }
      String problem = usability(crl, issuer);
      if (problem != null) {
        return new ValidationFailure(FailureCode.INVALID_CRL, issuer.label, problem);
      }
      var entry = crl.getRevokedCertificate(subject.certificate.getSerialNumber().getValue());
      if (entry != null) {
        return new ValidationFailure(FailureCode.REVOKED, subject.label,
            "revoked on " + entry.getRevocationDate().toInstant() + " by the CRL of " + issuer.label);
      }
    }
    return null;
  }

  private String usability(X509CRLHolder crl, ParsedCertificate issuer) {
    if (issuer.keyUsage != null && !issuer.keyUsageAsserts(KeyUsage.cRLSign)) {
      return "CRL issuer's keyUsage does not assert cRLSign (RFC 5280 §6.3.3 (f))";
    }
    Extensions extensions = crl.toASN1Structure().getTBSCertList().getExtensions();
    Extension number = extensions == null ? null : extensions.getExtension(Extension.cRLNumber);
    if (number == null) {
      return "CRL without cRLNumber (RFC 5280 §5.2.3)";
    }
    if (number.isCritical()) {
      return "CRL with a critical cRLNumber (RFC 5280 §5.2.3: non-critical)";
    }
    for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
      if (extensions.getExtension(oid).isCritical() && !UNDERSTOOD.contains(oid)) {
        return "CRL with unknown critical extension " + oid.getId() + " (RFC 5280 §5.2)";
      }
    }
    if (crl.getThisUpdate().toInstant().isAfter(time)) {
      return "CRL thisUpdate " + crl.getThisUpdate().toInstant() + " is after the validation time";
    }
    if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(time)) {
      return "CRL is stale: nextUpdate " + crl.getNextUpdate().toInstant() + " is before the validation time";
    }
    return null;
  }
}
