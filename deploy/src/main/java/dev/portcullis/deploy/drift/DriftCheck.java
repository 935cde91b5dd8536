package dev.portcullis.deploy.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Setup Audit Trail rows no ledgered deployment explains.
 *
 * <h2>Design note</h2>
 *
 * <p>A row is <em>explained</em> when its {@code CreatedDate} lies within a deployment's window widened by the slack
 * on both sides, edges included: {@code started - slack <= CreatedDate <= completed + slack}. Every other row is
 * drift: a change made in Setup by hand, or by a deployment that did not go through Portcullis. The slack ({@link
 * #DEFAULT_SLACK}, two minutes) covers the gap between the org's clock, which stamps the rows, and the times the
 * ledger entry carries, and Salesforce writing a row shortly after the deploy reports completion. It is deliberately
 * small: a wide slack would hide a hand-made change next to a deployment. When the entry names the Salesforce user that
 * ran the deployment ({@code deployed_by}, from {@code DeployResult.createdBy}) and the row its creator ({@code
 * CreatedById}), they must match too: a change made by hand by another user during a deployment is drift. A change made
 * by the deploying user itself (the integration user) during the window is still explained (a known limit, stated in
 * docs/DEPLOY.md).
 *
 * <p>Pure: no I/O, no clock. Rows and windows may come in any order; the drift comes out oldest first.
 */
public final class DriftCheck {
  /** The default slack around each deployment window. */
  public static final Duration DEFAULT_SLACK = Duration.ofMinutes(2);

  private final Duration slack;

  private DriftCheck(Duration slack) {
    this.slack = slack;
  }

  public static DriftCheck withSlack(Duration slack) {
    Objects.requireNonNull(slack, "slack");
    if (slack.isNegative()) {
      throw new IllegalArgumentException("slack must not be negative: " + slack);
    }
    return new DriftCheck(slack);
  }

  public static DriftCheck withDefaultSlack() {
    return new DriftCheck(DEFAULT_SLACK);
  }

  /**
   * What the check found.
   *
   * @param drift the rows no deployment explains, oldest first
   * @param explained how many rows a deployment explains
   */
  public record Result(List<SetupAuditTrailRow> drift, int explained) {
    public Result {
      drift = List.copyOf(drift);
    }

    public boolean hasDrift() {
      return !drift.isEmpty();
    }
  }

  public Result check(List<SetupAuditTrailRow> rows, List<DeploymentWindow> deployments) {
    List<SetupAuditTrailRow> drift = new ArrayList<>();
    int explained = 0;
    for (SetupAuditTrailRow row : rows) {
      if (explainedBy(row, deployments).isPresent()) {
        explained++;
      } else {
        drift.add(row);
      }
    }
    drift.sort(Comparator.comparing(SetupAuditTrailRow::createdDate).thenComparing(SetupAuditTrailRow::id));
    return new Result(drift, explained);
  }

  /**
   * Whether the row was made by the user that ran the deployment, when both are known: Salesforce ids compare on their
   * first 15 characters (the 18-character form adds a case-safe suffix).
   */
  private static boolean sameUser(SetupAuditTrailRow row, DeploymentWindow d) {
    if (d.deployedBy() == null || d.deployedBy().isEmpty() || row.createdById().isEmpty()) {
      return true;
    }
    String a = row.createdById();
    String b = d.deployedBy();
    return a.length() >= 15 && b.length() >= 15 && a.regionMatches(0, b, 0, 15);
  }

  /** The first deployment whose widened window holds the row (and, when both are known, by the deploying user). */
  public Optional<DeploymentWindow> explainedBy(SetupAuditTrailRow row, List<DeploymentWindow> deployments) {
    Instant at = row.createdDate();
    for (DeploymentWindow d : deployments) {
      if (!at.isBefore(d.started().minus(slack)) && !at.isAfter(d.completed().plus(slack)) && sameUser(row, d)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
