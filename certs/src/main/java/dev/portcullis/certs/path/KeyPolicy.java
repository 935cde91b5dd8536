package dev.portcullis.certs.path;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Which public keys and signature algorithms a path may use. The defaults are the CA/Browser Forum
 * Baseline Requirements' lists: keys §6.1.5–6.1.6 (RSA of at least 2048 bits, a multiple of 8,
 * with an odd exponent of at least 3; ECDSA on P-256, P-384 or P-521 by named curve only), signature
 * algorithms §7.1.3.2 (RSASSA-PKCS1-v1_5 and RSASSA-PSS with SHA-256/384/512, ECDSA with
 * SHA-256/384/512). Ed25519 keys are accepted only when the caller allows Ed25519 signatures.
 */
final class KeyPolicy {
  static final String RSA = "1.2.840.113549.1.1.1";
  static final String RSA_PSS = "1.2.840.113549.1.1.10";
  static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
  static final String ED25519 = "1.3.101.112";

  /** P-256 (RFC 5480 §2.1.1.1), P-384, P-521. */
  private static final Set<String> CURVES = Set.of("1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35");

  static final Set<String> BASELINE_SIGNATURE_ALGORITHMS = Set.of(
      "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", // sha{256,384,512}WithRSAEncryption
      RSA_PSS,
      "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"); // ecdsa-with-SHA{256,384,512}

  private final Set<String> signatureAlgorithms;

  KeyPolicy(Set<String> allowedSignatureAlgorithms) {
    this.signatureAlgorithms = allowedSignatureAlgorithms.isEmpty() ? BASELINE_SIGNATURE_ALGORITHMS : allowedSignatureAlgorithms;
  }

  boolean allowsSignature(ASN1ObjectIdentifier algorithm) {
    return signatureAlgorithms.contains(algorithm.getId());
  }

  /** Null when the key is allowed, else what is wrong with it. */
  String keyProblem(SubjectPublicKeyInfo key) {
    String algorithm = key.getAlgorithm().getAlgorithm().getId();
    try {
      switch (algorithm) {
        case RSA, RSA_PSS -> {
          RSAPublicKey rsa = RSAPublicKey.getInstance(key.parsePublicKey());
          int bits = rsa.getModulus().bitLength();
          if (bits < 2048) {
            return "RSA key of " + bits + " bits (at least 2048 required, BR §6.1.5)";
          }
          if (bits % 8 != 0) {
            return "RSA modulus of " + bits + " bits is not a multiple of 8 (BR §6.1.5)";
          }
          BigInteger exponent = rsa.getPublicExponent();
          if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0) {
            return "RSA public exponent " + exponent + " is not odd and at least 3 (BR §6.1.6)";
          }
          return null;
        }
        case EC_PUBLIC_KEY -> {
          ASN1Encodable parameters = key.getAlgorithm().getParameters();
          if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            return "EC key with explicit or absent curve parameters (named curves only, RFC 5480 §2.1.1)";
          }
          return CURVES.contains(curve.getId()) ? null
              : "EC key on curve " + curve.getId() + " (only P-256, P-384, P-521 allowed, BR §6.1.5)";
        }
        case ED25519 -> {
          return signatureAlgorithms.contains(ED25519) ? null : "Ed25519 key while Ed25519 signatures are not allowed";
        }
        default -> {
          return "public key algorithm " + algorithm + " is not allowed (RSA or ECDSA, BR §6.1.5)";
        }
      }
    } catch (IOException | RuntimeException e) {
      return "public key does not decode: " + e.getMessage();
    }
  }
}
