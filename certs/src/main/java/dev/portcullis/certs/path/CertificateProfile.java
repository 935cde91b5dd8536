package dev.portcullis.certs.path;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * The per-certificate rules of the profile, by the role a certificate plays on the path. They are
 * RFC 5280's rules plus those of the CA/Browser Forum Baseline Requirements that a Web PKI
 * validator enforces (the profile x509-limbo calls "webpki", as pyca/cryptography implements it):
 * version 3, a positive serial of at most 20 octets, matching signature algorithms, allowed keys,
 * no unknown critical extensions, a critical basicConstraints with cA on every CA, an SKI on every
 * CA and an AKI (keyIdentifier only) on every certificate that is not self-issued, no extKeyUsage on
 * a root, and on the end entity: not a CA, no keyCertSign, no nameConstraints, an extKeyUsage for
 * the purpose and a well-formed subjectAltName.
 */
final class CertificateProfile {
  enum Role { END_ENTITY, INTERMEDIATE, TRUST_ANCHOR }

  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final Set<ASN1ObjectIdentifier> MUST_BE_NON_CRITICAL = Set.of(
      Extension.authorityKeyIdentifier, Extension.subjectKeyIdentifier, Extension.authorityInfoAccess,
      Extension.cRLDistributionPoints);

  private final ValidationRequest request;
  private final KeyPolicy keys;

  CertificateProfile(ValidationRequest request, KeyPolicy keys) {
    this.request = request;
    this.keys = keys;
  }

  List<ValidationFailure> check(ParsedCertificate c, Role role) {
    List<ValidationFailure> problems = new ArrayList<>(c.decodeProblems);
    TBSCertificate tbs = c.certificate.getTBSCertificate();
    if (tbs.getVersionNumber() != 3) {
      problems.add(fail(FailureCode.UNSUPPORTED_VERSION, c, "version " + tbs.getVersionNumber() + " (v3 required, BR §7.1.1)"));
    }
    BigInteger serial = tbs.getSerialNumber().getValue();
    // A trust anchor is trusted by configuration, serial and all (Starfield Root G2 has serial 0).
    if (role != Role.TRUST_ANCHOR && serial.signum() <= 0 || serial.toByteArray().length > 20) {
      problems.add(fail(FailureCode.INVALID_SERIAL_NUMBER, c,
          "serial number " + serial.toString(16) + " is not a positive integer of at most 20 octets (RFC 5280 §4.1.2.2)"));
    }
    if (!c.certificate.getSignatureAlgorithm().equals(tbs.getSignature())) {
      problems.add(fail(FailureCode.SIGNATURE_ALGORITHM_MISMATCH, c,
          "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)"));
    }
    if (c.issuer.getRDNs().length == 0) {
      problems.add(fail(FailureCode.EMPTY_NAME, c, "empty issuer name (RFC 5280 §4.1.2.4)"));
    }
    String keyProblem = keys.keyProblem(c.certificate.getSubjectPublicKeyInfo());
    if (keyProblem != null) {
      problems.add(fail(FailureCode.FORBIDDEN_KEY, c, keyProblem));
    }
    for (var extension : c.extensions.values()) {
      ASN1ObjectIdentifier oid = extension.getExtnId();
      if (extension.isCritical() && !ParsedCertificate.UNDERSTOOD.contains(oid)) {
        problems.add(fail(FailureCode.UNKNOWN_CRITICAL_EXTENSION, c, "unknown critical extension " + ParsedCertificate.name(oid)));
      }
      if (extension.isCritical() && MUST_BE_NON_CRITICAL.contains(oid)) {
        problems.add(fail(FailureCode.EXTENSION_CRITICALITY, c, ParsedCertificate.name(oid) + " must not be critical (RFC 5280 §4.2)"));
      }
    }
    if (c.has(Extension.policyConstraints) && !c.isCritical(Extension.policyConstraints)) {
      problems.add(fail(FailureCode.EXTENSION_CRITICALITY, c, "policyConstraints must be critical (RFC 5280 §4.2.1.11)"));
    }
    checkAuthorityKeyIdentifier(c, role, problems);
    if (role == Role.END_ENTITY) {
      checkEndEntity(c, problems);
    } else {
      checkCa(c, role, problems);
    }
    return problems;
  }

  private void checkAuthorityKeyIdentifier(ParsedCertificate c, Role role, List<ValidationFailure> problems) {
    if (!c.has(Extension.authorityKeyIdentifier)) {
      boolean selfSignedAnchor = role == Role.TRUST_ANCHOR && c.selfIssued;
      if (!selfSignedAnchor) {
        problems.add(fail(FailureCode.AUTHORITY_KEY_IDENTIFIER, c,
            "no authorityKeyIdentifier (RFC 5280 §4.2.1.1: required except on self-signed certificates)"));
      }
      return;
    }
    var aki = c.authorityKeyIdentifier;
    if (aki == null) {
      return; // already a decode problem
    }
    if (aki.getKeyIdentifierObject() == null) {
      problems.add(fail(FailureCode.AUTHORITY_KEY_IDENTIFIER, c, "authorityKeyIdentifier without keyIdentifier (BR §7.1.2.1.3, §7.1.2.11.1)"));
    }
    if (aki.getAuthorityCertIssuer() != null || aki.getAuthorityCertSerialNumber() != null) {
      problems.add(fail(FailureCode.AUTHORITY_KEY_IDENTIFIER, c,
          "authorityKeyIdentifier with authorityCertIssuer or authorityCertSerialNumber (BR §7.1.2.1.3, §7.1.2.11.1)"));
    }
    if (role == Role.TRUST_ANCHOR && c.selfIssued && aki.getKeyIdentifierObject() != null && c.subjectKeyIdentifier != null
        && !Arrays.equals(c.authorityKeyId(), c.subjectKeyIdentifier)) {
      problems.add(fail(FailureCode.AUTHORITY_KEY_IDENTIFIER, c,
          "self-signed root whose authorityKeyIdentifier differs from its subjectKeyIdentifier (BR §7.1.2.1.3)"));
    }
  }

  private void checkCa(ParsedCertificate c, Role role, List<ValidationFailure> problems) {
    if (c.subject.getRDNs().length == 0) {
      problems.add(fail(FailureCode.EMPTY_NAME, c, "CA with an empty subject (RFC 5280 §4.1.2.6)"));
    }
    if (c.basicConstraints == null || !c.basicConstraints.isCA()) {
      problems.add(fail(FailureCode.NOT_A_CA, c, c.has(Extension.basicConstraints)
          ? "basicConstraints cA is false" : "no basicConstraints extension (RFC 5280 §4.2.1.9)"));
    } else if (!c.isCritical(Extension.basicConstraints)) {
      problems.add(fail(FailureCode.NOT_A_CA, c, "basicConstraints is not critical on a CA (RFC 5280 §4.2.1.9)"));
    }
    if (c.keyUsage != null && !c.keyUsageAsserts(KeyUsage.keyCertSign)) {
      problems.add(fail(FailureCode.KEY_USAGE, c, "CA keyUsage without keyCertSign (RFC 5280 §4.2.1.3)"));
    }
    if (!c.has(Extension.subjectKeyIdentifier)) {
      problems.add(fail(FailureCode.SUBJECT_KEY_IDENTIFIER, c, "CA without subjectKeyIdentifier (RFC 5280 §4.2.1.2)"));
    }
    if (c.extendedKeyUsage != null) {
      if (role == Role.TRUST_ANCHOR) {
        problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "root with an extKeyUsage extension (BR §7.1.2.1.2)"));
      } else if (!c.extendedKeyUsageContains(ANY_EXTENDED_KEY_USAGE)) {
        for (String purpose : request.purpose().requiredKeyPurposes()) {
          if (!c.extendedKeyUsageContains(purpose)) {
            problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "CA extKeyUsage does not allow " + purpose));
          }
        }
      }
    }
    if (c.nameConstraints != null) {
      String problem = NameConstraintsChecker.syntaxProblem(c.nameConstraints);
      if (problem != null) {
        problems.add(fail(FailureCode.NAME_CONSTRAINTS_INVALID, c, problem));
      }
    }
  }

  private void checkEndEntity(ParsedCertificate c, List<ValidationFailure> problems) {
    if (c.basicConstraints != null && c.basicConstraints.isCA()) {
      problems.add(fail(FailureCode.CA_AS_END_ENTITY, c, "end entity with basicConstraints cA true (BR §7.1.2.7.8)"));
    }
    if (c.keyUsageAsserts(KeyUsage.keyCertSign)) {
      problems.add(fail(FailureCode.KEY_USAGE, c, "end entity keyUsage asserts keyCertSign (BR §7.1.2.7.11)"));
    }
    if (c.keyUsage != null) {
      for (String bit : request.requiredKeyUsage()) {
        if (!c.keyUsageAsserts(keyUsageBit(bit))) {
          problems.add(fail(FailureCode.KEY_USAGE, c, "keyUsage does not assert " + bit));
        }
      }
    }
    if (c.has(Extension.nameConstraints)) {
      problems.add(fail(FailureCode.NAME_CONSTRAINTS_INVALID, c, "nameConstraints on an end entity (RFC 5280 §4.2.1.10: CAs only)"));
    }
    checkEndEntityKeyPurposes(c, problems);
    checkSubjectAltName(c, problems);
  }

  private void checkEndEntityKeyPurposes(ParsedCertificate c, List<ValidationFailure> problems) {
    if (!c.has(Extension.extendedKeyUsage)) {
      problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "end entity without extKeyUsage (BR §7.1.2.7.10)"));
      return;
    }
    if (c.isCritical(Extension.extendedKeyUsage)) {
      problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "extKeyUsage is critical (BR §7.1.2.7.6)"));
    }
    if (c.extendedKeyUsage == null) {
      return;
    }
    if (c.extendedKeyUsageContains(ANY_EXTENDED_KEY_USAGE)) {
      problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "end entity asserts anyExtendedKeyUsage (BR §7.1.2.7.10)"));
    }
    for (String purpose : request.purpose().requiredKeyPurposes()) {
      if (!c.extendedKeyUsageContains(purpose)) {
        List<String> present = Arrays.stream(c.extendedKeyUsage.getUsages()).map(KeyPurposeId::getId).toList();
        problems.add(fail(FailureCode.EXTENDED_KEY_USAGE, c, "extKeyUsage " + present + " does not contain " + purpose));
      }
    }
  }

  private void checkSubjectAltName(ParsedCertificate c, List<ValidationFailure> problems) {
    boolean required = request.purpose() instanceof Purpose.ServerAuth || !request.peerNames().isEmpty();
    if (!c.has(Extension.subjectAlternativeName)) {
      if (required) {
        problems.add(fail(FailureCode.SUBJECT_ALT_NAME, c, "no subjectAltName (BR §7.1.2.7.12; the CN is never used)"));
      }
      return;
    }
    boolean emptySubject = c.subject.getRDNs().length == 0;
    boolean critical = c.isCritical(Extension.subjectAlternativeName);
    if (emptySubject && !critical) {
      problems.add(fail(FailureCode.SUBJECT_ALT_NAME, c, "empty subject with a non-critical subjectAltName (RFC 5280 §4.2.1.6)"));
    } else if (!emptySubject && critical) {
      problems.add(fail(FailureCode.SUBJECT_ALT_NAME, c, "subjectAltName is critical while the subject is not empty (BR §7.1.2.7.12)"));
    }
    if (c.subjectAltNames == null) {
      return;
    }
    for (GeneralName name : c.subjectAltNames.getNames()) {
      String problem = switch (name.getTagNo()) {
        case GeneralName.dNSName -> {
          String text = NameConstraintsChecker.text(name);
          yield Names.isSanDnsName(text) ? null : "dNSName '" + ParsedCertificate.shorten(text)
              + "' is not in preferred name syntax or is a forbidden wildcard (RFC 5280 §4.2.1.6, BR §7.1.2.7.12)";
        }
        case GeneralName.iPAddress -> {
          int length = ASN1OctetString.getInstance(name.getName()).getOctets().length;
          yield length == 4 || length == 16 ? null : "iPAddress of " + length + " octets";
        }
        case GeneralName.rfc822Name -> {
          String text = NameConstraintsChecker.text(name);
          yield Names.isMailbox(text) ? null : "rfc822Name '" + ParsedCertificate.shorten(text) + "' is not a mailbox";
        }
        default -> null;
      };
      if (problem != null) {
        problems.add(fail(FailureCode.SUBJECT_ALT_NAME, c, problem));
      }
    }
  }

  private static int keyUsageBit(String name) {
    return switch (name) {
      case "digitalSignature" -> KeyUsage.digitalSignature;
      case "contentCommitment", "nonRepudiation" -> KeyUsage.nonRepudiation;
      case "keyEncipherment" -> KeyUsage.keyEncipherment;
      case "dataEncipherment" -> KeyUsage.dataEncipherment;
      case "keyAgreement" -> KeyUsage.keyAgreement;
      case "keyCertSign" -> KeyUsage.keyCertSign;
      case "cRLSign" -> KeyUsage.cRLSign;
      case "encipherOnly" -> KeyUsage.encipherOnly;
      case "decipherOnly" -> KeyUsage.decipherOnly;
      default -> throw new IllegalArgumentException("unknown keyUsage bit name: " + name + " (RFC 5280 §4.2.1.3)");
    };
  }

  static ValidationFailure fail(FailureCode code, ParsedCertificate c, String message) {
    return new ValidationFailure(code, c.label, message);
  }
}
