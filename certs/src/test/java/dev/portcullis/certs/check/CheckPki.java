package dev.portcullis.certs.check;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates built with BouncyCastle: P-256 keys by default, SHA-256 signatures, and the
 * extensions a well-formed Web PKI chain carries (SKI, AKI, critical basicConstraints on CAs,
 * serverAuth, a SAN and a CRL distribution point on leaves). Each knob breaks one thing.
 */
final class CheckPki {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final AtomicLong SERIALS = new AtomicLong(4096);
  private static KeyPair rsa2048;

  private CheckPki() {}

  static KeyPair ecKey() {
    return generate("EC", new ECGenParameterSpec("secp256r1"), 0);
  }

  static synchronized KeyPair rsa2048() {
    if (rsa2048 == null) {
      rsa2048 = generate("RSA", null, 2048);
    }
    return rsa2048;
  }

  static KeyPair rsa(int bits) {
    return generate("RSA", null, bits);
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec curve, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(curve);
      } else {
        generator.initialize(bits);
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate being built; self-signed until {@link #issuedBy}. */
  static final class Spec {
    final String subject;
    final KeyPair key;
    String issuer;
    KeyPair issuerKey;
    boolean issued;
    Instant notBefore = NOW.minus(30, ChronoUnit.DAYS);
    Instant notAfter = NOW.plus(60, ChronoUnit.DAYS);
    boolean ca;
    List<KeyPurposeId> purposes = new ArrayList<>();
    boolean eku = true;
    List<GeneralName> altNames = new ArrayList<>();
    List<GeneralSubtree> permitted = new ArrayList<>();
    boolean crlDistributionPoint;
    String signature;
    SubjectPublicKeyInfo publicKeyInfo;
    boolean leafCa;

    private Spec(String subject, KeyPair key) {
      this.subject = subject;
      this.key = key;
      this.issuer = subject;
      this.issuerKey = key;
    }

    Spec issuedBy(Spec parent) {
      issuer = parent.subject;
      issuerKey = parent.key;
      issued = true;
      return this;
    }

    Spec validity(Instant from, Instant to) {
      notBefore = from;
      notAfter = to;
      return this;
    }

    Spec purposes(KeyPurposeId... values) {
      purposes = new ArrayList<>(List.of(values));
      eku = true;
      return this;
    }

    Spec noEku() {
      eku = false;
      return this;
    }

    Spec dns(String... names) {
      for (String name : names) {
        altNames.add(new GeneralName(GeneralName.dNSName, name));
      }
      return this;
    }

    Spec permitDns(String name) {
      permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)));
      return this;
    }

    Spec noCrlDistributionPoint() {
      crlDistributionPoint = false;
      return this;
    }

    Spec signature(String algorithm) {
      signature = algorithm;
      return this;
    }

    Spec publicKeyInfo(SubjectPublicKeyInfo value) {
      publicKeyInfo = value;
      return this;
    }

    Spec markedCa() {
      leafCa = true;
      return this;
    }

    byte[] der() {
      try {
        JcaX509ExtensionUtils utilities = new JcaX509ExtensionUtils();
        SubjectPublicKeyInfo spki = publicKeyInfo != null ? publicKeyInfo : SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        var builder = new X509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(notBefore), Date.from(notAfter), new X500Name(subject), spki);
        builder.addExtension(Extension.subjectKeyIdentifier, false, utilities.createSubjectKeyIdentifier(spki));
        if (issued) {
          builder.addExtension(Extension.authorityKeyIdentifier, false,
              utilities.createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuerKey.getPublic().getEncoded())));
        }
        if (ca || leafCa) {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        }
        if (eku && !purposes.isEmpty()) {
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
        }
        if (!altNames.isEmpty()) {
          builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        if (!permitted.isEmpty()) {
          builder.addExtension(Extension.nameConstraints, true, new NameConstraints(permitted.toArray(GeneralSubtree[]::new), null));
        }
        if (crlDistributionPoint) {
          builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
              new DistributionPoint(new DistributionPointName(new GeneralNames(
                  new GeneralName(GeneralName.uniformResourceIdentifier, "http://crl.test/ca.crl"))), null, null)}));
        }
        String algorithm = signature != null ? signature
            : issuerKey.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate())).getEncoded();
      } catch (Exception e) {
        throw new IllegalStateException("could not build test certificate " + subject, e);
      }
    }
  }

  static Spec ca(String subject, KeyPair key) {
    Spec spec = new Spec(subject, key);
    spec.ca = true;
    return spec;
  }

  static Spec leaf(String subject, KeyPair key) {
    Spec spec = new Spec(subject, key);
    spec.purposes = new ArrayList<>(List.of(KeyPurposeId.id_kp_serverAuth));
    spec.crlDistributionPoint = true;
    return spec;
  }

  /** A P-256 public key re-encoded under another curve OID (e.g. P-192), or with explicit parameters. */
  static SubjectPublicKeyInfo ecKeyInfo(KeyPair p256, ASN1ObjectIdentifier curve, boolean explicit) {
    SubjectPublicKeyInfo original = SubjectPublicKeyInfo.getInstance(p256.getPublic().getEncoded());
    if (explicit) {
      var parameters = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("P-256");
      return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
          new org.bouncycastle.asn1.x9.X962Parameters(parameters)), original.getPublicKeyData().getBytes());
    }
    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
        original.getPublicKeyData().getBytes());
  }

  /** Public roots (marked as in the Mozilla snapshot), with an optional distrust-after date for the first. */
  static TrustAnchors publicRoots(Instant distrustAfter, byte[]... roots) {
    List<TrustAnchors.Anchor> anchors = new ArrayList<>();
    for (int i = 0; i < roots.length; i++) {
      anchors.add(new TrustAnchors.Anchor(Inspected.parse(roots[i]), true,
          i == 0 ? java.util.Optional.ofNullable(distrustAfter) : java.util.Optional.empty()));
    }
    return TrustAnchors.of(anchors);
  }
}
