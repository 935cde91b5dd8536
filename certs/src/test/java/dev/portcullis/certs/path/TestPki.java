package dev.portcullis.certs.path;

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
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds test certificates with BouncyCastle: P-256 keys (fast to generate), ECDSA-SHA256
 * signatures, and by default the extensions a Web PKI validator expects (SKI, AKI, critical
 * basicConstraints and keyCertSign on CAs; serverAuth and a SAN on end entities).
 */
final class TestPki {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final AtomicLong SERIALS = new AtomicLong(1000);

  private TestPki() {}

  static KeyPair newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate being built; {@link #issuedBy} defaults to self-signed. */
  static final class Spec {
    final String subject;
    final KeyPair key;
    String issuer;
    KeyPair issuerKey;
    boolean issued;
    Instant notBefore = NOW.minus(30, ChronoUnit.DAYS);
    Instant notAfter = NOW.plus(60, ChronoUnit.DAYS);
    boolean ca;
    Integer pathLength;
    Integer keyUsage;
    List<KeyPurposeId> keyPurposes = new ArrayList<>();
    List<GeneralName> altNames = new ArrayList<>();
    List<GeneralSubtree> permitted = new ArrayList<>();
    List<GeneralSubtree> excluded = new ArrayList<>();

    private Spec(String subject, KeyPair key) {
      this.subject = subject;
      this.key = key;
      this.issuer = subject;
      this.issuerKey = key;
    }

    Spec issuedBy(Spec issuerSpec) {
      issuer = issuerSpec.subject;
      issuerKey = issuerSpec.key;
      issued = true;
      return this;
    }

    Spec validity(Instant from, Instant to) {
      notBefore = from;
      notAfter = to;
      return this;
    }

    Spec pathLength(int value) {
      pathLength = value;
      return this;
    }

    Spec dns(String... names) {
      for (String name : names) {
        altNames.add(new GeneralName(GeneralName.dNSName, name));
      }
      return this;
    }

    Spec ip(String address) {
      altNames.add(new GeneralName(GeneralName.iPAddress, address));
      return this;
    }

    Spec keyPurposes(KeyPurposeId... purposes) {
      keyPurposes = new ArrayList<>(List.of(purposes));
      return this;
    }

    Spec permitDns(String name) {
      permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)));
      return this;
    }

    Spec permitEmail(String constraint) {
      permitted.add(new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, constraint)));
      return this;
    }

    Spec excludeDns(String name) {
      excluded.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)));
      return this;
    }

    byte[] der() {
      try {
        JcaX509ExtensionUtils utilities = new JcaX509ExtensionUtils();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIALS.incrementAndGet()),
            Date.from(notBefore), Date.from(notAfter), new X500Name(subject), key.getPublic());
        builder.addExtension(Extension.subjectKeyIdentifier, false, utilities.createSubjectKeyIdentifier(key.getPublic()));
        if (issued) { // a root (never issuedBy) is self-signed and carries no AKI
          builder.addExtension(Extension.authorityKeyIdentifier, false,
              utilities.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        }
        if (ca) {
          builder.addExtension(Extension.basicConstraints, true,
              pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
          builder.addExtension(Extension.keyUsage, true,
              new KeyUsage(keyUsage == null ? KeyUsage.keyCertSign | KeyUsage.cRLSign : keyUsage));
        } else {
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage == null ? KeyUsage.digitalSignature : keyUsage));
        }
        if (!keyPurposes.isEmpty()) {
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(keyPurposes.toArray(KeyPurposeId[]::new)));
        }
        if (!altNames.isEmpty()) {
          builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        if (!permitted.isEmpty() || !excluded.isEmpty()) {
          builder.addExtension(Extension.nameConstraints, true, new NameConstraints(
              permitted.isEmpty() ? null : permitted.toArray(GeneralSubtree[]::new),
              excluded.isEmpty() ? null : excluded.toArray(GeneralSubtree[]::new)));
        }
        return builder.build(signer(issuerKey)).getEncoded();
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
    spec.keyPurposes = new ArrayList<>(List.of(KeyPurposeId.id_kp_serverAuth));
    return spec;
  }

  /** A CRL from {@code issuer} listing {@code revokedSerials}, with a cRLNumber and a day of validity. */
  static byte[] crl(Spec issuer, BigInteger... revokedSerials) {
    try {
      X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(issuer.subject), Date.from(NOW.minus(1, ChronoUnit.HOURS)));
      builder.setNextUpdate(Date.from(NOW.plus(1, ChronoUnit.DAYS)));
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
      for (BigInteger serial : revokedSerials) {
        builder.addCRLEntry(serial, Date.from(NOW.minus(2, ChronoUnit.HOURS)), CRLReason.keyCompromise);
      }
      return builder.build(signer(issuer.key)).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static BigInteger serial(byte[] certificate) {
    return org.bouncycastle.asn1.x509.Certificate.getInstance(certificate).getSerialNumber().getValue();
  }

  private static ContentSigner signer(KeyPair key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
  }

  static ASN1ObjectIdentifier oid(String dotted) {
    return new ASN1ObjectIdentifier(dotted);
  }
}
