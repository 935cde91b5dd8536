package dev.portcullis.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One admission attempt of a Metadata API deployment through the deploy gate, and how it went
 * (docs/DEPLOY.md, "Approvals, snapshots and the ledger").
 *
 * @param id {@code dpl_…}
 * @param orgAlias the target org
 * @param environment the org's environment from configuration ({@code production}, {@code sandbox}, …)
 * @param state where it is now
 * @param effect what admission said: {@link State#ADMITTED}, {@link State#HELD} or {@link State#REFUSED}
 * @param via how it came: {@code gateway-soap}, {@code gateway-rest}, {@code rollback}, …
 * @param packageSha256 the package identity, or null when the package could not be read
 * @param componentCount components of the package and its destructive manifests
 * @param quickDeployOf the Salesforce id of the validation a quick deploy deploys, or null
 * @param testLevel the Metadata API test level, empty for Salesforce's default
 * @param tests the test classes of {@code RunSpecifiedTests}
 * @param decisionId the policy decision's id
 * @param rules the rules that decided
 * @param reason why (policy's reasons, or what failed)
 * @param approvalId the approval used or asked for, or null
 * @param approvers subjects of the approving votes of the approval used
 * @param salesforceDeployId Salesforce's deploy id ({@code 0Af…}) once Salesforce accepted it
 * @param snapshotSha256 SHA-256 of the snapshot manifest taken before it ran, or null
 * @param rollbackSha256 the package identity of the snapshot's rollback package, or null
 * @param rollbackOf the deployment whose snapshot this one redeploys, or null
 * @param componentList {@code Type:FullName} of each component (capped by the caller)
 * @param changeList one-line summaries of the semantic diff's changes (capped by the caller)
 * @param result a JSON summary of Salesforce's DeployResult once it ended, or null
 */
public record Deployment(
    String id,
    String orgAlias,
    String environment,
    State state,
    State effect,
    String via,
    Instant requestedAt,
    Instant startedAt,
    Instant completedAt,
    String packageSha256,
    int componentCount,
    boolean destructive,
    boolean checkOnly,
    String quickDeployOf,
    String testLevel,
    List<String> tests,
    Requester requester,
    Git git,
    String decisionId,
    List<String> rules,
    String reason,
    String approvalId,
    List<String> approvers,
    String salesforceDeployId,
    String snapshotSha256,
    String rollbackSha256,
    String rollbackOf,
    List<String> componentList,
    List<String> changeList,
    String result) {

  /** Where a deployment is in its life. */
  public enum State {
    REFUSED,
    HELD,
    ADMITTED,
    RUNNING,
    SUCCEEDED,
    PARTIAL,
    FAILED,
    CANCELED,
    ERROR;

    /** The stored name: {@code refused}, {@code held}, … */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the deployment has ended in this state (nothing more happens to it). */
    public boolean isFinal() {
      return this != ADMITTED && this != RUNNING;
    }

    /** @throws IllegalArgumentException naming the value when it is none of the states */
    public static State of(String value) {
      for (State state : values()) {
        if (state.value().equals(value)) {
          return state;
        }
      }
      throw new IllegalArgumentException("unknown deployment state '" + value + "'");
    }
  }

  /**
   * Who asked for it.
   *
   * @param kind {@code oidc}, {@code mtls} or {@code person}
   * @param actor the person behind a CI run, or null
   * @param session the Portcullis session, or null
   */
  public record Requester(String kind, String issuer, String subject, String actor, String session) {
    public Requester {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(subject, "subject");
      if (issuer.isBlank() || subject.isBlank()) {
        throw new IllegalArgumentException("a deployment's requester has an issuer and a subject");
      }
    }
  }

  /**
   * Where the package came from; every part may be null.
   *
   * @param run the pipeline run (id or URL)
   * @param protectedBranch whether the CI platform says the branch is protected; null when unknown
   */
  public record Git(String repository, String commit, String branch, String run, Boolean protectedBranch) {
    public static final Git NONE = new Git(null, null, null, null, null);
  }

  public Deployment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orgAlias, "orgAlias");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(testLevel, "testLevel");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(git, "git");
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(reason, "reason");
    requestedAt = micros(requestedAt);
    startedAt = micros(startedAt);
    completedAt = micros(completedAt);
    tests = lines("tests", tests);
    rules = lines("rules", rules);
    approvers = lines("approvers", approvers);
    componentList = lines("componentList", componentList);
    changeList = lines("changeList", changeList);
    if (effect != State.ADMITTED && effect != State.HELD && effect != State.REFUSED) {
      throw new IllegalArgumentException("a deployment's effect is admitted, held or refused, not " + effect.value());
    }
    if ((effect != State.ADMITTED || state == State.HELD || state == State.REFUSED) && state != effect) {
      throw new IllegalArgumentException("a deployment " + effect.value() + " at admission cannot be " + state.value());
    }
    if (componentCount < 0) {
      throw new IllegalArgumentException("componentCount is negative");
    }
    for (String hash : new String[] {packageSha256, snapshotSha256, rollbackSha256}) {
      if (hash != null && !hash.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a deployment's hashes are lower-case hex SHA-256");
      }
    }
  }

  /** The same deployment, now running as Salesforce's {@code salesforceDeployId}. */
  public Deployment started(String salesforceDeployId, Instant at) {
    return new Deployment(id, orgAlias, environment, State.RUNNING, effect, via, requestedAt, at, completedAt,
        packageSha256, componentCount, destructive, checkOnly, quickDeployOf, testLevel, tests, requester, git,
        decisionId, rules, reason, approvalId, approvers, Objects.requireNonNull(salesforceDeployId), snapshotSha256,
        rollbackSha256, rollbackOf, componentList, changeList, result);
  }

  /** The same deployment, ended in {@code end} at {@code at}; {@code why} replaces the reason when not null. */
  public Deployment ended(State end, Instant at, String why, String resultJson) {
    if (!end.isFinal()) {
      throw new IllegalArgumentException(end.value() + " is not an end");
    }
    return new Deployment(id, orgAlias, environment, end, end == State.REFUSED ? State.REFUSED : effect, via,
        requestedAt, startedAt, at, packageSha256, componentCount, destructive, checkOnly, quickDeployOf, testLevel,
        tests, requester, git, decisionId, rules, why == null ? reason : why, approvalId, approvers,
        salesforceDeployId, snapshotSha256, rollbackSha256, rollbackOf, componentList, changeList, resultJson);
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  private static List<String> lines(String what, List<String> values) {
    List<String> copy = values == null ? List.of() : List.copyOf(values);
    for (String value : copy) {
      if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(what + " holds an empty or multi-line item");
      }
    }
    return copy;
  }
}
