package dev.portcullis.certs.path;

import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A certificate decoded by the path validator's strict decoder (DER only, names and times readable,
 * no repeated extension), for callers that read the same certificate before validating it: the
 * certificate checks take their fields from it, and {@link PathValidator} then finds the same decoding
 * by the SHA-256 of the DER instead of decoding again. Decodings are shared through a bounded cache
 * keyed by that digest, so a common intermediate is decoded once for every chain it serves.
 * Immutable and thread-safe; the BouncyCastle objects it hands out must not be modified.
 */
public final class DecodedCertificate {
  private final ParsedCertificate decoded;
  private final String fingerprint;

  private DecodedCertificate(ParsedCertificate decoded) {
    this.decoded = decoded;
    this.fingerprint = decoded.digest.hex();
  }

  /** Decodes {@code der} strictly; throws IllegalArgumentException naming what was wrong. */
  public static DecodedCertificate decode(byte[] der) {
    return new DecodedCertificate(ParsedCertificate.decoded(der));
  }

  /** A copy of the DER the certificate was decoded from. */
  public byte[] der() {
    return decoded.der.clone();
  }

  /** SHA-256 of the DER, lowercase hex. */
  public String fingerprint() {
    return fingerprint;
  }

  public Certificate certificate() {
    return decoded.certificate;
  }

  public X509CertificateHolder holder() {
    return decoded.holder;
  }

  /** RFC 4514 text of the subject, as BouncyCastle's {@code X500Name.toString()} gives it. */
  public String subjectText() {
    return decoded.subjectText;
  }
}
