package dev.portcullis.certs.check;

import dev.portcullis.certs.Use;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** C21 and C22 on a trust store's certificates (keystore trusted-certificate entries). */
final class TrustStoreChecks {
  /** SHA-256 of DigiCert Global Root G2 (in the bundled Mozilla snapshot as DigiCert_Global_Root_G2). */
  static final String DIGICERT_GLOBAL_ROOT_G2 = "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f";
  /** Mozilla Root Store Policy §7.4: the websites trust bit goes when the root's key is more than 15 years old. */
  static final int WEBSITES_KEY_AGE_YEARS = 15;
  /** How early a root's expiry or key-age limit is reported. */
  static final Duration NOTICE = Duration.ofDays(365);

  private TrustStoreChecks() {}

  static List<Finding> check(String origin, List<byte[]> trusted, CheckContext context) {
    List<Finding> findings = new ArrayList<>();
    boolean hasG2 = false;
    for (byte[] der : trusted) {
      Inspected root;
      try {
        root = Inspected.parse(der);
      } catch (IllegalArgumentException e) {
        findings.add(new Finding(CheckId.STRUCTURE, Severity.MEDIUM, "a trusted entry does not decode: " + e.getMessage(),
            Inspected.sha256(der), "", Use.UNKNOWN, CheckId.STRUCTURE.rule(), origin));
        continue;
      }
      hasG2 |= root.fingerprint.equals(DIGICERT_GLOBAL_ROOT_G2);
      for (String problem : lifecycleProblems(root, context.at())) {
        findings.add(new Finding(CheckId.ROOT_LIFECYCLE, Severity.LOW, problem, root.fingerprint, root.subjectText(),
            Use.UNKNOWN, CheckId.ROOT_LIFECYCLE.rule(), origin));
      }
    }
    if (!trusted.isEmpty() && !hasG2) {
      findings.add(new Finding(CheckId.ROOT_MIGRATION, Severity.HIGH, "the trust store lacks DigiCert Global Root G2 "
          + "(SHA-256 " + HexFormat.ofDelimiter(":").formatHex(HexFormat.of().parseHex(DIGICERT_GLOBAL_ROOT_G2)).substring(0, 23)
          + "...): integrations using it cannot reach Salesforce, whose certificates chain to G2 from 2026-02-05",
          "", origin, Use.OUTBOUND_TLS, CheckId.ROOT_MIGRATION.rule(), origin));
    }
    return findings;
  }

  /** What is near its end for {@code root}: expiry, or the key age at which Mozilla removes the websites bit. */
  static List<String> lifecycleProblems(Inspected root, Instant at) {
    List<String> problems = new ArrayList<>();
    Instant horizon = at.plus(NOTICE);
    if (root.notAfter.isBefore(horizon)) {
      problems.add("root " + root.label() + (root.notAfter.isBefore(at) ? " expired on " : " expires on ") + root.notAfter);
    }
    // The key's creation date is not in the certificate; the root's notBefore is the closest public proxy.
    Instant keyLimit = root.notBefore.atZone(ZoneOffset.UTC).plusYears(WEBSITES_KEY_AGE_YEARS).toInstant();
    if (keyLimit.isBefore(horizon)) {
      problems.add("root " + root.label() + " has a key from about " + root.notBefore.atZone(ZoneOffset.UTC).getYear()
          + ": Mozilla removes the websites trust bit from roots whose key is older than " + WEBSITES_KEY_AGE_YEARS
          + " years (from about " + keyLimit.atZone(ZoneOffset.UTC).toLocalDate() + ")");
    }
    return problems;
  }
}
