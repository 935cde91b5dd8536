package dev.portcullis.deploy.report;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.Severity;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code --fail-on SEVERITY} threshold of {@code portcullis deploy check|start}: the run fails
 * when a change is at least that severe ({@code --fail-on high} fails on high and critical changes;
 * {@code info} on any change; {@code none}, the default, on no change, so that policy alone decides).
 *
 * <p>{@link #exitCode} gives the process's exit code for a report (docs/DEPLOY.md, "Findings: SARIF
 * and the terminal report"; the codes are those of shared/CONVENTIONS.md): 1 when policy denies or
 * holds the deployment, when the deployment failed, or when a change reaches the threshold; 0
 * otherwise.
 */
public final class FailOn {
  /** Never fail on a change's severity. */
  public static final FailOn NONE = new FailOn(null);

  private final Severity threshold;

  private FailOn(Severity threshold) {
    this.threshold = threshold;
  }

  /** Fail on changes at least as severe as {@code threshold}. */
  public static FailOn atLeast(Severity threshold) {
    return new FailOn(Objects.requireNonNull(threshold, "threshold"));
  }

  /**
   * The threshold named {@code text}: {@code critical}, {@code high}, {@code medium}, {@code low},
   * {@code info} or {@code none}, in any case.
   */
  public static FailOn parse(String text) throws ReportException {
    String id = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (id.equals("none")) {
      return NONE;
    }
    for (Severity severity : Severity.values()) {
      if (severity.id().equals(id)) {
        return atLeast(severity);
      }
    }
    throw new ReportException(ReportErrorCode.FAIL_ON_INVALID,
        "--fail-on: unknown severity '" + text + "' (expected critical, high, medium, low, info or none)");
  }

  /** The threshold, or empty for {@code none}. */
  public Optional<Severity> threshold() {
    return Optional.ofNullable(threshold);
  }

  /** The changes at or above the threshold, in their order. */
  public List<Change> offending(List<Change> changes) {
    if (threshold == null) {
      return List.of();
    }
    return changes.stream().filter(change -> change.severity().atLeast(threshold)).toList();
  }

  /** Whether a change reaches the threshold. */
  public boolean failsOn(List<Change> changes) {
    return !offending(changes).isEmpty();
  }

  /**
   * The exit code for {@code findings}: 1 when policy denied or held the deployment, when the
   * deployment ran and failed, or when a change reaches the threshold; 0 otherwise.
   */
  public int exitCode(Findings findings) {
    Decision decision = findings.decision();
    boolean deploymentFailed = findings.deployment().map(deployment -> !deployment.success()).orElse(false);
    return decision == Decision.DENIED || decision == Decision.HELD || deploymentFailed
        || failsOn(findings.changes()) ? 1 : 0;
  }

  /** {@code none} or the severity's id, as {@code --fail-on} takes it. */
  @Override
  public String toString() {
    return threshold == null ? "none" : threshold.id();
  }
}
