package dev.portcullis.deploy.gate;

import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import dev.portcullis.store.Approval;
import dev.portcullis.store.Deployment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ledger entries of the deploy gate (docs/LEDGER.md, "Entries"): {@code deploy.requested} for every admission
 * attempt, {@code deploy.completed} once per deployment, and {@code approval.requested} / {@code approval.used} with
 * the same fields the gateway writes. Never a token and never file contents: the package only as its identity, the
 * changes as the diff's one-line summaries.
 */
final class DeployRecords {
  /** The component list's cap in {@code deploy.completed}. */
  static final int MAX_COMPONENTS = 500;
  /** The change list's cap. */
  static final int MAX_CHANGES = 200;
  private static final int MAX_TEXT = 1000;
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private DeployRecords() {
  }

  /** The actor of a deployment's entries: the CI actor when known, else the requester's subject. */
  static String actor(Deployment d) {
    String actor = d.requester().actor();
    return actor == null || actor.isBlank() ? d.requester().subject() : actor;
  }

  static LedgerEntry requested(Deployment d, Instant at) {
    Map<String, Object> fields = common(d);
    putText(fields, "environment", d.environment());
    putText(fields, "via", d.via());
    putText(fields, "effect", d.effect().value());
    putText(fields, "reason", clip(d.reason()));
    fields.put("components", (long) d.componentCount());
    fields.put("destructive", d.destructive());
    putText(fields, "test_level", d.testLevel());
    fields.put("check_only", d.checkOnly());
    putText(fields, "approval", d.approvalId());
    putText(fields, "snapshot_sha256", d.snapshotSha256());
    return LedgerEntry.of("deploy.requested", at, fields);
  }

  /**
   * {@code deploy.completed}: the whole story. When the lists make the entry too large they are halved until it
   * fits; when a change summary looks like a credential the summaries are withheld (never the whole entry).
   */
  static LedgerEntry completed(Deployment d, DeployResult result, String error) {
    int components = MAX_COMPONENTS;
    int changes = MAX_CHANGES;
    boolean withholdChanges = false;
    while (true) {
      Map<String, Object> fields = completedFields(d, result, error, components, changes, withholdChanges);
      try {
        return LedgerEntry.of("deploy.completed", d.completedAt(), fields);
      } catch (LedgerException e) {
        if (e.code() == LedgerErrorCode.ENTRY_TOO_LARGE && (components > 1 || changes > 1)) {
          components = Math.max(1, components / 2);
          changes = Math.max(1, changes / 2);
        } else if (e.code() == LedgerErrorCode.ENTRY_HOLDS_SECRET && !withholdChanges) {
          withholdChanges = true;
        } else {
          throw e;
        }
      }
    }
  }

  private static Map<String, Object> completedFields(Deployment d, DeployResult result, String error,
      int maxComponents, int maxChanges, boolean withholdChanges) {
    Map<String, Object> fields = common(d);
    fields.put("outcome", outcome(d.state()));
    putText(fields, "salesforce_deploy_id", d.salesforceDeployId());
    putText(fields, "snapshot_sha256", d.snapshotSha256());
    if (result != null) {
      fields.put("status", result.status().name());
      putText(fields, "deployed_by", result.createdBy()); // the Salesforce user id the org attributes its changes to
      putText(fields, "error", clip(result.errorMessage()));
    }
    putText(fields, "error", clip(error));
    if (d.startedAt() != null) {
      fields.put("started", LedgerEntry.formatTime(d.startedAt()));
    }
    fields.put("completed", LedgerEntry.formatTime(d.completedAt()));
    if (!d.componentList().isEmpty()) {
      fields.put("component_list", capped(d.componentList(), maxComponents));
    }
    if (!d.changeList().isEmpty()) {
      fields.put("changes", withholdChanges
          ? List.of(d.changeList().size() + " changes withheld: a summary looked like a credential")
          : capped(d.changeList(), maxChanges));
    }
    putText(fields, "approval", d.approvalId());
    if (!d.approvers().isEmpty()) {
      fields.put("approvers", d.approvers());
    }
    putText(fields, "environment", d.environment());
    fields.put("check_only", d.checkOnly());
    putText(fields, "test_level", d.testLevel());
    if (result != null) {
      RunTestsResult tests = result.runTestResult();
      fields.put("tests_run", (long) Math.max(tests.numTestsRun(), result.numberTestsCompleted()));
      fields.put("test_failures", (long) Math.max(tests.numFailures(), result.numberTestErrors()));
      Double coverage = coveragePercent(tests);
      if (coverage != null) {
        fields.put("coverage_percent", coverage);
      }
      fields.put("component_errors", (long) result.numberComponentErrors());
    }
    return fields;
  }

  /** Fields both deploy entries have. */
  private static Map<String, Object> common(Deployment d) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("org", d.orgAlias());
    fields.put("actor", actor(d));
    fields.put("deployment_id", d.id());
    String commit = d.git().commit() == null ? null : d.git().commit().toLowerCase(Locale.ROOT);
    if (commit != null && COMMIT.matcher(commit).matches()) {
      fields.put("commit", commit);
    }
    putText(fields, "job", d.git().run());
    putText(fields, "run", d.git().run());
    putText(fields, "repository", d.git().repository());
    putText(fields, "branch", d.git().branch());
    putText(fields, "session", d.requester().session());
    putText(fields, "issuer", d.requester().issuer());
    putText(fields, "package_sha256", d.packageSha256());
    putText(fields, "decision", d.decisionId());
    if (!d.rules().isEmpty()) {
      fields.put("rules", d.rules());
    }
    putText(fields, "rollback_of", d.rollbackOf());
    return fields;
  }

  /** {@code approval.requested}, as the gateway writes it. */
  static LedgerEntry approvalRequested(Approval approval) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("approval", approval.id());
    fields.put("approval_kind", approval.kind());
    fields.put("org", approval.orgAlias());
    fields.put("actor", approval.requesterSubject());
    fields.put("issuer", approval.requesterIssuer());
    putText(fields, "run_actor", approval.requesterActor());
    fields.put("summary", approval.summary());
    fields.put("required", (long) approval.required());
    if (!approval.eligible().isEmpty()) {
      fields.put("eligible", approval.eligible());
    }
    fields.put("binding_sha256", approval.binding());
    fields.put("expires", LedgerEntry.formatTime(approval.expiresAt()));
    putText(fields, "decision", approval.decisionId());
    return LedgerEntry.of("approval.requested", approval.requestedAt(), fields);
  }

  /** {@code approval.used}, as the gateway writes it. */
  static LedgerEntry approvalUsed(Approval approval, String decisionId, Instant at) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("approval", approval.id());
    fields.put("org", approval.orgAlias());
    fields.put("actor", approval.requesterSubject());
    fields.put("decision", decisionId);
    fields.put("approvers", approvers(approval));
    fields.put("binding_sha256", approval.binding());
    return LedgerEntry.of("approval.used", at, fields);
  }

  static List<String> approvers(Approval approval) {
    return approval.votes().stream().filter(Approval.Vote::approve).map(Approval.Vote::approverSubject).toList();
  }

  /** {@code deploy.completed}'s outcome: only a full success succeeded; a partial one did not do what was approved. */
  static String outcome(Deployment.State state) {
    return switch (state) {
      case SUCCEEDED -> "succeeded";
      case CANCELED -> "canceled";
      case PARTIAL, FAILED, ERROR, REFUSED, HELD, ADMITTED, RUNNING -> "failed";
    };
  }

  /** Lines covered of lines coverable over every class and trigger, in percent to two decimals; null when none. */
  static Double coveragePercent(RunTestsResult tests) {
    long total = 0;
    long uncovered = 0;
    for (RunTestsResult.CodeCoverageResult c : tests.codeCoverage()) {
      total += c.numLocations();
      uncovered += c.numLocationsNotCovered();
    }
    if (total == 0) {
      return null;
    }
    return Math.round((total - uncovered) * 10000.0 / total) / 100.0;
  }

  /** At most {@code max} items, then {@code "... N more"}. */
  static List<String> capped(List<String> items, int max) {
    if (items.size() <= max) {
      return items;
    }
    List<String> out = new ArrayList<>(items.subList(0, max));
    out.add("... " + (items.size() - max) + " more");
    return out;
  }

  static String clip(String text) {
    if (text == null) {
      return null;
    }
    String one = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return one.length() <= MAX_TEXT ? one : one.substring(0, MAX_TEXT) + "…";
  }

  private static void putText(Map<String, Object> fields, String name, String value) {
    if (value != null && !value.isBlank()) {
      fields.put(name, value);
    }
  }
}
