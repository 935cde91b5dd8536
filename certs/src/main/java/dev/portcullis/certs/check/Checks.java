package dev.portcullis.certs.check;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.path.DecodedCertificate;
import dev.portcullis.certs.path.FailureCode;
import dev.portcullis.certs.path.PathValidator;
import dev.portcullis.certs.path.Purpose;
import dev.portcullis.certs.path.ValidationFailure;
import dev.portcullis.certs.path.ValidationRequest;
import dev.portcullis.certs.path.ValidationResult;
import dev.portcullis.certs.source.FoundChain.PrivateKeyFacts;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** One run of every check on one chain (see {@link CertificateChecks}); not thread-safe, used once. */
final class Checks {
  private static final Duration DAY = Duration.ofDays(1);
  /** id-kp OIDs a TLS server certificate must not assert (BR §7.1.2.7.10), with names for messages. */
  private static final Map<String, String> FORBIDDEN_SERVER_PURPOSES = Map.of(
      "1.3.6.1.5.5.7.3.3", "codeSigning", "1.3.6.1.5.5.7.3.4", "emailProtection", "1.3.6.1.5.5.7.3.8", "timeStamping",
      "1.3.6.1.5.5.7.3.9", "OCSPSigning", "2.5.29.37.0", "anyExtendedKeyUsage");
  /** BR §7.1.3.2 signature algorithms. */
  private static final Set<String> ALLOWED_SIGNATURES = Set.of(
      "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10",
      "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4");
  private static final Map<String, String> WEAK_SIGNATURES = Map.of(
      "1.2.840.113549.1.1.5", "sha1WithRSAEncryption", "1.2.840.10045.4.1", "ecdsa-with-SHA1",
      "1.2.840.113549.1.1.4", "md5WithRSAEncryption", "1.2.840.113549.1.1.2", "md2WithRSAEncryption",
      "1.2.840.10040.4.3", "dsa-with-SHA1");
  /** P-256, P-384, P-521 (RFC 5480 §2.1.1.1). */
  private static final Map<String, String> CURVES = Map.of(
      "1.2.840.10045.3.1.7", "P-256", "1.3.132.0.34", "P-384", "1.3.132.0.35", "P-521");
  private static final Map<String, String> WEAK_CURVES = Map.of("1.2.840.10045.3.1.1", "P-192", "1.3.132.0.33", "P-224");
  /** Extensions the checks and the path validator understand; any other critical one is a structure finding. */
  private static final Set<ASN1ObjectIdentifier> KNOWN_EXTENSIONS = Set.of(Extension.basicConstraints, Extension.keyUsage,
      Extension.extendedKeyUsage, Extension.subjectAlternativeName, Extension.nameConstraints, Extension.policyConstraints,
      Extension.certificatePolicies, Extension.inhibitAnyPolicy, Extension.policyMappings, Extension.subjectKeyIdentifier,
      Extension.authorityKeyIdentifier, Extension.authorityInfoAccess, Extension.cRLDistributionPoints);
  /** Path-validator codes that other checks own; a path refused only for these is not also a trust-path finding. */
  private static final Set<FailureCode> OWNED_ELSEWHERE = EnumSet.of(FailureCode.EXPIRED, FailureCode.NOT_YET_VALID,
      FailureCode.FORBIDDEN_KEY, FailureCode.SIGNATURE_ALGORITHM_NOT_ALLOWED, FailureCode.SUBJECT_ALT_NAME,
      FailureCode.NAME_MISMATCH, FailureCode.INVALID_PEER_NAME, FailureCode.UNSUPPORTED_VERSION,
      FailureCode.INVALID_SERIAL_NUMBER, FailureCode.UNKNOWN_CRITICAL_EXTENSION, FailureCode.EXTENSION_CRITICALITY,
      FailureCode.AUTHORITY_KEY_IDENTIFIER, FailureCode.SUBJECT_KEY_IDENTIFIER, FailureCode.CA_AS_END_ENTITY);
  private static final Set<String> PATH_SIGNATURES;

  static {
    Set<String> algorithms = new LinkedHashSet<>(ALLOWED_SIGNATURES);
    algorithms.add("1.2.840.113549.1.1.5"); // SHA-1 is signature-algorithm's finding, not trust-path's
    algorithms.add("1.2.840.10045.4.1");
    PATH_SIGNATURES = Set.copyOf(algorithms);
  }

  private final Subject subject;
  private final CheckContext context;
  private final List<Inspected> chain;
  private final Inspected leaf;
  private final Use use;
  private final List<Finding> findings = new ArrayList<>();
  private ChainShape shape;

  Checks(Subject subject, CheckContext context, List<Inspected> chain) {
    this.subject = subject;
    this.context = context;
    this.chain = chain;
    this.leaf = chain.get(0);
    this.use = subject.use();
  }

  List<Finding> findings() {
    return List.copyOf(findings);
  }

  void add(CheckId check, Severity severity, String message) {
    add(check, severity, message, check.rule());
  }

  private void add(CheckId check, Severity severity, String message, String rule) {
    findings.add(new Finding(check, severity, message, leaf.fingerprint, leaf.subjectText(), use, rule, subject.origin()));
  }

  void runAll() {
    shape = ChainShape.walk(chain, context.anchors());
    validityWindow();
    brLifetime();
    privateLifetime();
    expiryWindow();
    renewalInfo();
    serverAuthEku();
    dualUse();
    clientAuthEku();
    clientAuthOutbound();
    keyStrength();
    salesforceImport();
    signatureAlgorithm();
    chainCompleteness();
    trustPathAndNameConstraints();
    chainElementExpiry();
    hostName();
    structure();
    revocationInfo();
    exportableKey();
    rootLifecycle();
  }

  private boolean isPublic() {
    return shape.anchor() != null && shape.anchor().mozilla();
  }

  private boolean asserts(String purpose) {
    return leaf.extendedKeyUsage != null && leaf.extendedKeyUsage.contains(purpose);
  }

  private boolean tlsServerUse() {
    return use == Use.INBOUND_TLS || use == Use.OUTBOUND_TLS || (use == Use.UNKNOWN && asserts(Inspected.SERVER_AUTH));
  }

  /** Chains that must reach a trusted root: the trusted-chain uses, and an unknown use unless self-signed. */
  private boolean needsTrustedChain() {
    return use.needsTrustedChain() || (use == Use.UNKNOWN && !leaf.selfSigned());
  }

  // C1
  private void validityWindow() {
    Instant at = context.at();
    if (at.isBefore(leaf.notBefore)) {
      add(CheckId.VALIDITY_WINDOW, Severity.CRITICAL, "not valid before " + leaf.notBefore + " (checked at " + at + ")");
    } else if (at.isAfter(leaf.notAfter)) {
      add(CheckId.VALIDITY_WINDOW, Severity.CRITICAL, "expired on " + leaf.notAfter + ", "
          + Duration.between(leaf.notAfter, at).toDays() + " days before " + at);
    }
  }

  /** BR §1.6.1 / §6.3.2: notBefore through notAfter inclusive, a day is 86,400 s, any part of a day counts. */
  static long validityDays(Instant notBefore, Instant notAfter) {
    long seconds = Duration.between(notBefore, notAfter).getSeconds() + 1;
    return Math.max(0, (seconds + DAY.getSeconds() - 1) / DAY.getSeconds());
  }

  /** The BR maximum (MUST) and recommended maximum (SHOULD) validity in days for a certificate issued at {@code notBefore}. */
  static long[] brLimits(Instant notBefore) {
    if (notBefore.isBefore(Instant.parse("2020-09-01T00:00:00Z"))) {
      return new long[] {825, 825}; // CA/B Forum Ballot 193 (2018-03-01), superseded by Ballot SC31
    }
    if (notBefore.isBefore(Instant.parse("2026-03-15T00:00:00Z"))) {
      return new long[] {398, 397};
    }
    if (notBefore.isBefore(Instant.parse("2027-03-15T00:00:00Z"))) {
      return new long[] {200, 199};
    }
    if (notBefore.isBefore(Instant.parse("2029-03-15T00:00:00Z"))) {
      return new long[] {100, 99};
    }
    return new long[] {47, 46};
  }

  // C2
  private void brLifetime() {
    if (!isPublic() || !(tlsServerUse() || asserts(Inspected.SERVER_AUTH))) {
      return;
    }
    long days = validityDays(leaf.notBefore, leaf.notAfter);
    long[] limits = brLimits(leaf.notBefore);
    String issued = "issued " + date(leaf.notBefore);
    if (days > limits[0]) {
      add(CheckId.BR_LIFETIME, Severity.HIGH, "lifetime of " + days + " days exceeds the " + limits[0]
          + "-day maximum for public TLS certificates " + issued);
    } else if (days > limits[1]) {
      add(CheckId.BR_LIFETIME, Severity.LOW, "lifetime of " + days + " days exceeds the recommended " + limits[1]
          + " days for public TLS certificates " + issued);
    }
  }

  // C3
  private void privateLifetime() {
    if (isPublic()) {
      return;
    }
    long days = validityDays(leaf.notBefore, leaf.notAfter);
    long limit = context.privateLifetime().toDays();
    if (days > limit) {
      add(CheckId.PRIVATE_LIFETIME, Severity.MEDIUM, "lifetime of " + days + " days exceeds the policy of " + limit
          + " days for private and SSO certificates");
    }
  }

  // C4
  private void expiryWindow() {
    Instant at = context.at();
    if (at.isBefore(leaf.notBefore) || at.isAfter(leaf.notAfter)) {
      return; // validity-window owns it
    }
    Duration lifetime = Duration.between(leaf.notBefore, leaf.notAfter);
    Duration remaining = Duration.between(at, leaf.notAfter);
    boolean shortLived = lifetime.compareTo(Duration.ofDays(10)) < 0;
    Duration window = shortLived ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
    long daysLeft = remaining.toDays();
    Severity severity = null;
    String why = null;
    if (remaining.compareTo(window) < 0) {
      severity = Severity.HIGH;
      why = "inside its renewal window (renew when " + (shortLived ? "1/2" : "1/3") + " of the lifetime remains)";
    }
    if (!shortLived && daysLeft <= 10) {
      severity = Severity.CRITICAL;
      why = "at or past Salesforce's 10-day expiry notice";
    }
    if (severity != null) {
      add(CheckId.EXPIRY_WINDOW, severity, "expires on " + leaf.notAfter + ", " + daysLeft + " of "
          + lifetime.toDays() + " days left: " + why);
    }
  }

  // C5
  private void renewalInfo() {
    Optional<String> certId = leaf.authorityKeyId == null ? Optional.empty()
        : Optional.of(RenewalInfo.certId(leaf.authorityKeyId, leaf.certificate.getSerialNumber().getValue()));
    if (certId.isEmpty() || !context.renewalInfo().containsKey(certId.get())) {
      return;
    }
    RenewalInfo info = context.renewalInfo().get(certId.get());
    String explanation = info.explanationUrl().map(u -> " (CA's explanation: " + u + ")").orElse("");
    if (!info.windowIsValid()) {
      add(CheckId.RENEWAL_INFO, Severity.MEDIUM, "the CA's renewal information for CertID " + certId.get()
          + " has a window that does not end after it starts: ignored (RFC 9773 §4.2)");
    } else if (!context.at().isBefore(info.end())) {
      add(CheckId.RENEWAL_INFO, Severity.CRITICAL, "the CA asked for renewal between " + info.start() + " and "
          + info.end() + ", and that window has passed: renew now" + explanation);
    } else if (!context.at().isBefore(info.start())) {
      add(CheckId.RENEWAL_INFO, Severity.HIGH, "the CA asks for renewal from " + info.start() + " to " + info.end()
          + ": renew now" + explanation);
    }
  }

  // C6
  private void serverAuthEku() {
    if (use != Use.INBOUND_TLS && use != Use.OUTBOUND_TLS) {
      return;
    }
    if (leaf.extendedKeyUsage == null) {
      add(CheckId.SERVER_AUTH_EKU, Severity.HIGH, "no extKeyUsage extension: a TLS server certificate must assert id-kp-serverAuth");
      return;
    }
    if (!asserts(Inspected.SERVER_AUTH)) {
      add(CheckId.SERVER_AUTH_EKU, Severity.HIGH, "extKeyUsage lacks id-kp-serverAuth: " + purposes(leaf.extendedKeyUsage));
    }
    List<String> forbidden = leaf.extendedKeyUsage.stream().filter(FORBIDDEN_SERVER_PURPOSES::containsKey)
        .map(FORBIDDEN_SERVER_PURPOSES::get).sorted().toList();
    if (!forbidden.isEmpty()) {
      add(CheckId.SERVER_AUTH_EKU, Severity.HIGH, "extKeyUsage asserts purposes a TLS server certificate must not: "
          + String.join(", ", forbidden));
    }
  }

  // C7
  private void dualUse() {
    if (!isPublic() || !asserts(Inspected.SERVER_AUTH) || !asserts(Inspected.CLIENT_AUTH)) {
      return;
    }
    String consequence = switch (use) {
      case INBOUND_API_MTLS, INBOUND_USER_MTLS, OUTBOUND_MTLS ->
          "it is used as a client certificate, and its renewal will come without clientAuth: move it to a private CA "
              + "or a dedicated client-authentication hierarchy";
      default -> "any consumer that uses it as a client certificate will break at renewal";
    };
    add(CheckId.DUAL_USE_PUBLIC, Severity.HIGH, "public certificate asserts both serverAuth and clientAuth; public CAs "
        + "stop issuing clientAuth (Let's Encrypt ended it 2026-07-08; Chrome policy 1.8 forbids it from 2027-03-15): "
        + consequence);
  }

  // C8
  private void clientAuthEku() {
    if (use != Use.INBOUND_API_MTLS && use != Use.INBOUND_USER_MTLS) {
      return;
    }
    if (leaf.extendedKeyUsage == null) {
      add(CheckId.CLIENT_AUTH_EKU, Severity.CRITICAL, "no extKeyUsage extension: Salesforce requires the Client "
          + "Authentication EKU (id-kp-clientAuth) on mutual-authentication and login certificates");
    } else if (!asserts(Inspected.CLIENT_AUTH)) {
      add(CheckId.CLIENT_AUTH_EKU, Severity.CRITICAL, "extKeyUsage lacks id-kp-clientAuth, which Salesforce requires: "
          + purposes(leaf.extendedKeyUsage));
    }
  }

  // C9
  private void clientAuthOutbound() {
    if (use == Use.OUTBOUND_MTLS && leaf.extendedKeyUsage != null && !asserts(Inspected.CLIENT_AUTH)) {
      add(CheckId.CLIENT_AUTH_EKU_OUTBOUND, Severity.MEDIUM, "extKeyUsage lacks id-kp-clientAuth: many servers refuse "
          + "such a client certificate (" + purposes(leaf.extendedKeyUsage) + ")");
    }
  }

  // C10
  private void keyStrength() {
    for (int i = 0; i < chain.size(); i++) {
      String problem = keyProblem(chain.get(i).certificate.getSubjectPublicKeyInfo());
      if (problem != null) {
        Severity severity = problem.startsWith("RSA public exponent") && problem.contains("outside") ? Severity.LOW : Severity.HIGH;
        add(CheckId.KEY_STRENGTH, severity, name(i) + ": " + problem);
      }
    }
  }

  /** Null when the key is allowed by BR §6.1.5–6.1.6, else what is wrong. */
  static String keyProblem(SubjectPublicKeyInfo key) {
    String algorithm = key.getAlgorithm().getAlgorithm().getId();
    try {
      switch (algorithm) {
        case "1.2.840.113549.1.1.1" -> {
          RSAPublicKey rsa = RSAPublicKey.getInstance(key.parsePublicKey());
          int bits = rsa.getModulus().bitLength();
          BigInteger exponent = rsa.getPublicExponent();
          if (bits < 2048 || bits % 8 != 0) {
            return "RSA key of " + bits + " bits (at least 2048, a multiple of 8)";
          }
          if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0) {
            return "RSA public exponent " + exponent + " is not odd and at least 3";
          }
          if (exponent.compareTo(BigInteger.valueOf(65_537)) < 0 || exponent.bitLength() > 256) {
            return "RSA public exponent " + exponent + " is outside the recommended [2^16+1, 2^256-1]";
          }
          return null;
        }
        case "1.2.840.10045.2.1" -> {
          ASN1Encodable parameters = key.getAlgorithm().getParameters();
          if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            return "EC key with explicit curve parameters (only named P-256, P-384, P-521)";
          }
          if (CURVES.containsKey(curve.getId())) {
            return null;
          }
          return "EC key on " + WEAK_CURVES.getOrDefault(curve.getId(), "curve " + curve.getId())
              + " (only P-256, P-384, P-521)";
        }
        case "1.2.840.10040.4.1" -> {
          return "DSA key (only RSA and ECDSA)";
        }
        default -> {
          return "public key algorithm " + algorithm + " (only RSA and ECDSA)";
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return "public key does not decode: " + e.getMessage();
    }
  }

  // C11
  private void salesforceImport() {
    Optional<PrivateKeyFacts> key = subject.privateKey();
    if (key.isEmpty() || !use.keyHeldBySalesforce()) {
      return;
    }
    PrivateKeyFacts facts = key.get();
    String rule = CheckId.SALESFORCE_IMPORT.rule();
    if (!facts.storePasswordOpensKey()) {
      add(CheckId.SALESFORCE_IMPORT, Severity.HIGH, "the keystore password does not open the private key: Salesforce "
          + "needs the key password to equal the keystore password", rule);
      return;
    }
    if (!facts.algorithm().equals("RSA")) {
      add(CheckId.SALESFORCE_IMPORT, Severity.HIGH, "the private key is " + facts.algorithm() + ": Salesforce imports "
          + "RSA keys only (\"The key is not an RSA key\")", rule);
    } else if (facts.bits() != 0 && facts.bits() != 2048 && facts.bits() != 3072 && facts.bits() != 4096) {
      add(CheckId.SALESFORCE_IMPORT, Severity.HIGH, "RSA key of " + facts.bits() + " bits: Salesforce imports 2048, "
          + "3072 or 4096", rule);
    }
    if (!facts.encoding().equals("PKCS#8")) {
      add(CheckId.SALESFORCE_IMPORT, Severity.HIGH, "the private key is " + (facts.encoding().isEmpty() ? "not exportable"
          : facts.encoding()) + ", not PKCS#8", rule);
    }
    if (!facts.storeType().equals("JKS")) {
      add(CheckId.SALESFORCE_IMPORT, Severity.MEDIUM, "held in " + facts.storeType() + ": Salesforce's keystore import "
          + "takes JKS (convert with keytool -importkeystore -deststoretype JKS)", rule);
    }
  }

  // C12
  private void signatureAlgorithm() {
    for (int i = 0; i < chain.size(); i++) {
      Inspected certificate = chain.get(i);
      if (i > 0 && certificate.selfSigned()) {
        continue; // a root's self-signature is not relied on
      }
      String oid = certificate.certificate.getSignatureAlgorithm().getAlgorithm().getId();
      if (ALLOWED_SIGNATURES.contains(oid)) {
        continue;
      }
      String weak = WEAK_SIGNATURES.get(oid);
      add(CheckId.SIGNATURE_ALGORITHM, Severity.HIGH, name(i) + " is signed with " + (weak == null ? oid : weak)
          + (oid.equals("1.2.840.113549.1.1.5") || oid.equals("1.2.840.10045.4.1")
              ? " (SHA-1: forbidden in public certificates; BR sunset 2026-09-15)" : " (not an allowed algorithm)"));
    }
  }

  // C13
  private void chainCompleteness() {
    if (!needsTrustedChain()) {
      return;
    }
    if (shape.missingIssuer()) {
      Inspected top = shape.top();
      add(CheckId.CHAIN_COMPLETENESS, Severity.CRITICAL, "the chain ends at " + top.label() + ", whose issuer "
          + top.issuer + " is neither in the chain nor a trusted root: an intermediate is missing (or the private "
          + "root is not given as a trust anchor)" + caIssuers(top) + "; Salesforce does not fetch missing intermediates");
    }
    for (String problem : shape.outOfOrder()) {
      add(CheckId.CHAIN_COMPLETENESS, Severity.MEDIUM, problem + ": send the chain in order, leaf first");
    }
    for (int index : shape.unused()) {
      add(CheckId.CHAIN_COMPLETENESS, Severity.LOW, name(index) + " is not part of the leaf's chain: remove it");
    }
  }

  private static String caIssuers(Inspected certificate) {
    if (!certificate.hasExtension(Extension.authorityInfoAccess)) {
      return "";
    }
    try {
      AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
          certificate.extensions.getExtension(Extension.authorityInfoAccess).getParsedValue());
      for (AccessDescription description : aia.getAccessDescriptions()) {
        if (description.getAccessMethod().equals(AccessDescription.id_ad_caIssuers)
            && description.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
          return " (its caIssuers URL: " + DERIA5String.getInstance(description.getAccessLocation().getName()).getString() + ")";
        }
      }
    } catch (RuntimeException e) {
      return "";
    }
    return "";
  }

  // C14 and C18
  private void trustPathAndNameConstraints() {
    if (!needsTrustedChain()) {
      return;
    }
    if (shape.missingIssuer()) {
      return; // chain-completeness owns it
    }
    if (shape.anchor() == null) {
      add(CheckId.TRUST_PATH, Severity.CRITICAL, "the chain ends at self-signed " + shape.top().label()
          + ", which is not a trusted root (not in the Mozilla snapshot; give a private root with --trust-anchor)");
      return;
    }
    Instant time = context.at().isBefore(leaf.notBefore) ? leaf.notBefore
        : context.at().isAfter(leaf.notAfter) ? leaf.notAfter : context.at();
    List<byte[]> anchors = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    List<DecodedCertificate> decoded = new ArrayList<>();
    for (Inspected certificate : chain) {
      if (certificate.decoded != null) {
        decoded.add(certificate.decoded);
      }
      for (TrustAnchors.Anchor anchor : context.anchors().issuersOf(certificate)) {
        if (!seen.contains(anchor.certificate().fingerprint)) {
          seen.add(anchor.certificate().fingerprint);
          anchors.add(anchor.certificate().der);
          if (anchor.certificate().decoded != null) {
            decoded.add(anchor.certificate().decoded);
          }
        }
      }
    }
    if (!seen.contains(shape.anchor().certificate().fingerprint)) {
      anchors.add(shape.anchor().certificate().der); // a served root that is itself the anchor
    }
    ValidationResult result = PathValidator.validate(ValidationRequest.builder(leaf.der)
        .intermediates(chain.subList(1, chain.size()).stream().map(c -> c.der).toList())
        .trustAnchors(anchors)
        .time(time)
        .purpose(purpose())
        .signatureAlgorithms(PATH_SIGNATURES)
        .decoded(decoded)
        .build());
    if (result.valid()) {
      byte[] root = result.chain().get(result.chain().size() - 1);
      distrustAfter(root);
      orgTrustedRoot(root);
      return;
    }
    String leafLabel = shorten(leaf.subjectText());
    List<String> pathProblems = new ArrayList<>();
    for (ValidationFailure failure : result.failures()) {
      FailureCode code = failure.code();
      if (code == FailureCode.NAME_CONSTRAINTS_VIOLATED || code == FailureCode.NAME_CONSTRAINTS_INVALID
          || code == FailureCode.NAME_CONSTRAINTS_TOO_COMPLEX) {
        add(CheckId.NAME_CONSTRAINTS, Severity.HIGH, failure.certificate() + ": " + failure.message());
      } else if (OWNED_ELSEWHERE.contains(code)
          || (code == FailureCode.EXTENDED_KEY_USAGE || code == FailureCode.KEY_USAGE) && failure.certificate().equals(leafLabel)) {
        continue; // reported by the check that owns it
      } else {
        pathProblems.add(code.name() + " at " + failure.certificate() + ": " + failure.message());
      }
    }
    if (!pathProblems.isEmpty()) {
      add(CheckId.TRUST_PATH, Severity.CRITICAL, "no valid path to a trusted root: "
          + pathProblems.stream().distinct().limit(3).collect(Collectors.joining("; ")));
    }
  }

  private Purpose purpose() {
    return switch (use) {
      case INBOUND_API_MTLS, INBOUND_USER_MTLS -> asserts(Inspected.CLIENT_AUTH) || !asserts(Inspected.SERVER_AUTH)
          ? new Purpose.ClientAuth() : new Purpose.ServerAuth();
      default -> asserts(Inspected.SERVER_AUTH) || !asserts(Inspected.CLIENT_AUTH) ? new Purpose.ServerAuth() : new Purpose.ClientAuth();
    };
  }

  /**
   * With the org's trusted CA list given: Salesforce trusts a callout target only under a root of that list, and a
   * public CA's client certificate (API or user mTLS) likewise (help 000385468, 000383575); a private CA's client
   * certificate is matched against the one uploaded to the org, so the list does not govern it.
   */
  private void orgTrustedRoot(byte[] root) {
    Optional<Set<String>> trusted = context.anchors().orgTrusted();
    if (trusted.isEmpty() || !EnumSet.of(Use.OUTBOUND_TLS, Use.INBOUND_API_MTLS, Use.INBOUND_USER_MTLS).contains(use)) {
      return;
    }
    Inspected walked = shape.anchor().certificate();
    String fingerprint = Arrays.equals(root, walked.der) ? walked.fingerprint : Inspected.sha256(root);
    if (trusted.get().contains(fingerprint)) {
      return;
    }
    Optional<TrustAnchors.Anchor> anchor = context.anchors().byFingerprint(fingerprint);
    boolean publicRoot = anchor.map(TrustAnchors.Anchor::mozilla).orElse(false);
    if (use != Use.OUTBOUND_TLS && !publicRoot) {
      return;
    }
    add(CheckId.TRUST_PATH, Severity.CRITICAL, "the path ends at " + (publicRoot ? "public" : "private") + " root "
        + anchor.map(a -> a.certificate().label()).orElse(walked.label()) + ", which is not in the org's trusted CA"
        + " list (/cacerts.jsp): Salesforce refuses it for " + use.id() + (use == Use.OUTBOUND_TLS
            ? " (a callout target must chain to a root of that list)" : " (a public CA's client certificate must chain"
            + " to a root of that list)"),
        "Salesforce help 000385468 (SSL certificates Salesforce supports), 000383575 (mutual authentication)");
  }

  private void distrustAfter(byte[] root) {
    Inspected walked = shape.anchor().certificate();
    String fingerprint = Arrays.equals(root, walked.der) ? walked.fingerprint : Inspected.sha256(root);
    Optional<TrustAnchors.Anchor> anchor = context.anchors().byFingerprint(fingerprint);
    if (anchor.isPresent() && anchor.get().distrustAfter().isPresent()
        && leaf.notBefore.isAfter(anchor.get().distrustAfter().get())) {
      add(CheckId.TRUST_PATH, Severity.CRITICAL, "issued " + leaf.notBefore + " under " + anchor.get().certificate().label()
          + ", which Mozilla distrusts for certificates issued after " + anchor.get().distrustAfter().get(),
          "Mozilla root store: distrust-after (CKA_NSS_SERVER_DISTRUST_AFTER)");
    }
  }

  // C15
  private void chainElementExpiry() {
    List<Inspected> elements = new ArrayList<>(shape.path().subList(1, shape.path().size()));
    if (shape.anchor() != null && !elements.contains(shape.anchor().certificate())
        && !shape.anchor().certificate().fingerprint.equals(shape.top().fingerprint)) {
      elements.add(shape.anchor().certificate());
    }
    for (Inspected element : elements) {
      String role = element.selfSigned() ? "root " : "intermediate ";
      if (context.at().isAfter(element.notAfter)) {
        add(CheckId.CHAIN_ELEMENT_EXPIRY, Severity.HIGH, role + element.label() + " expired on " + element.notAfter
            + ": the chain is invalid even though the leaf is not");
      } else if (context.at().isBefore(element.notBefore)) {
        add(CheckId.CHAIN_ELEMENT_EXPIRY, Severity.HIGH, role + element.label() + " is not valid before " + element.notBefore);
      } else if (element.notAfter.isBefore(leaf.notAfter)) {
        add(CheckId.CHAIN_ELEMENT_EXPIRY, Severity.MEDIUM, role + element.label() + " expires on " + element.notAfter
            + ", before the leaf (" + leaf.notAfter + "): the chain breaks first");
      }
    }
  }

  // C16
  private void hostName() {
    List<String> dnsNames = new ArrayList<>();
    List<byte[]> addresses = new ArrayList<>();
    for (GeneralName name : leaf.altNames) {
      if (name.getTagNo() == GeneralName.dNSName) {
        dnsNames.add(DERIA5String.getInstance(name.getName()).getString());
      } else if (name.getTagNo() == GeneralName.iPAddress) {
        addresses.add(ASN1OctetString.getInstance(name.getName()).getOctets());
      }
    }
    boolean tls = tlsServerUse();
    if (!tls && context.expectedNames().isEmpty()) {
      return;
    }
    if (dnsNames.isEmpty() && addresses.isEmpty()) {
      add(CheckId.HOST_NAME, Severity.HIGH, "no DNS or IP subjectAltName: clients never fall back to the CN"
          + (leaf.commonNames().isEmpty() ? "" : " ('" + leaf.commonNames().get(0) + "')"));
    }
    for (String name : dnsNames) {
      if (name.startsWith("*.") && isPublicSuffix(name.substring(2))) {
        add(CheckId.HOST_NAME, Severity.HIGH, "wildcard subjectAltName '" + name + "' covers a public suffix: it matches "
            + "nothing (BR §3.2.2.6)");
      }
    }
    for (String expected : context.expectedNames()) {
      if (!matches(expected, dnsNames, addresses)) {
        add(CheckId.HOST_NAME, Severity.HIGH, "'" + expected + "' matches no subjectAltName " + dnsNames
            + (addresses.isEmpty() ? "" : " or IP address") + "; the CN is never used");
      }
    }
    Set<String> sanValues = dnsNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    for (byte[] address : addresses) {
      try {
        sanValues.add(java.net.InetAddress.getByAddress(address).getHostAddress());
      } catch (java.net.UnknownHostException e) {
        // a malformed address is a structure problem, reported by the path validator's profile
      }
    }
    for (String cn : leaf.commonNames()) {
      if (!sanValues.contains(cn.toLowerCase(Locale.ROOT))) {
        add(CheckId.HOST_NAME, Severity.LOW, "the CN '" + cn + "' is not one of the subjectAltName values", "CA/B Forum BR §7.1.4.3");
      }
    }
  }

  static boolean matches(String expected, List<String> dnsNames, List<byte[]> addresses) {
    if (InetAddresses.isInetAddress(expected)) {
      byte[] wanted = InetAddresses.forString(expected).getAddress();
      return addresses.stream().anyMatch(a -> Arrays.equals(a, wanted));
    }
    String host = expected.toLowerCase(Locale.ROOT);
    host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (String san : dnsNames) {
      String name = san.toLowerCase(Locale.ROOT);
      if (name.equals(host)) {
        return true;
      }
      if (name.startsWith("*.") && !isPublicSuffix(name.substring(2))) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(name.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isPublicSuffix(String domain) {
    try {
      return InternetDomainName.from(domain).isPublicSuffix();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // C17
  private void structure() {
    for (int i = 0; i < chain.size(); i++) {
      Inspected certificate = chain.get(i);
      boolean endEntity = i == 0;
      List<String> problems = new ArrayList<>();
      int version = certificate.certificate.getVersionNumber();
      if (version != 3) {
        problems.add("version " + version + ", not 3");
      }
      BigInteger serial = certificate.certificate.getSerialNumber().getValue();
      if (serial.signum() <= 0) {
        problems.add("serial number " + serial + " is not positive");
      } else if (serial.toByteArray().length > 20) {
        problems.add("serial number is " + serial.toByteArray().length + " octets (at most 20)");
      }
      if (endEntity && !certificate.selfSigned()) {
        if (certificate.isCa()) {
          problems.add("the leaf is a CA (basicConstraints cA=true)");
        }
        if (certificate.keyUsage != null && certificate.keyUsage.hasUsages(KeyUsage.keyCertSign)) {
          problems.add("the leaf asserts keyCertSign");
        }
      }
      if (!endEntity) {
        Extension basic = certificate.extensions == null ? null : certificate.extensions.getExtension(Extension.basicConstraints);
        if (basic == null) {
          problems.add("a CA without basicConstraints");
        } else if (!basic.isCritical() || !certificate.isCa()) {
          problems.add("basicConstraints must be critical with cA=true");
        }
        if (certificate.subjectKeyId == null) {
          problems.add("a CA without subjectKeyIdentifier");
        }
      }
      if (!certificate.selfSigned() && certificate.authorityKeyId == null) {
        problems.add("no authorityKeyIdentifier keyIdentifier");
      }
      if (certificate.extensions != null) {
        for (ASN1ObjectIdentifier oid : certificate.extensions.getCriticalExtensionOIDs()) {
          if (!KNOWN_EXTENSIONS.contains(oid)) {
            problems.add("unknown critical extension " + oid.getId());
          }
        }
      }
      for (String oid : certificate.undecodableExtensions) {
        problems.add("extension " + oid + " does not decode");
      }
      for (String problem : problems) {
        add(CheckId.STRUCTURE, Severity.MEDIUM, name(i) + ": " + problem);
      }
    }
  }

  // C19
  private void revocationInfo() {
    if (!isPublic() || leaf.hasExtension(Extension.cRLDistributionPoints)) {
      return;
    }
    long seconds = Duration.between(leaf.notBefore, leaf.notAfter).getSeconds() + 1;
    Instant issued = leaf.notBefore;
    boolean shortLived = !issued.isBefore(Instant.parse("2026-03-15T00:00:00Z")) ? seconds <= 604_800
        : !issued.isBefore(Instant.parse("2024-03-15T00:00:00Z")) && seconds <= 864_000;
    if (!shortLived) {
      add(CheckId.REVOCATION_INFO, Severity.MEDIUM, "no CRL distribution point, and not a short-lived certificate"
          + (use == Use.INBOUND_API_MTLS || use == Use.INBOUND_USER_MTLS ? ": Salesforce checks CRLs for client certificates" : ""));
    }
  }

  // C20
  private void exportableKey() {
    if (subject.privateKeyExportable().orElse(false)
        && (use == Use.OUTBOUND_MTLS || use == Use.OUTBOUND_SSO || use == Use.UNKNOWN)) {
      add(CheckId.EXPORTABLE_KEY, Severity.LOW, "the private key is exportable from Salesforce (privateKeyExportable=true)");
    }
  }

  // C22, for the root this chain relies on
  private void rootLifecycle() {
    if (!isPublic()) {
      return;
    }
    for (String problem : TrustStoreChecks.lifecycleProblems(shape.anchor().certificate(), context.at())) {
      add(CheckId.ROOT_LIFECYCLE, Severity.LOW, problem);
    }
  }

  private String name(int index) {
    return (index == 0 ? "the leaf" : "certificate #" + (index + 1)) + " (" + chain.get(index).label() + ")";
  }

  private static String purposes(Set<String> oids) {
    return oids.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
  }

  private static String date(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
  }

  private static String shorten(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
