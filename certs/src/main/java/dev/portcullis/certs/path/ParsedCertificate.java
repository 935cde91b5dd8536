package dev.portcullis.certs.path;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyConstraints;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A certificate decoded once, with the extensions path validation reads already parsed. Decoding is
 * strict: trailing bytes, a repeated extension (BouncyCastle's {@link Extensions} refuses it) or an
 * undecodable structure make {@link #parse} throw; an extension value that does not decode becomes
 * a {@link FailureCode#MALFORMED_EXTENSION} in {@link #decodeProblems}, so an unused certificate
 * with a broken extension never fails a path it is not on.
 */
final class ParsedCertificate {
  /** Extensions this validator processes or knows to be safe to ignore when critical. */
  static final List<ASN1ObjectIdentifier> UNDERSTOOD = List.of(
      Extension.basicConstraints, Extension.keyUsage, Extension.extendedKeyUsage, Extension.subjectAlternativeName,
      Extension.nameConstraints, Extension.subjectKeyIdentifier, Extension.authorityKeyIdentifier,
      Extension.certificatePolicies, Extension.policyConstraints, Extension.policyMappings,
      Extension.inhibitAnyPolicy);

  /** Decoded certificates by SHA-256 of their DER, shared by all validations (thread-safe, least recently used out). */
  private static final Cache<DerDigest, ParsedCertificate> DECODED = CacheBuilder.newBuilder().maximumSize(1_024).build();

  /** The certificate's number in one search (trust anchors, intermediates); -1 in the shared cache. */
  final int id;
  final byte[] der;
  final Certificate certificate;
  final X509CertificateHolder holder;
  final X500Name subject;
  final X500Name issuer;
  final boolean selfIssued;
  /** RFC 4514 text of the subject (BouncyCastle's BCStyle), made once: the checks show it too. */
  final String subjectText;
  final String label;
  final Map<ASN1ObjectIdentifier, Extension> extensions;
  final List<ValidationFailure> decodeProblems;
  /** SHA-256 of {@link #der}: the certificate's identity in the caches shared across validations. */
  final DerDigest digest;
  /** Where tbsCertificate lies in {@link #der}: the bytes its signature covers, as they were received. */
  final int tbsOffset;
  final int tbsLength;
  /** The JCA public key and the digest of its SubjectPublicKeyInfo, made once when first used as an issuer. */
  private final AtomicReference<IssuerKey> issuerKey;

  Instant notBefore;
  Instant notAfter;
  BasicConstraints basicConstraints;
  KeyUsage keyUsage;
  ExtendedKeyUsage extendedKeyUsage;
  GeneralNames subjectAltNames;
  NameConstraints nameConstraints;
  byte[] subjectKeyIdentifier;
  AuthorityKeyIdentifier authorityKeyIdentifier;

  private ParsedCertificate(int id, byte[] der, DerDigest digest, Certificate certificate) {
    this.id = id;
    this.der = der;
    this.digest = digest;
    this.certificate = certificate;
    this.holder = new X509CertificateHolder(certificate);
    this.subject = certificate.getSubject();
    this.issuer = certificate.getIssuer();
    this.selfIssued = sameName(subject, issuer);
    this.subjectText = subject.toString();
    this.label = shorten(subjectText);
    this.extensions = new LinkedHashMap<>();
    this.decodeProblems = new ArrayList<>();
    int tbsStart = contentOffset(der, 0);
    this.tbsOffset = tbsStart;
    this.tbsLength = contentOffset(der, tbsStart) - tbsStart + contentLength(der, tbsStart);
    this.issuerKey = new AtomicReference<>();
  }

  /** The same decoded certificate under another search's id: everything but the id is shared, read-only. */
  private ParsedCertificate(int id, ParsedCertificate decoded) {
    this.id = id;
    this.der = decoded.der;
    this.digest = decoded.digest;
    this.certificate = decoded.certificate;
    this.holder = decoded.holder;
    this.subject = decoded.subject;
    this.issuer = decoded.issuer;
    this.selfIssued = decoded.selfIssued;
    this.subjectText = decoded.subjectText;
    this.label = decoded.label;
    this.extensions = decoded.extensions;
    this.decodeProblems = decoded.decodeProblems;
    this.tbsOffset = decoded.tbsOffset;
    this.tbsLength = decoded.tbsLength;
    this.issuerKey = decoded.issuerKey;
    this.notBefore = decoded.notBefore;
    this.notAfter = decoded.notAfter;
    this.basicConstraints = decoded.basicConstraints;
    this.keyUsage = decoded.keyUsage;
    this.extendedKeyUsage = decoded.extendedKeyUsage;
    this.subjectAltNames = decoded.subjectAltNames;
    this.nameConstraints = decoded.nameConstraints;
    this.subjectKeyIdentifier = decoded.subjectKeyIdentifier;
    this.authorityKeyIdentifier = decoded.authorityKeyIdentifier;
  }

  /**
   * Decodes DER strictly; throws IllegalArgumentException naming what was wrong. A certificate
   * decoded before (same SHA-256 of its DER) is taken from a bounded cache shared by all
   * validations, so a common intermediate or root is decoded once, not once per chain; only
   * successful decodings are kept, so a malformed certificate is re-examined, and refused, each time.
   */
  static ParsedCertificate parse(int id, byte[] der) {
    return new ParsedCertificate(id, decoded(der));
  }

  /** {@code decoded} (a shared decoding) under a search's id. */
  static ParsedCertificate withId(int id, ParsedCertificate decoded) {
    return new ParsedCertificate(id, decoded);
  }

  /** The shared decoding of {@code der} (id -1), from the cache or decoded now; throws as {@link #parse} does. */
  static ParsedCertificate decoded(byte[] der) {
    DerDigest digest = DerDigest.of(der);
    ParsedCertificate decoded = DECODED.getIfPresent(digest);
    if (decoded == null) {
      decoded = decode(der, digest);
      DECODED.put(digest, decoded);
    }
    return decoded;
  }

  private static ParsedCertificate decode(byte[] der, DerDigest digest) {
    Certificate certificate;
    try {
      certificate = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a DER X.509 certificate: " + e.getMessage(), e);
    }
    if (certificate == null) {
      throw new IllegalArgumentException("empty certificate");
    }
    try {
      // X.509 is DER (RFC 5280 §4.1). BouncyCastle verifies the signature over its own DER
      // re-encoding of tbsCertificate, so a BER variant (a BOOLEAN TRUE as 0x01, a long-form
      // length) of a signed certificate would verify while its bytes and fingerprint differ.
      if (!Arrays.equals(certificate.getEncoded(ASN1Encoding.DER), der)) {
        throw new IllegalArgumentException("not DER: the encoding differs from its canonical DER form");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a DER X.509 certificate: " + e.getMessage(), e);
    }
    try {
      ParsedCertificate parsed = new ParsedCertificate(-1, der.clone(), digest, certificate);
      // BouncyCastle decodes names lazily; decode them now, so that a malformed name is a
      // decoding failure here and not an exception in the middle of path building.
      parsed.subject.hashCode();
      parsed.issuer.hashCode();
      parsed.issuer.toString();
      parsed.notBefore = CertificateTime.of(certificate.getStartDate());
      parsed.notAfter = CertificateTime.of(certificate.getEndDate());
      Extensions extensions = certificate.getTBSCertificate().getExtensions();
      if (extensions != null) {
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
          parsed.extensions.put(oid, extensions.getExtension(oid));
        }
        parsed.decodeExtensions();
      }
      return parsed;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a well-formed X.509 certificate: " + e.getMessage(), e);
    }
  }

  boolean isCritical(ASN1ObjectIdentifier oid) {
    Extension extension = extensions.get(oid);
    return extension != null && extension.isCritical();
  }

  boolean has(ASN1ObjectIdentifier oid) {
    return extensions.containsKey(oid);
  }

  boolean keyUsageAsserts(int bit) {
    return keyUsage != null && keyUsage.hasUsages(bit);
  }

  boolean extendedKeyUsageContains(String oid) {
    return extendedKeyUsage != null && extendedKeyUsage.hasKeyPurposeId(KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid)));
  }

  byte[] authorityKeyId() {
    return authorityKeyIdentifier == null ? null : authorityKeyIdentifier.getKeyIdentifierObject() == null
        ? null : authorityKeyIdentifier.getKeyIdentifierObject().getOctets();
  }

  /** Whether {@code candidate} may be this certificate's issuer by names and key identifiers (RFC 5280 §4.2.1.1). */
  boolean mayBeIssuedBy(ParsedCertificate candidate) {
    if (!sameName(issuer, candidate.subject)) {
      return false;
    }
    byte[] keyId = authorityKeyId();
    return keyId == null || candidate.subjectKeyIdentifier == null || Arrays.equals(keyId, candidate.subjectKeyIdentifier);
  }

  /**
   * This certificate's public key for the JDK's providers, made once per decoded certificate
   * (shared by every validation that meets it); throws GeneralSecurityException when the JDK
   * cannot make it.
   */
  IssuerKey issuerKey() throws GeneralSecurityException {
    IssuerKey key = issuerKey.get();
    if (key == null) {
      key = IssuerKey.of(certificate.getSubjectPublicKeyInfo());
      issuerKey.compareAndSet(null, key);
    }
    return key;
  }

  /**
   * X500Name equality (RFC 5280 §7.1 comparison, BouncyCastle's BCStyle), rejecting on the cached hash
   * first: the hash is computed from the same canonical form, so different hashes mean different
   * names, and the canonicalisation {@code equals} repeats on every call is skipped.
   */
  static boolean sameName(X500Name a, X500Name b) {
    return a.hashCode() == b.hashCode() && a.equals(b);
  }

  /** Offset of the contents of the DER element at {@code at} (past its tag and length octets). */
  private static int contentOffset(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    return first < 0x80 ? at + 2 : at + 2 + (first & 0x7f);
  }

  /** Length of the contents of the DER element at {@code at}; the strict decoding has already proven it well formed. */
  private static int contentLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xff);
    }
    return length;
  }

  @Override
  public String toString() {
    return label;
  }

  private void decodeExtensions() {
    for (Map.Entry<ASN1ObjectIdentifier, Extension> entry : extensions.entrySet()) {
      ASN1ObjectIdentifier oid = entry.getKey();
      ASN1OctetString value = entry.getValue().getExtnValue();
      try {
        ASN1Primitive parsed = ASN1Primitive.fromByteArray(value.getOctets());
        decode(oid, parsed);
      } catch (IOException | RuntimeException e) {
        decodeProblems.add(new ValidationFailure(FailureCode.MALFORMED_EXTENSION, label,
            "extension " + name(oid) + " does not decode: " + e.getMessage()));
      }
    }
  }

  private void decode(ASN1ObjectIdentifier oid, ASN1Encodable value) {
    if (oid.equals(Extension.basicConstraints)) {
      basicConstraints = BasicConstraints.getInstance(value);
    } else if (oid.equals(Extension.keyUsage)) {
      keyUsage = KeyUsage.getInstance(value);
    } else if (oid.equals(Extension.extendedKeyUsage)) {
      extendedKeyUsage = ExtendedKeyUsage.getInstance(value);
      if (extendedKeyUsage.size() == 0) {
        throw new IllegalArgumentException("extKeyUsage holds no key purpose (RFC 5280 §4.2.1.12: SIZE (1..MAX))");
      }
    } else if (oid.equals(Extension.subjectAlternativeName)) {
      subjectAltNames = GeneralNames.getInstance(value);
      if (subjectAltNames.getNames().length == 0) {
        throw new IllegalArgumentException("subjectAltName holds no name (RFC 5280 §4.2.1.6: SIZE (1..MAX))");
      }
    } else if (oid.equals(Extension.nameConstraints)) {
      nameConstraints = NameConstraints.getInstance(value);
    } else if (oid.equals(Extension.subjectKeyIdentifier)) {
      subjectKeyIdentifier = SubjectKeyIdentifier.getInstance(value).getKeyIdentifier();
    } else if (oid.equals(Extension.authorityKeyIdentifier)) {
      authorityKeyIdentifier = AuthorityKeyIdentifier.getInstance(value);
    } else if (oid.equals(Extension.authorityInfoAccess)) {
      if (AuthorityInformationAccess.getInstance(value).getAccessDescriptions().length == 0) {
        throw new IllegalArgumentException("authorityInfoAccess holds no access description (RFC 5280 §4.2.2.1)");
      }
    } else if (oid.equals(Extension.cRLDistributionPoints)) {
      CRLDistPoint.getInstance(value).getDistributionPoints();
    } else if (oid.equals(Extension.certificatePolicies)) {
      CertificatePolicies.getInstance(value).getPolicyInformation();
    } else if (oid.equals(Extension.policyConstraints)) {
      PolicyConstraints.getInstance(value);
    }
  }

  static String name(ASN1ObjectIdentifier oid) {
    if (oid.equals(Extension.basicConstraints)) return "basicConstraints";
    if (oid.equals(Extension.keyUsage)) return "keyUsage";
    if (oid.equals(Extension.extendedKeyUsage)) return "extKeyUsage";
    if (oid.equals(Extension.subjectAlternativeName)) return "subjectAltName";
    if (oid.equals(Extension.nameConstraints)) return "nameConstraints";
    if (oid.equals(Extension.subjectKeyIdentifier)) return "subjectKeyIdentifier";
    if (oid.equals(Extension.authorityKeyIdentifier)) return "authorityKeyIdentifier";
    if (oid.equals(Extension.authorityInfoAccess)) return "authorityInfoAccess";
    if (oid.equals(Extension.policyConstraints)) return "policyConstraints";
    return oid.getId();
  }

  static String shorten(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
