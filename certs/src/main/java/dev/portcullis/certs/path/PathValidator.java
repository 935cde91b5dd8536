package dev.portcullis.certs.path;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * RFC 5280 §6 path building and validation under the Web PKI profile, on BouncyCastle's ASN.1 and
 * signature code, not the JDK's PKIX (which cannot hold name constraints on trust anchors and whose
 * host name check falls back to the CN).
 *
 * <p>Design note. The end entity is checked on its own first (profile, validity, signature
 * algorithm, peer names): no path can rescue it. Then a depth-first search walks from the end
 * entity towards the anchors. At each step the candidates are the trust anchors, then the
 * intermediates, whose subject is the current certificate's issuer and whose subjectKeyIdentifier
 * does not contradict its authorityKeyIdentifier. A candidate is checked before it is stepped on
 * (its profile as a CA, its validity, the depth, the signature over the current certificate), so
 * dead branches die early; a path ending at an anchor then gets the checks that need the whole
 * path (pathLenConstraint, name constraints from every CA including the anchor, CRLs). When one
 * fails, the search backtracks and tries the next candidate: an expired cross-sign or a forbidden
 * intermediate does not hide a good path through another one.
 *
 * <p>Invariants: a certificate appears at most once on a path (cycles end there); the depth is
 * bounded by {@code maxIntermediates}; the work is bounded by {@link #MAX_CANDIDATES} candidate
 * issuers examined, {@link #MAX_SIGNATURE_CHECKS} real signature verifications and the request's
 * wall-clock budget, past any of which the answer
 * is {@link FailureCode#BUDGET_EXHAUSTED}, a refusal, never an acceptance. Unused intermediates
 * and anchors are never judged, so a broken certificate that is not on the path fails nothing.
 */
public final class PathValidator {
  /** Real chains need a handful; pathological pools (x509-limbo's 100 same-key CAs) need millions. */
  static final int MAX_SIGNATURE_CHECKS = 256;
  /** Candidate issuers examined, cached signatures included: bounds the search itself. */
  static final int MAX_CANDIDATES = 10_000;

  static {
    IssuerKey.initialize(); // provider set-up once, as this class loads, outside every validation's time budget
  }

  private PathValidator() {}

  /** Never throws on any input bytes: what cannot be processed is refused with a failure code. */
  public static ValidationResult validate(ValidationRequest request) {
    try {
      return new Search(request).run();
    } catch (RuntimeException e) {
      // Fail closed: a decoding corner BouncyCastle reports late must not escape as an exception.
      return new ValidationResult(false, List.of(), List.of(new ValidationFailure(FailureCode.MALFORMED_CERTIFICATE,
          "path", "a certificate or CRL could not be processed: " + e)));
    }
  }

  private static final class BudgetExhausted extends RuntimeException {
    BudgetExhausted(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Search {
    private final ValidationRequest request;
    private final Instant time;
    private final long deadline;
    private final KeyPolicy keys;
    private final CertificateProfile profile;
    private final SignatureChecker signatures = new SignatureChecker();
    private final RevocationChecker revocation;
    private final Map<X500Name, List<ParsedCertificate>> anchorsBySubject = new HashMap<>();
    private final Map<X500Name, List<ParsedCertificate>> intermediatesBySubject = new HashMap<>();
    private final Map<Integer, List<ValidationFailure>> caProblems = new HashMap<>();
    private final Set<ValidationFailure> failures = new LinkedHashSet<>();
    private final List<ParsedCertificate> path = new ArrayList<>();
    private final List<ValidationFailure> undecodable = new ArrayList<>();
    private int candidates;

    Search(ValidationRequest request) {
      this.request = request;
      // RFC 5280 validity has one-second granularity: compare at the floor of the validation time.
      this.time = request.time().truncatedTo(ChronoUnit.SECONDS);
      this.deadline = System.nanoTime() + request.budget().toNanos();
      this.keys = new KeyPolicy(request.signatureAlgorithms());
      this.profile = new CertificateProfile(request, keys);
      this.revocation = new RevocationChecker(request.crls(), time);
    }

    ValidationResult run() {
      ParsedCertificate leaf;
      try {
        leaf = parse(0, request.leaf());
      } catch (IllegalArgumentException e) {
        return invalid(List.of(new ValidationFailure(FailureCode.MALFORMED_CERTIFICATE, "leaf", e.getMessage())));
      }
      index(request.trustAnchors(), anchorsBySubject, 1, "trust anchor");
      index(request.intermediates(), intermediatesBySubject, 1 + request.trustAnchors().size(), "intermediate");

      List<ValidationFailure> leafProblems = new ArrayList<>(profile.check(leaf, CertificateProfile.Role.END_ENTITY));
      addIfPresent(leafProblems, validity(leaf));
      addIfPresent(leafProblems, signatureAlgorithm(leaf));
      if (leafProblems.isEmpty()) {
        addIfPresent(leafProblems, peerNames(leaf));
      }
      if (!leafProblems.isEmpty()) {
        return invalid(leafProblems);
      }
      path.add(leaf);
      try {
        if (extend()) {
          return new ValidationResult(true, path.stream().map(c -> c.der.clone()).toList(), List.of());
        }
      } catch (BudgetExhausted e) {
        failures.add(new ValidationFailure(FailureCode.BUDGET_EXHAUSTED, leaf.label, e.getMessage()));
      }
      if (failures.isEmpty()) {
        failures.add(new ValidationFailure(FailureCode.NO_PATH, leaf.label,
            "no issuer named " + ParsedCertificate.shorten(leaf.issuer.toString()) + " among the intermediates and trust anchors"));
        failures.addAll(undecodable); // perhaps the missing issuer is one of these
      }
      return invalid(new ArrayList<>(failures));
    }

    private static ValidationResult invalid(List<ValidationFailure> failures) {
      return new ValidationResult(false, List.of(),
          failures.subList(0, Math.min(failures.size(), ValidationResult.MAX_FAILURES)));
    }

    private void index(List<byte[]> certificates, Map<X500Name, List<ParsedCertificate>> bySubject, int firstId, String role) {
      for (int i = 0; i < certificates.size(); i++) {
        try {
          ParsedCertificate parsed = parse(firstId + i, certificates.get(i));
          bySubject.computeIfAbsent(parsed.subject, s -> new ArrayList<>()).add(parsed);
        } catch (IllegalArgumentException e) {
          // An undecodable pool member can issue nothing; it is reported only if no path is found.
          undecodable.add(new ValidationFailure(FailureCode.MALFORMED_CERTIFICATE, role + " #" + (i + 1), e.getMessage()));
        }
      }
    }

    /** The caller's decoding of {@code der} when the request carries one, else the shared decoder's. */
    private ParsedCertificate parse(int id, byte[] der) {
      for (DecodedCertificate decoded : request.decoded()) {
        ParsedCertificate known = decoded.decodingOf(der);
        if (known != null) {
          return ParsedCertificate.withId(id, known);
        }
      }
      return ParsedCertificate.parse(id, der);
    }

    /** Depth-first: true when {@link #path} has been completed to a valid path. */
    private boolean extend() {
      ParsedCertificate current = path.get(path.size() - 1);
      for (ParsedCertificate anchor : anchorsBySubject.getOrDefault(current.issuer, List.of())) {
        checkBudget();
        if (!current.mayBeIssuedBy(anchor) || path.contains(anchor)) {
          continue;
        }
        if (!acceptableIssuer(current, anchor, CertificateProfile.Role.TRUST_ANCHOR)) {
          continue;
        }
        path.add(anchor);
        List<ValidationFailure> problems = wholePathProblems();
        if (problems.isEmpty()) {
          return true;
        }
        failures.addAll(problems);
        path.remove(path.size() - 1);
      }
      for (ParsedCertificate intermediate : intermediatesBySubject.getOrDefault(current.issuer, List.of())) {
        checkBudget();
        if (!current.mayBeIssuedBy(intermediate) || containsEncoding(intermediate)) {
          continue;
        }
        if (intermediatesWith(intermediate) > request.maxIntermediates()) {
          failures.add(CertificateProfile.fail(FailureCode.MAX_DEPTH_EXCEEDED, intermediate,
              "path would hold more than " + request.maxIntermediates() + " intermediates"));
          continue;
        }
        if (!acceptableIssuer(current, intermediate, CertificateProfile.Role.INTERMEDIATE)) {
          continue;
        }
        path.add(intermediate);
        if (extend()) {
          return true;
        }
        path.remove(path.size() - 1);
      }
      return false;
    }

    private boolean containsEncoding(ParsedCertificate candidate) {
      for (ParsedCertificate onPath : path) {
        if (onPath == candidate || Arrays.equals(onPath.der, candidate.der)) {
          return true;
        }
      }
      return false;
    }

    /** Non-self-issued intermediates on the path if {@code candidate} (an intermediate) joined it. */
    private int intermediatesWith(ParsedCertificate candidate) {
      int count = candidate.selfIssued ? 0 : 1;
      for (int i = 1; i < path.size(); i++) {
        if (!path.get(i).selfIssued) {
          count++;
        }
      }
      return count;
    }

    private boolean acceptableIssuer(ParsedCertificate subject, ParsedCertificate issuer, CertificateProfile.Role role) {
      List<ValidationFailure> problems = caProblems.computeIfAbsent(issuer.id, id -> {
        List<ValidationFailure> found = new ArrayList<>(profile.check(issuer, role));
        addIfPresent(found, validity(issuer));
        return found;
      });
      if (!problems.isEmpty()) {
        failures.addAll(problems);
        return false;
      }
      ValidationFailure algorithm = signatureAlgorithm(subject);
      if (algorithm != null) {
        failures.add(algorithm);
        return false;
      }
      if (signatures.performed >= MAX_SIGNATURE_CHECKS) {
        throw new BudgetExhausted("gave up after " + MAX_SIGNATURE_CHECKS + " signature verifications");
      }
      if (!signatures.verifies(subject, issuer)) {
        failures.add(CertificateProfile.fail(FailureCode.BAD_SIGNATURE, subject,
            "signature does not verify with the key of " + issuer.label));
        return false;
      }
      return true;
    }

    private void checkBudget() {
      if (++candidates > MAX_CANDIDATES) {
        throw new BudgetExhausted("gave up after examining " + MAX_CANDIDATES + " candidate issuers");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new BudgetExhausted("path building exceeded its budget of " + request.budget().toMillis() + " ms");
      }
    }

    /** pathLenConstraint, name constraints and CRLs: the checks that need the whole path. */
    private List<ValidationFailure> wholePathProblems() {
      List<ValidationFailure> problems = new ArrayList<>();
      for (int i = 1; i < path.size(); i++) {
        ParsedCertificate ca = path.get(i);
        if (ca.basicConstraints != null && ca.basicConstraints.getPathLenConstraint() != null) {
          int below = 0;
          for (int j = 1; j < i; j++) {
            if (!path.get(j).selfIssued) {
              below++;
            }
          }
          if (below > ca.basicConstraints.getPathLenConstraint().intValue()) {
            problems.add(CertificateProfile.fail(FailureCode.PATH_LENGTH_EXCEEDED, ca, "pathLenConstraint "
                + ca.basicConstraints.getPathLenConstraint() + " but " + below + " intermediates below (RFC 5280 §4.2.1.9)"));
          }
        }
      }
      NameConstraintsChecker constraints = new NameConstraintsChecker();
      for (int i = 1; i < path.size() && problems.isEmpty(); i++) {
        ParsedCertificate ca = path.get(i);
        if (ca.nameConstraints == null) {
          continue;
        }
        for (int j = 0; j < i; j++) {
          ParsedCertificate below = path.get(j);
          boolean last = j == 0;
          if (!last && below.selfIssued) {
            continue; // RFC 5280 §6.1.3 (b): self-issued intermediates are not subject to name constraints
          }
          String violation = constraints.violation(ca.nameConstraints, below, true);
          if (violation != null) {
            FailureCode code = violation.startsWith("too many")
                ? FailureCode.NAME_CONSTRAINTS_TOO_COMPLEX : FailureCode.NAME_CONSTRAINTS_VIOLATED;
            problems.add(CertificateProfile.fail(code, below, violation + " (constraints of " + ca.label + ")"));
            break;
          }
        }
      }
      if (problems.isEmpty() && !revocation.isEmpty()) {
        for (int i = 0; i + 1 < path.size(); i++) {
          addIfPresent(problems, revocation.check(path.get(i), path.get(i + 1), signatures));
        }
      }
      return problems;
    }

    private ValidationFailure validity(ParsedCertificate c) {
      Instant notBefore = c.notBefore;
      Instant notAfter = c.notAfter;
      if (time.isBefore(notBefore)) {
        return CertificateProfile.fail(FailureCode.NOT_YET_VALID, c, "not valid before " + notBefore + " (checked at " + time + ")");
      }
      if (time.isAfter(notAfter)) {
        return CertificateProfile.fail(FailureCode.EXPIRED, c, "expired at " + notAfter + " (checked at " + time + ")");
      }
      return null;
    }

    private ValidationFailure signatureAlgorithm(ParsedCertificate c) {
      var algorithm = c.certificate.getSignatureAlgorithm().getAlgorithm();
      return keys.allowsSignature(algorithm) ? null : CertificateProfile.fail(FailureCode.SIGNATURE_ALGORITHM_NOT_ALLOWED, c,
          "signature algorithm " + algorithm.getId() + " is not allowed (BR §7.1.3.2)");
    }

    /** Every expected peer name must match a SAN of its kind; never the subject CN. */
    private ValidationFailure peerNames(ParsedCertificate leaf) {
      GeneralName[] sans = leaf.subjectAltNames == null ? new GeneralName[0] : leaf.subjectAltNames.getNames();
      for (PeerName peer : request.peerNames()) {
        switch (peer) {
          case PeerName.Dns dns -> {
            if (!Names.isDnsName(dns.value())) {
              return CertificateProfile.fail(FailureCode.INVALID_PEER_NAME, leaf, "'" + dns.value() + "' is not a DNS name");
            }
            if (!anyMatch(sans, GeneralName.dNSName, san -> Names.dnsMatches(NameConstraintsChecker.text(san), dns.value()))) {
              return CertificateProfile.fail(FailureCode.NAME_MISMATCH, leaf, "no dNSName SAN matches " + dns.value());
            }
          }
          case PeerName.Ip ip -> {
            byte[] address = Names.ipAddress(ip.value());
            if (address == null) {
              return CertificateProfile.fail(FailureCode.INVALID_PEER_NAME, leaf, "'" + ip.value() + "' is not an IP address");
            }
            if (!anyMatch(sans, GeneralName.iPAddress,
                san -> Arrays.equals(ASN1OctetString.getInstance(san.getName()).getOctets(), address))) {
              return CertificateProfile.fail(FailureCode.NAME_MISMATCH, leaf, "no iPAddress SAN equals " + ip.value());
            }
          }
          case PeerName.Email email -> {
            if (!Names.isMailbox(email.value())) {
              return CertificateProfile.fail(FailureCode.INVALID_PEER_NAME, leaf, "'" + email.value() + "' is not a mailbox");
            }
            if (!anyMatch(sans, GeneralName.rfc822Name,
                san -> NameConstraintsChecker.emailWithin(email.value(), NameConstraintsChecker.text(san)))) {
              return CertificateProfile.fail(FailureCode.NAME_MISMATCH, leaf, "no rfc822Name SAN equals " + email.value());
            }
          }
        }
      }
      return null;
    }

    private static boolean anyMatch(GeneralName[] sans, int tag, Predicate<GeneralName> test) {
      for (GeneralName san : sans) {
        if (san.getTagNo() == tag && test.test(san)) {
          return true;
        }
      }
      return false;
    }

    private static void addIfPresent(List<ValidationFailure> list, ValidationFailure failure) {
      if (failure != null) {
        list.add(failure);
      }
    }
  }
}
