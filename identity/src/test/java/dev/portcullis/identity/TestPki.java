package dev.portcullis.identity;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates made with BouncyCastle: a CA, intermediates and client leaves. */
final class TestPki {
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  /** A certificate with its key pair. */
  record Issued(X509Certificate certificate, KeyPair keys) {}

  /** What a leaf gets; every field has a sensible default. */
  record Leaf(List<KeyPurposeId> usages, List<GeneralName> sans, Instant notBefore, Instant notAfter) {
    static Leaf client(String spiffeId) {
      return new Leaf(List.of(KeyPurposeId.id_kp_clientAuth), List.of(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)),
          NOW.minusSeconds(3600), NOW.plusSeconds(3600));
    }

    Leaf withUsages(KeyPurposeId... usages) {
      return new Leaf(List.of(usages), sans, notBefore, notAfter);
    }

    Leaf withSans(GeneralName... sans) {
      return new Leaf(usages, List.of(sans), notBefore, notAfter);
    }

    Leaf withValidity(Instant notBefore, Instant notAfter) {
      return new Leaf(usages, sans, notBefore, notAfter);
    }
  }

  static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static Issued ca(String cn) throws Exception {
    KeyPair keys = keys();
    X500Name name = new X500Name("CN=" + cn);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(NOW.minusSeconds(86_400)), Date.from(NOW.plusSeconds(86_400 * 365)), name, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    return new Issued(sign(builder, keys), keys);
  }

  static Issued intermediate(Issued parent, String cn, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair keys = keys();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(parent.certificate(), BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(sign(builder, parent.keys()), keys);
  }

  static Issued leaf(Issued parent, String cn, Leaf spec) throws Exception {
    KeyPair keys = keys();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(parent.certificate(), BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(spec.notBefore()), Date.from(spec.notAfter()), new X500Name("CN=" + cn), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    if (!spec.usages().isEmpty()) {
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.usages().toArray(KeyPurposeId[]::new)));
    }
    if (!spec.sans().isEmpty()) {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(spec.sans().toArray(GeneralName[]::new)));
    }
    return new Issued(sign(builder, parent.keys()), keys);
  }

  /** A CRL by {@code issuer} revoking {@code revoked}, valid for a day around {@link #NOW}. */
  static java.security.cert.X509CRL crl(Issued issuer, X509Certificate... revoked) throws Exception {
    org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(
        issuer.certificate().getSubjectX500Principal(), Date.from(NOW.minusSeconds(3600)));
    builder.setNextUpdate(Date.from(NOW.plusSeconds(86_400)));
    for (X509Certificate certificate : revoked) {
      builder.addCRLEntry(certificate.getSerialNumber(), Date.from(NOW.minusSeconds(60)), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
    }
    return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.keys().getPrivate())));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private TestPki() {}
}
