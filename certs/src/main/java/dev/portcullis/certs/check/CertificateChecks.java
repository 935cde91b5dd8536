package dev.portcullis.certs.check;

import dev.portcullis.certs.Use;
import dev.portcullis.certs.inventory.InventoryItem;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the certificate checks of cert-anchors.md §7 (C1–C22) on one chain and its use.
 *
 * <p>Design note. Each check looks at the chain as it was found (served by an endpoint, uploaded,
 * read from a file) and never repairs it: a missing intermediate is a finding, not something to
 * fetch. The checks are independent and each owns its problem, so one cause gives one finding:
 * an expired leaf is {@code validity-window}, not also {@code trust-path}. The path validator
 * ({@link dev.portcullis.certs.path.PathValidator}) decides {@code trust-path} and {@code
 * name-constraints}; it is run at a time inside the leaf's validity window so that an expired leaf
 * does not hide a broken path. Unusable input (a certificate that does not decode) is a {@code
 * structure} finding of critical severity: a check never throws on certificate bytes.
 *
 * <p>Every finding carries the leaf's SHA-256 fingerprint (the inventory id), subject, use, origin and
 * the rule's source. Stateless and thread-safe.
 */
public final class CertificateChecks {
  private CertificateChecks() {}

  /** Every finding for {@code subject} under {@code context}, worst check first within each certificate. */
  public static List<Finding> check(Subject subject, CheckContext context) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(context, "context");
    List<Inspected> chain = new ArrayList<>();
    for (int i = 0; i < subject.chain().size(); i++) {
      try {
        chain.add(Inspected.parse(subject.chain().get(i)));
      } catch (IllegalArgumentException e) {
        String where = i == 0 ? "the leaf" : "certificate #" + (i + 1);
        String subjectDn = chain.isEmpty() ? "" : chain.get(0).subjectText();
        return List.of(new Finding(CheckId.STRUCTURE, Severity.CRITICAL, where + " does not decode: " + e.getMessage(),
            Inspected.sha256(subject.chain().get(0)), subjectDn, subject.use(), CheckId.STRUCTURE.rule(), subject.origin()));
      }
    }
    Checks checks = new Checks(subject, context, chain);
    try {
      checks.runAll();
    } catch (RuntimeException e) {
      // Fail closed: a certificate corner that a decoder reports late is a finding, never a crash.
      checks.add(CheckId.STRUCTURE, Severity.CRITICAL, "the chain could not be fully checked: " + e);
    }
    return checks.findings();
  }

  /**
   * Every finding for an inventory item, checked for each of its uses (the use-independent findings once): the
   * leaf with the chain held with it, origin its first source ({@code org:prod certs/SSO_Signing.crt}), and
   * Salesforce's {@code privateKeyExportable} when the inventory read it, so {@code exportable-key} (C20) runs on org
   * certificates.
   */
  public static List<Finding> check(InventoryItem item, CheckContext context) {
    Objects.requireNonNull(item, "item");
    List<byte[]> chain = new ArrayList<>();
    try {
      chain.add(item.certificate().getEncoded());
      for (X509Certificate c : item.chain()) {
        chain.add(c.getEncoded());
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode " + item.subject() + ": " + e.getMessage(), e);
    }
    String origin = item.sources().isEmpty() ? "inventory" : item.sources().getFirst().toString();
    Map<String, Finding> unique = new LinkedHashMap<>();
    for (Use use : item.uses()) {
      Subject subject = new Subject(origin, use, chain, Optional.empty(), item.privateKeyExportable());
      for (Finding finding : check(subject, context)) {
        unique.putIfAbsent(finding.check().id() + "\n" + finding.message(), finding);
      }
    }
    return List.copyOf(unique.values());
  }

  /** The inventory id of a certificate: SHA-256 of its DER, lowercase hex. */
  public static String fingerprint(byte[] der) {
    return Inspected.sha256(der);
  }

  /**
   * The checks on a trust store (a keystore's trusted-certificate entries, DER): {@code
   * root-migration} (C21) and {@code root-lifecycle} (C22).
   */
  public static List<Finding> checkTrustStore(String origin, List<byte[]> trusted, CheckContext context) {
    return TrustStoreChecks.check(origin, trusted, context);
  }
}
