package dev.portcullis.certs.path;

import java.util.Arrays;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A certificate decoded by the path validator's strict decoder (DER only, names and times readable,
 * no repeated extension), for callers that read the same certificate before validating it: the
 * certificate checks take their fields from it and hand it to {@link PathValidator} with the request
 * ({@link ValidationRequest.Builder#decoded}), which then does not decode the same DER again. Decodings are shared through a bounded cache
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

  /** This decoding when its DER equals {@code der}, else null. */
  ParsedCertificate decodingOf(byte[] der) {
    return Arrays.equals(decoded.der, der) ? decoded : null;
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
