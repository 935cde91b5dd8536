package dev.portcullis.certs.source;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A two-level test PKI (root, intermediate, leaf for {@code localhost}) and files holding it. */
final class SourcePki {
  final KeyPair rootKey = ec();
  final KeyPair intermediateKey = ec();
  final KeyPair leafKey = ec();
  final byte[] root = certificate("CN=Source Root", rootKey, "CN=Source Root", rootKey, true);
  final byte[] intermediate = certificate("CN=Source CA", intermediateKey, "CN=Source Root", rootKey, true);
  final byte[] leaf = certificate("CN=localhost", leafKey, "CN=Source CA", intermediateKey, false);

  static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey, boolean ca) {
    try {
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now.toEpochMilli()),
          Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), new X500Name(subject), key.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (!ca) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
      }
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static X509Certificate x509(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(byte[]... certificates) {
    StringBuilder text = new StringBuilder();
    for (byte[] der : certificates) {
      text.append("-----BEGIN CERTIFICATE-----\n").append(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return text.toString();
  }

  /** A keystore of {@code type} with the leaf's key entry ("server": leaf + intermediate) and the root as a trusted entry. */
  KeyStore keyStore(String type, char[] password, char[] keyPassword) {
    try {
      KeyStore store = KeyStore.getInstance(type);
      store.load(null, null);
      store.setKeyEntry("server", leafKey.getPrivate(), keyPassword, new Certificate[] {x509(leaf), x509(intermediate)});
      store.setCertificateEntry("root", x509(root));
      return store;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Path write(KeyStore store, Path file, char[] password) {
    try (var out = Files.newOutputStream(file)) {
      store.store(out, password);
      return file;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  List<byte[]> servedChain() {
    return List.of(leaf, intermediate);
  }
}
