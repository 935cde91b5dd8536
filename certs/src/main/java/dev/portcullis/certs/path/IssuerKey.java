package dev.portcullis.certs.path;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An issuer's public key as the JDK's own providers take it (SunRsaSign for RSA and RSASSA-PSS keys,
 * SunEC for EC and Ed25519 keys), named explicitly so that a provider registered ahead of them
 * (BouncyCastle, a test's) never changes which code judges a signature; and the digest of its
 * SubjectPublicKeyInfo, which names "this exact key" in {@link SignatureChecker}'s shared cache.
 */
record IssuerKey(PublicKey key, Provider provider, DerDigest digest) {
  static final Provider SUN_RSA_SIGN = required("SunRsaSign");
  static final Provider SUN_EC = required("SunEC");

  static IssuerKey of(SubjectPublicKeyInfo info) throws GeneralSecurityException {
    String algorithm = info.getAlgorithm().getAlgorithm().getId();
    String factory;
    Provider provider;
    switch (algorithm) {
      case KeyPolicy.RSA -> { factory = "RSA"; provider = SUN_RSA_SIGN; }
      case KeyPolicy.RSA_PSS -> { factory = "RSASSA-PSS"; provider = SUN_RSA_SIGN; }
      case KeyPolicy.EC_PUBLIC_KEY -> { factory = "EC"; provider = SUN_EC; }
      case KeyPolicy.ED25519 -> { factory = "Ed25519"; provider = SUN_EC; }
      default -> throw new NoSuchAlgorithmException("no JDK verifier for public key algorithm " + algorithm);
    }
    byte[] encoded;
    try {
      encoded = info.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new GeneralSecurityException("public key does not encode: " + e.getMessage(), e);
    }
    PublicKey key = KeyFactory.getInstance(factory, provider).generatePublic(new X509EncodedKeySpec(encoded));
    return new IssuerKey(key, provider, DerDigest.of(encoded));
  }

  private static Provider required(String name) {
    Provider provider = Security.getProvider(name);
    if (provider == null) {
      throw new IllegalStateException("the JDK provider " + name + " is not installed (java.security)");
    }
    return provider;
  }
}
