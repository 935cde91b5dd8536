package dev.portcullis.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

/** Writes configuration files and PEM keys for tests. */
public final class TestFiles {
  private static PrivateKey rsaKey;

  private TestFiles() {}

  public static synchronized PrivateKey rsaKey() {
    if (rsaKey == null) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsaKey = generator.generateKeyPair().getPrivate();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return rsaKey;
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** Writes an unencrypted PKCS#8 RSA key. */
  public static Path writeRsaKey(Path file) {
    return write(file, pem("PRIVATE KEY", rsaKey().getEncoded()));
  }

  /** A self-signed CA certificate (EC P-256, a day's validity). */
  public static java.security.cert.X509Certificate selfSignedCertificate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return selfSigned(generator.generateKeyPair(), "SHA256withECDSA");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed CA certificate for {@code keys}, a day's validity. */
  public static java.security.cert.X509Certificate selfSigned(java.security.KeyPair keys, String signatureAlgorithm) {
    try {
      org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Test CI CA");
      java.time.Instant now = java.time.Instant.now();
      org.bouncycastle.cert.X509v3CertificateBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
          name, java.math.BigInteger.ONE, java.util.Date.from(now.minusSeconds(60)),
          java.util.Date.from(now.plusSeconds(86_400)), name, keys.getPublic());
      builder.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
          new org.bouncycastle.asn1.x509.BasicConstraints(true));
      return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(
          new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
