package dev.portcullis.certs.path;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * An issuer's public key as a named provider takes it, and the digest of its SubjectPublicKeyInfo, which names
 * "this exact key" in {@link SignatureChecker}'s shared cache. The provider is named explicitly so that a provider
 * registered ahead of them (a test's) never changes which code judges a signature:
 *
 * <ul>
 *   <li>RSA (PKCS#1 v1.5) and ECDSA keys on P-256, P-384 and P-521 go to Conscrypt (BoringSSL through JNI; a private
 *       instance, not registered) when its native library loads on this platform: one verification costs about 21
 *       µs of CPU for RSA-2048 and 90 µs for P-256 on the 2-core VM, against 52 µs (SunRsaSign) and 145 µs
 *       (BouncyCastle) there (docs/PERFORMANCE.md), and one verification per new leaf is the largest cost of
 *       checking a chain. {@code -Dportcullis.certs.conscrypt=false} turns it off.
 *   <li>Without it, or for a key Conscrypt does not take: SunRsaSign for RSA and RSASSA-PSS, BouncyCastle for the
 *       three EC curves (a quarter of SunEC's cost on JDK 25), SunEC for Ed25519 and other EC keys.
 * </ul>
 */
record IssuerKey(PublicKey key, Provider provider, DerDigest digest) {
  static final Provider SUN_RSA_SIGN = required("SunRsaSign");
  static final Provider SUN_EC = required("SunEC");
  static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  /** Conscrypt when its native library loads here and it is not turned off; null otherwise. */
  static final Provider CONSCRYPT = conscrypt();
  /** P-256, P-384, P-521 (RFC 5480 §2.1.1.1): the named curves the Baseline Requirements allow. */
  private static final Set<String> NAMED_CURVES = Set.of("1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35");

  static {
    // One ECDSA P-256 verification (the curve's generator as the key, a signature r = s = 1 that does not
    // verify), so that BouncyCastle's one-time set-up (its provider, up to 1.7 s on the shared 2-core VM; the
    // curve's tables) happens while this class loads, not inside the first validation's time budget.
    for (Provider provider : CONSCRYPT == null ? List.of(BOUNCY_CASTLE) : List.of(BOUNCY_CASTLE, CONSCRYPT)) {
      try {
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        PublicKey generator = KeyFactory.getInstance("EC", BOUNCY_CASTLE).generatePublic(new ECPublicKeySpec(p256.getG(), p256));
        Signature signature = Signature.getInstance("SHA256withECDSA", provider);
        signature.initVerify(KeyFactory.getInstance("EC", provider).generatePublic(
            new X509EncodedKeySpec(generator.getEncoded())));
        signature.update(new byte[32]);
        signature.verify(new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01});
      } catch (GeneralSecurityException | RuntimeException e) {
        // only a warm-up: a real verification reports whatever is wrong
      }
    }
  }

  /** Loads this class, and so the providers, ahead of any validation's time budget (see the static initializer). */
  static void initialize() {
    // the work is in the static initializer
  }

  static IssuerKey of(SubjectPublicKeyInfo info) throws GeneralSecurityException {
    String algorithm = info.getAlgorithm().getAlgorithm().getId();
    String factory;
    Provider provider;
    switch (algorithm) {
      case KeyPolicy.RSA -> { factory = "RSA"; provider = SUN_RSA_SIGN; }
      case KeyPolicy.RSA_PSS -> { factory = "RSASSA-PSS"; provider = SUN_RSA_SIGN; }
      case KeyPolicy.EC_PUBLIC_KEY -> {
        factory = "EC";
        provider = info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve
            && NAMED_CURVES.contains(curve.getId()) ? BOUNCY_CASTLE : SUN_EC;
      }
      case KeyPolicy.ED25519 -> { factory = "Ed25519"; provider = SUN_EC; }
      default -> throw new NoSuchAlgorithmException("no JDK verifier for public key algorithm " + algorithm);
    }
    byte[] encoded;
    try {
      encoded = info.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new GeneralSecurityException("public key does not encode: " + e.getMessage(), e);
    }
    DerDigest digest = DerDigest.of(encoded);
    if (CONSCRYPT != null && (algorithm.equals(KeyPolicy.RSA) || provider == BOUNCY_CASTLE)) {
      try {
        return new IssuerKey(KeyFactory.getInstance(factory, CONSCRYPT).generatePublic(new X509EncodedKeySpec(encoded)),
            CONSCRYPT, digest);
      } catch (GeneralSecurityException | RuntimeException e) {
        // a key encoding BoringSSL does not take: the JDK's or BouncyCastle's provider judges it, as without Conscrypt
      }
    }
    PublicKey key = KeyFactory.getInstance(factory, provider).generatePublic(new X509EncodedKeySpec(encoded));
    return new IssuerKey(key, provider, digest);
  }

  /** The same key with the provider used when Conscrypt is not there (a signature algorithm it does not offer). */
  IssuerKey withoutConscrypt(SubjectPublicKeyInfo info) throws GeneralSecurityException {
    if (provider != CONSCRYPT) {
      return this;
    }
    String algorithm = info.getAlgorithm().getAlgorithm().getId();
    Provider fallback = algorithm.equals(KeyPolicy.RSA) ? SUN_RSA_SIGN : BOUNCY_CASTLE;
    try {
      return new IssuerKey(KeyFactory.getInstance(algorithm.equals(KeyPolicy.RSA) ? "RSA" : "EC", fallback)
          .generatePublic(new X509EncodedKeySpec(info.getEncoded(ASN1Encoding.DER))), fallback, digest);
    } catch (IOException e) {
      throw new GeneralSecurityException("public key does not encode: " + e.getMessage(), e);
    }
  }

  private static Provider conscrypt() {
    if ("false".equalsIgnoreCase(System.getProperty("portcullis.certs.conscrypt", "true"))) {
      return null;
    }
    try {
      return org.conscrypt.Conscrypt.isAvailable() ? org.conscrypt.Conscrypt.newProvider() : null;
    } catch (LinkageError | RuntimeException e) {
      return null; // no native library for this platform (or it cannot be loaded): the JDK's and BouncyCastle's
    }
  }

  private static Provider required(String name) {
    Provider provider = Security.getProvider(name);
    if (provider == null) {
      throw new IllegalStateException("the JDK provider " + name + " is not installed (java.security)");
    }
    return provider;
  }
}
