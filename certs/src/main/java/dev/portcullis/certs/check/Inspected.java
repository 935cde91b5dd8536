package dev.portcullis.certs.check;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.portcullis.certs.path.CertificateTime;
import dev.portcullis.certs.path.DecodedCertificate;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * A decoded certificate with the fields the checks read. Decoding is lenient where the checks must
 * report a problem rather than stop (an unreadable extension reads as absent, and {@code structure}
 * reports it); a certificate whose outer structure does not decode is refused by {@link #parse}.
 * Immutable once built, so one inspection is shared by every check and thread that meets the same
 * certificate; {@link #selfSigned} caches its answer in a field that racing threads may both set, to the
 * same value.
 */
final class Inspected {
  static final String SERVER_AUTH = KeyPurposeId.id_kp_serverAuth.getId();
  static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();

  /** Inspections of strictly decoded certificates by fingerprint, shared by all checks (thread-safe, least recently used out). */
  private static final Cache<String, Inspected> INSPECTED = CacheBuilder.newBuilder().maximumSize(1_024).build();

  final byte[] der;
  /** The path validator's strict decoding, handed to it with the chain; null when only the lenient decoding took it. */
  final DecodedCertificate decoded;
  final Certificate certificate;
  final X509CertificateHolder holder;
  final String fingerprint;
  final X500Name subject;
  final X500Name issuer;
  private final boolean selfIssued;
  final Instant notBefore;
  final Instant notAfter;
  final Extensions extensions;
  /** The extKeyUsage OIDs, or null when the extension is absent. */
  final Set<String> extendedKeyUsage;
  final BasicConstraints basicConstraints;
  final KeyUsage keyUsage;
  final byte[] subjectKeyId;
  final byte[] authorityKeyId;
  final List<GeneralName> altNames;
  /** Filled while constructing, read-only after. */
  final List<String> undecodableExtensions = new ArrayList<>();
  private final String subjectText;
  private final List<String> commonNames;
  private Boolean selfSigned;

  private Inspected(byte[] der, DecodedCertificate decoded, Certificate certificate, X509CertificateHolder holder,
      String fingerprint, String subjectText) {
    this.der = der;
    this.decoded = decoded;
    this.certificate = certificate;
    this.holder = holder;
    this.fingerprint = fingerprint;
    this.subject = certificate.getSubject();
    this.issuer = certificate.getIssuer();
    this.subjectText = subjectText;
    List<String> cns = new ArrayList<>();
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      cns.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    this.commonNames = List.copyOf(cns);
    this.selfIssued = sameName(subject, issuer);
    this.notBefore = CertificateTime.of(certificate.getStartDate());
    this.notAfter = CertificateTime.of(certificate.getEndDate());
    this.extensions = certificate.getTBSCertificate().getExtensions();
    ExtendedKeyUsage eku = read(Extension.extendedKeyUsage, ExtendedKeyUsage::getInstance);
    this.extendedKeyUsage = eku == null ? null
        : Set.copyOf(java.util.Arrays.stream(eku.getUsages()).map(KeyPurposeId::getId).toList());
    this.basicConstraints = read(Extension.basicConstraints, BasicConstraints::getInstance);
    this.keyUsage = read(Extension.keyUsage, KeyUsage::getInstance);
    SubjectKeyIdentifier ski = read(Extension.subjectKeyIdentifier, SubjectKeyIdentifier::getInstance);
    this.subjectKeyId = ski == null ? null : ski.getKeyIdentifier();
    AuthorityKeyIdentifier aki = read(Extension.authorityKeyIdentifier, AuthorityKeyIdentifier::getInstance);
    this.authorityKeyId = aki == null ? null : aki.getKeyIdentifierObject() == null ? null : aki.getKeyIdentifierObject().getOctets();
    GeneralNames names = read(Extension.subjectAlternativeName, GeneralNames::getInstance);
    this.altNames = names == null ? List.of() : List.of(names.getNames());
  }

  /**
   * Decodes {@code der}; the message of a failure says why. A certificate the path validator's strict
   * decoder takes is read from that decoding (shared with the validation that follows), and the result is
   * kept by fingerprint, so an intermediate served with thousands of leaves is inspected once; anything
   * else is decoded here, leniently, so that the checks can report what is wrong with it.
   */
  static Inspected parse(byte[] der) {
    DecodedCertificate decoded;
    try {
      decoded = DecodedCertificate.decode(der);
    } catch (IllegalArgumentException e) {
      return lenient(der);
    }
    Inspected known = INSPECTED.getIfPresent(decoded.fingerprint());
    if (known != null) {
      return known;
    }
    Inspected inspected;
    try {
      inspected = new Inspected(decoded.der(), decoded, decoded.certificate(), decoded.holder(), decoded.fingerprint(),
          decoded.subjectText());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
    }
    INSPECTED.put(inspected.fingerprint, inspected);
    return inspected;
  }

  private static Inspected lenient(byte[] der) {
    try {
      Certificate certificate = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
      // Names decode lazily in BouncyCastle; decode them now so that a broken name fails parse().
      String subjectText = certificate.getSubject().toString();
      certificate.getIssuer().toString();
      return new Inspected(der, null, certificate, new X509CertificateHolder(certificate), sha256(der), subjectText);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  private <T> T read(ASN1ObjectIdentifier oid, java.util.function.Function<Object, T> decoder) {
    if (extensions == null || extensions.getExtension(oid) == null) {
      return null;
    }
    try {
      return decoder.apply(extensions.getExtension(oid).getParsedValue());
    } catch (RuntimeException e) {
      undecodableExtensions.add(oid.getId());
      return null;
    }
  }

  boolean isCa() {
    return basicConstraints != null && basicConstraints.isCA();
  }

  boolean hasExtension(ASN1ObjectIdentifier oid) {
    return extensions != null && extensions.getExtension(oid) != null;
  }

  boolean selfIssued() {
    return selfIssued;
  }

  /** X500Name equality, rejecting on the hash cached in each name first (computed from the same canonical form). */
  private static boolean sameName(X500Name a, X500Name b) {
    return a.hashCode() == b.hashCode() && a.equals(b);
  }

  /** Self-issued and verified by its own key. */
  boolean selfSigned() {
    if (selfSigned == null) {
      selfSigned = selfIssued() && signedBy(this);
    }
    return selfSigned;
  }

  /**
   * True when {@code candidate} is this certificate's issuer by its names and key identifiers alone:
   * its subject is this issuer, and both key identifiers are present and equal (a subjectKeyIdentifier
   * is derived from the key, RFC 5280 §4.2.1.2). False when either identifier is missing: then only
   * {@link #signedBy} can tell.
   */
  boolean issuedByKeyId(Inspected candidate) {
    return sameName(issuer, candidate.subject) && authorityKeyId != null && candidate.subjectKeyId != null
        && java.util.Arrays.equals(authorityKeyId, candidate.subjectKeyId);
  }

  /** The likely issuer relation: matching key identifiers, else a verified signature. */
  boolean likelyIssuedBy(Inspected candidate) {
    if (!sameName(issuer, candidate.subject)) {
      return false;
    }
    if (authorityKeyId != null && candidate.subjectKeyId != null) {
      return java.util.Arrays.equals(authorityKeyId, candidate.subjectKeyId);
    }
    return signedBy(candidate);
  }

  /** True when {@code issuer}'s key verifies this certificate's signature. */
  boolean signedBy(Inspected candidate) {
    if (!sameName(issuer, candidate.subject)) {
      return false;
    }
    try {
      return holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(candidate.holder));
    } catch (Exception e) { // an unsupported or broken key or signature verifies nothing
      return false;
    }
  }

  /** RFC 4514 text of the subject. */
  String subjectText() {
    return subjectText;
  }

  /** The subject's common names, in order. */
  List<String> commonNames() {
    return commonNames;
  }

  /** A short label for messages: the CN when there is one, else the whole DN. */
  String label() {
    List<String> names = commonNames();
    return names.isEmpty() ? subjectText() : "CN=" + names.get(0);
  }

  static String sha256(byte[] der) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
    }
  }
}
