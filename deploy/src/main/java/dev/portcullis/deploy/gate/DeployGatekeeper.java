package dev.portcullis.deploy.gate;

import dev.portcullis.deploy.DeployErrorCode;
import dev.portcullis.deploy.DeployException;
import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.store.Approval;
import dev.portcullis.store.ApprovalRepository;
import dev.portcullis.store.Deployment;
import dev.portcullis.store.DeploymentRepository;
import dev.portcullis.store.SessionTokens;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The deploy gate: decides whether a Metadata API deployment may reach Salesforce, and records its whole story.
 *
 * <p>Design note. {@link #admit} runs, in order: read the package (safe zip limits) and take its identity; find the
 * deployment it would roll back (a package whose identity is an earlier deployment's rollback package on the same
 * org); retrieve the package's components from the org, diff and decide them with the deploy policy; settle
 * {@code require_approval} with a store approval bound to {@code sha256("deploy\n" + org + "\n" + packageHash)}, so
 * that any change to the package, or another org, needs another approval; snapshot what the deployment replaces
 * (admitted, not check-only); store the {@code deployment} row; and record {@code deploy.requested} in the ledger,
 * durable before it returns. It fails closed: any exception on the way is a {@link Admission.Refused} naming what
 * failed, never an {@link Admission.Admitted}; a ledger that does not acknowledge in {@code ledgerTimeout} refuses
 * too, and the stored row says so. The snapshot is written before the approval is used, so a snapshot failure
 * never spends an approval; an approval is used (once, atomically, by one replica) only when everything else that
 * can fail before admission has succeeded, and its {@code approval.used} entry is awaited.
 *
 * <p>After admission the enforcement point reports {@link #started} (Salesforce accepted it: its deploy id),
 * {@link #notStarted} or {@link #finished}; each is one conditional state change of the row, and an ending writes
 * one {@code deploy.completed} with everything an auditor asks: who, what, which commit, approved by whom, the
 * decision and its rules, the Salesforce deploy id, result, tests and coverage.
 */
public final class DeployGatekeeper {
  /** The kind of approvals the gate asks for. */
  public static final String APPROVAL_KIND = "deploy";

  private final Supplier<PolicyBundle> policy;
  private final ApprovalRepository approvals;
  private final DeploymentRepository deployments;
  private final Snapshots snapshots;
  private final Function<LedgerEntry, CompletableFuture<Long>> ledger;
  private final Clock clock;
  private final Duration approvalValidity;
  private final Duration ledgerTimeout;

  /**
   * The longest an approval stays valid, whatever the configuration or a policy's {@code valid_for_minutes} says:
   * seven days. Who reads the ledger later ({@code deploy show}) looks this far back for a deployment's approval.
   */
  public static final Duration MAX_APPROVAL_VALIDITY = Duration.ofDays(7);

  private DeployGatekeeper(Builder b) {
    this.policy = Objects.requireNonNull(b.policy, "policy");
    this.approvals = Objects.requireNonNull(b.approvals, "approvals");
    this.deployments = Objects.requireNonNull(b.deployments, "deployments");
    this.snapshots = new Snapshots(Objects.requireNonNull(b.snapshots, "snapshots"));
    this.ledger = Objects.requireNonNull(b.ledger, "ledger");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.approvalValidity = Objects.requireNonNull(b.approvalValidity, "approvalValidity");
    this.ledgerTimeout = Objects.requireNonNull(b.ledgerTimeout, "ledgerTimeout");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The approval binding of a package on an org: lower-hex SHA-256 of {@code "deploy\n" + org + "\n" + hash}. */
  public static String binding(String org, String packageSha256) {
    return Snapshots.sha256(("deploy\n" + org + "\n" + packageSha256).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decides {@code request} against {@code org} (the target org's Metadata API retrieve), stores the deployment and
   * records it in the ledger. Never throws for a bad request or a failing dependency: that is a refusal.
   */
  public Admission admit(DeployRequest request, DeployInspection.OrgMetadata org) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(org, "org");
    Instant now = clock.instant();
    Attempt attempt = new Attempt(request, "dpl_" + SessionTokens.newSessionId(now).substring("ses_".length()),
        request.decisionId() == null || request.decisionId().isBlank()
            ? "dec_" + SessionTokens.newSessionId(now).substring("ses_".length()) : request.decisionId(), now);
    Admission admission;
    try {
      admission = decide(attempt, org);
    } catch (RuntimeException e) {
      admission = attempt.refused("the deployment could not be admitted: " + describe(e), List.of());
    }
    Deployment deployment = admission.deployment();
    boolean stored;
    try {
      deployments.create(deployment);
      stored = true;
    } catch (RuntimeException e) {
      stored = false;
      if (!(admission instanceof Admission.Refused)) {
        admission = attempt.refused("deployment " + deployment.id() + " could not be stored: " + describe(e),
            deployment.rules());
        deployment = admission.deployment();
      }
    }
    try {
      await(ledger.apply(DeployRecords.requested(deployment, now)), "deploy.requested of " + deployment.id());
    } catch (RuntimeException e) {
      String reason = "deployment " + deployment.id() + " could not be recorded in the ledger: " + describe(e);
      Deployment refused = deployment.ended(Deployment.State.REFUSED, now, reason, null);
      if (stored) {
        try {
          deployments.update(refused, deployment.state());
        } catch (RuntimeException ignored) {
          // the row keeps the earlier state; the enforcement point forwards nothing on a refusal either way
        }
      }
      return new Admission.Refused(refused, reason, refused.rules());
    }
    return admission;
  }

  private Admission decide(Attempt attempt, DeployInspection.OrgMetadata org) {
    DeployRequest request = attempt.request;
    if (request.org().isBlank() || request.environment().isBlank()) {
      return attempt.refused("the deploy request names no org or no environment", List.of());
    }
    if (request.requester().issuer().isBlank() || request.requester().subject().isBlank()) {
      return attempt.refused("the deploy request has no authenticated requester (issuer and subject)", List.of());
    }
    DeployRequest.Options options = request.options();
    boolean quick = options.validatedId() != null;
    MetadataPackage pkg;
    byte[] zip = request.zip();
    if (quick) {
      if (zip.length > 0) {
        return attempt.refused("a quick deploy of validation " + options.validatedId() + " carries no package",
            List.of());
      }
      Optional<Deployment> validation = deployments.findBySalesforceId(request.org(), options.validatedId())
          .filter(d -> d.checkOnly() && d.effect() == Deployment.State.ADMITTED && d.packageSha256() != null
              && (d.state() == Deployment.State.ADMITTED || d.state() == Deployment.State.RUNNING
                  || d.state() == Deployment.State.SUCCEEDED));
      if (validation.isEmpty()) {
        return attempt.refused("no admitted validation " + options.validatedId() + " on org " + request.org()
            + " to quick deploy", List.of());
      }
      Deployment v = validation.get();
      zip = snapshots.keptPackage(v.packageSha256()).orElseThrow(() -> new DeployException(
          DeployErrorCode.NOT_FOUND, "the package of validation " + options.validatedId() + " ("
              + v.packageSha256() + ") is not kept"));
      attempt.quickDeployOf = options.validatedId();
      attempt.testLevel = v.testLevel();
      attempt.tests = v.tests();
    } else if (zip.length == 0) {
      return attempt.refused("the deploy request carries no package", List.of());
    }
    pkg = MetadataPackage.fromZip(new ByteArrayInputStream(zip), "the deployment zip");
    boolean checkOnly = !quick && options.checkOnly();
    attempt.checkOnly = checkOnly;
    String packageHash = pkg.sha256();
    attempt.packageSha256 = packageHash;
    attempt.rollbackOf = deployments.findByRollbackSha256(request.org(), packageHash).map(Deployment::id)
        .orElse(null);

    String binding = binding(request.org(), packageHash);
    Optional<Approval> open = approvals.findOpen(APPROVAL_KIND, binding, attempt.now);
    List<DeployInput.Approval> given = new ArrayList<>();
    open.ifPresent(a -> a.votes().stream().filter(Approval.Vote::approve).forEach(v -> given.add(
        new DeployInput.Approval(v.approverSubject(), v.approverIssuer(), v.at(), "approve"))));

    Map<String, Object> claims = new LinkedHashMap<>();
    if (request.requester().actor() != null) {
      claims.put("actor", request.requester().actor());
    }
    DeployRequest.Git git = request.git();
    DeployInput.Builder input = DeployInput.builder()
        .principal(new DecisionInput.Principal(request.requester().kind(), request.requester().issuer(),
            request.requester().subject(), claims))
        .org(new DecisionInput.Org(request.org(), request.environment(), ""))
        .git(new DeployInput.Git(git.repository(), git.commit(), git.branch(), "",
            Boolean.TRUE.equals(git.protectedBranch())))
        .approvals(given)
        .now(attempt.now);
    RetrievingOrg retrieving = new RetrievingOrg(org);
    DeployInspection.Result result = DeployInspection.inspect(pkg, retrieving, policy.get(),
        new DeployInspection.Context(input, attempt.testLevel, attempt.tests, checkOnly, quick,
            attempt.rollbackOf != null));
    attempt.facts(result);
    Decision decision = result.decision();
    if (!decision.allowed()) {
      return attempt.refused(decision.reasons().isEmpty() ? "denied by policy" : String.join("; ", decision.reasons()),
          decision.matchedRules());
    }
    ApprovalNeed need = ApprovalNeed.of(decision, approvalValidity);
    Approval approved = null;
    if (need.required() > 0) {
      Optional<Approval> usable = open.filter(a -> a.required() >= need.required());
      if (usable.isEmpty() || usable.get().state() != Approval.State.APPROVED) {
        return hold(attempt, usable, binding, need, pkg, result);
      }
      approved = usable.get();
    }

    List<Manifest.Member> members = new ArrayList<>();
    pkg.components().forEach(c -> members.add(new Manifest.Member(c.type(), c.fullName())));
    for (MetadataPackage.DestructivePhase phase : MetadataPackage.DestructivePhase.values()) {
      members.addAll(pkg.deletions(phase));
    }
    if (!checkOnly) {
      Snapshots.Taken snapshot = snapshots.take(request.org(), pkg.apiVersion(), retrieving.retrieved, members);
      attempt.snapshotSha256 = snapshot.sha256();
      attempt.rollbackSha256 = snapshot.rollbackSha256();
    } else {
      snapshots.keepPackage(packageHash, zip);
    }
    if (approved != null) {
      if (!approvals.use(approved.id(), attempt.decisionId, attempt.now)) {
        // used by a concurrent deployment of the same package meanwhile, or expired: ask again
        return hold(attempt, approvals.findOpen(APPROVAL_KIND, binding, attempt.now)
            .filter(a -> a.required() >= need.required() && a.state() == Approval.State.PENDING), binding, need, pkg,
            result);
      }
      await(ledger.apply(DeployRecords.approvalUsed(approved, attempt.decisionId, attempt.now)),
          "the use of approval " + approved.id());
      attempt.approvalId = approved.id();
      attempt.approvers = DeployRecords.approvers(approved);
    }
    return new Admission.Admitted(attempt.deployment(Deployment.State.ADMITTED,
        String.join("; ", decision.reasons()), decision.matchedRules()), attempt.approvalId, attempt.approvers);
  }

  /** Held: the pending approval, or a new one asked for (recorded in the ledger before anyone hears of it). */
  private Admission hold(Attempt attempt, Optional<Approval> pending, String binding, ApprovalNeed need,
      MetadataPackage pkg, DeployInspection.Result result) {
    String reason = String.join("; ", result.decision().reasons());
    List<String> rules = result.decision().matchedRules();
    if (pending.isPresent() && pending.get().state() == Approval.State.PENDING) {
      Approval p = pending.get();
      attempt.approvalId = p.id();
      return new Admission.Held(attempt.deployment(Deployment.State.HELD, reason, rules), p.id(), false,
          p.approvals(), p.required(), p.expiresAt());
    }
    DeployRequest request = attempt.request;
    String id = "apr_" + SessionTokens.newSessionId(attempt.now).substring("ses_".length());
    Approval asked = approvals.create(Approval.pending(id, APPROVAL_KIND, binding, request.org(),
        request.requester().issuer(), request.requester().subject(), request.requester().actor(),
        summary(attempt, pkg, result), need.required(), need.eligible(), attempt.decisionId, attempt.now,
        attempt.now.plus(need.validFor())));
    await(ledger.apply(DeployRecords.approvalRequested(asked)), "the request for approval " + id);
    attempt.approvalId = id;
    return new Admission.Held(attempt.deployment(Deployment.State.HELD, reason, rules), id, true, 0,
        asked.required(), asked.expiresAt());
  }

  /** One line for approvers: what, where, by whom, and the most severe changes (never file contents). */
  private static String summary(Attempt attempt, MetadataPackage pkg, DeployInspection.Result result) {
    DeployRequest r = attempt.request;
    StringBuilder text = new StringBuilder("deploy of ").append(result.components().size())
        .append(" components (package ").append(attempt.packageSha256, 0, 12).append("…) to ").append(r.org())
        .append(" (").append(r.environment()).append(") by ").append(r.requester().subject());
    if (r.requester().actor() != null) {
      text.append(" (").append(r.requester().actor()).append(')');
    }
    if (r.git().commit() != null) {
      text.append(" from ").append(r.git().repository() == null ? "" : r.git().repository() + "@")
          .append(r.git().commit());
    }
    result.changes().stream().sorted((a, b) -> Integer.compare(b.severity().ordinal(), a.severity().ordinal()))
        .limit(3).forEach(c -> text.append("; ").append(c.type()).append(' ').append(c.fullName()).append(": ")
            .append(c.message()));
    return DeployRecords.clip(text.toString());
  }

  /** Salesforce accepted the deployment as {@code salesforceDeployId}. */
  public void started(String deploymentId, String salesforceDeployId) {
    Objects.requireNonNull(salesforceDeployId, "salesforceDeployId");
    Deployment d = existing(deploymentId);
    if (d.state() != Deployment.State.ADMITTED) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + deploymentId + " is " + d.state().value()
          + ", not admitted: it cannot start");
    }
    if (!deployments.update(d.started(salesforceDeployId, clock.instant()), Deployment.State.ADMITTED)) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + deploymentId
          + " changed while it was being started");
    }
  }

  /** Salesforce refused the deployment, or it could not be sent: it ends in error, recorded in the ledger. */
  public void notStarted(String deploymentId, String why) {
    Deployment d = existing(deploymentId);
    if (d.state() != Deployment.State.ADMITTED) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + deploymentId + " is " + d.state().value()
          + ", not admitted");
    }
    String reason = why == null || why.isBlank() ? "it was not sent to Salesforce" : why;
    end(d, d.ended(Deployment.State.ERROR, clock.instant(), DeployRecords.clip(reason), errorJson(reason)), null,
        DeployRecords.clip(reason));
  }

  /** The deployment ended as {@code result} says (Salesforce's final DeployResult, with details). */
  public void finished(String deploymentId, DeployResult result) {
    Objects.requireNonNull(result, "result");
    Deployment d = existing(deploymentId);
    if (d.state() != Deployment.State.RUNNING && d.state() != Deployment.State.ADMITTED) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + deploymentId + " is " + d.state().value()
          + ": it has not started or has ended already");
    }
    Deployment.State end = switch (result.status()) {
      case Succeeded -> Deployment.State.SUCCEEDED;
      case SucceededPartial -> Deployment.State.PARTIAL;
      case Failed -> Deployment.State.FAILED;
      case Canceled -> Deployment.State.CANCELED;
      case Pending, InProgress, Canceling -> throw new DeployException(DeployErrorCode.WRONG_STATE,
          "deploy " + result.id() + " of deployment " + deploymentId + " is " + result.status() + ", not finished");
    };
    if (d.salesforceDeployId() != null && !d.salesforceDeployId().equals(result.id())) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + deploymentId + " is Salesforce's "
          + d.salesforceDeployId() + ", not " + result.id());
    }
    Deployment running = d.salesforceDeployId() == null ? d.started(result.id(), clock.instant()) : d;
    end(d, running.ended(end, clock.instant(), null, ResultJson.of(result)), result, null);
  }

  private void end(Deployment before, Deployment after, DeployResult result, String error) {
    if (!deployments.update(after, before.state())) {
      throw new DeployException(DeployErrorCode.WRONG_STATE, "deployment " + before.id()
          + " changed while it was being ended");
    }
    try {
      await(ledger.apply(DeployRecords.completed(after, result, error)), "deploy.completed of " + before.id());
    } catch (RuntimeException e) {
      throw new DeployException(DeployErrorCode.NOT_RECORDED, "deployment " + before.id() + " ended "
          + after.state().value() + " but could not be recorded in the ledger: " + describe(e), e);
    }
  }

  public Optional<Deployment> find(String deploymentId) {
    return deployments.findById(deploymentId);
  }

  public Optional<Deployment> findBySalesforceId(String org, String salesforceDeployId) {
    return deployments.findBySalesforceId(org, salesforceDeployId);
  }

  /**
   * The package that undoes {@code deploymentId}; deploying it through {@link #admit} is recognised as its rollback.
   *
   * @throws DeployException {@link DeployErrorCode#NOT_FOUND} when there is no such deployment or it has no snapshot
   *     (refused, held, check-only), {@link DeployErrorCode#SNAPSHOT_FAILED} when the snapshot is not intact
   */
  public RollbackPackage rollbackPackage(String deploymentId) {
    Deployment d = existing(deploymentId);
    if (d.snapshotSha256() == null) {
      throw new DeployException(DeployErrorCode.NOT_FOUND, "deployment " + deploymentId + " (" + d.state().value()
          + (d.checkOnly() ? ", check-only" : "") + ") has no snapshot to roll back to");
    }
    RollbackPackage p = snapshots.rollback(d.snapshotSha256());
    if (d.rollbackSha256() != null && !d.rollbackSha256().equals(p.sha256())) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "the rollback package of deployment " + deploymentId
          + " is " + p.sha256() + ", not " + d.rollbackSha256() + " as recorded");
    }
    return new RollbackPackage(p.zip(), p.sha256(), deploymentId);
  }

  private Deployment existing(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    return deployments.findById(deploymentId).orElseThrow(() -> new DeployException(DeployErrorCode.NOT_FOUND,
        "no deployment " + deploymentId));
  }

  private void await(CompletableFuture<?> recorded, String what) {
    try {
      recorded.get(ledgerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException(DeployErrorCode.NOT_RECORDED, what + " was interrupted", e);
    } catch (TimeoutException e) {
      throw new DeployException(DeployErrorCode.NOT_RECORDED, what + " was not acknowledged within " + ledgerTimeout,
          e);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DeployException(DeployErrorCode.NOT_RECORDED, what + " failed: " + describe(cause), e);
    }
  }

  private static String errorJson(String why) {
    return ResultJson.error(why);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** The org's side, kept: the snapshot is made of what the diff already retrieved. */
  private static final class RetrievingOrg implements DeployInspection.OrgMetadata {
    private final DeployInspection.OrgMetadata org;
    private MetadataPackage retrieved;

    RetrievingOrg(DeployInspection.OrgMetadata org) {
      this.org = org;
    }

    @Override
    public MetadataPackage retrieve(List<Manifest.Member> members, String apiVersion) {
      retrieved = org.retrieve(members, apiVersion);
      return retrieved;
    }
  }

  /** What {@code require_approval} asks for, all its rules merged: the most approvers, the shortest validity. */
  record ApprovalNeed(int required, Duration validFor, List<String> eligible) {
    static ApprovalNeed of(Decision decision, Duration defaultValidity) {
      int required = 0;
      Duration validFor = null;
      LinkedHashSet<String> eligible = null;
      for (Obligation o : decision.obligations()) {
        if (!o.name().equals("require_approval")) {
          continue;
        }
        Object value = o.value();
        if (Boolean.TRUE.equals(value)) {
          required = Math.max(required, 1);
        } else if (Boolean.FALSE.equals(value)) {
          continue;
        } else if (value instanceof Map<?, ?> map) {
          int approvers = 1;
          for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            switch (String.valueOf(e.getKey())) {
              case "approvers" -> approvers = (int) whole(v, 1, 10, o, "approvers");
              case "valid_for_minutes" -> {
                Duration d = Duration.ofMinutes(whole(v, 1, MAX_APPROVAL_VALIDITY.toMinutes(), o, "valid_for_minutes"));
                validFor = validFor == null || d.compareTo(validFor) < 0 ? d : validFor;
              }
              case "from" -> {
                if (!(v instanceof List<?> list) || list.stream().anyMatch(x -> !(x instanceof String s) || s.isBlank())) {
                  throw new DeployException(DeployErrorCode.POLICY_FAILED, "require_approval from " + o.rules()
                      + ": 'from' is a list of names, not " + v);
                }
                LinkedHashSet<String> names = new LinkedHashSet<>();
                list.forEach(x -> names.add((String) x));
                if (eligible != null) {
                  eligible.retainAll(names);
                  if (eligible.isEmpty()) {
                    throw new DeployException(DeployErrorCode.POLICY_FAILED, "the require_approval obligations of "
                        + decision.matchedRules() + " name no approver in common: no one approval can meet them");
                  }
                } else {
                  eligible = names;
                }
              }
              case "reason" -> { }
              default -> throw new DeployException(DeployErrorCode.POLICY_FAILED, "require_approval from "
                  + o.rules() + " has an unknown key '" + e.getKey() + "'");
            }
          }
          required = Math.max(required, approvers);
        } else {
          throw new DeployException(DeployErrorCode.POLICY_FAILED, "require_approval from " + o.rules()
              + " is neither true nor a mapping: " + value);
        }
      }
      return new ApprovalNeed(required, validFor == null ? defaultValidity : validFor,
          eligible == null ? List.of() : List.copyOf(eligible));
    }

    private static long whole(Object v, long min, long max, Obligation o, String key) {
      if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= min && n.longValue() <= max) {
        return n.longValue();
      }
      throw new DeployException(DeployErrorCode.POLICY_FAILED, "require_approval from " + o.rules() + ": " + key
          + " is a whole number from " + min + " to " + max + ", not " + v);
    }
  }

  /** What is known of one admission attempt so far; becomes its {@link Deployment}. */
  private static final class Attempt {
    final DeployRequest request;
    final String id;
    final String decisionId;
    final Instant now;
    String testLevel;
    List<String> tests;
    boolean checkOnly;
    String quickDeployOf;
    String packageSha256;
    int componentCount;
    boolean destructive;
    List<String> componentList = List.of();
    List<String> changeList = List.of();
    String rollbackOf;
    String snapshotSha256;
    String rollbackSha256;
    String approvalId;
    List<String> approvers = List.of();

    Attempt(DeployRequest request, String id, String decisionId, Instant now) {
      this.request = request;
      this.id = id;
      this.decisionId = decisionId;
      this.now = now;
      this.testLevel = request.options().testLevel();
      this.tests = request.options().runTests();
      this.checkOnly = request.options().checkOnly();
    }

    void facts(DeployInspection.Result result) {
      componentCount = result.components().size();
      destructive = result.components().stream().anyMatch(c -> c.status() == DeployInput.Component.Status.DELETED);
      componentList = DeployRecords.capped(result.components().stream().map(DeployInput.Component::key)
          .map(Attempt::line).toList(), DeployRecords.MAX_COMPONENTS);
      List<String> changes = new ArrayList<>();
      for (Change c : result.changes()) {
        changes.add(line(c.toString()));
      }
      changeList = DeployRecords.capped(changes, DeployRecords.MAX_CHANGES);
    }

    Admission refused(String reason, List<String> rules) {
      return new Admission.Refused(deployment(Deployment.State.REFUSED, reason, rules), reason, rules);
    }

    Deployment deployment(Deployment.State effect, String reason, List<String> rules) {
      DeployRequest.Requester r = request.requester();
      DeployRequest.Git g = request.git();
      return new Deployment(id, request.org().isBlank() ? "-" : request.org(), request.environment(), effect, effect,
          request.via(), now, null, effect == Deployment.State.ADMITTED ? null : now, packageSha256, componentCount,
          destructive, checkOnly, quickDeployOf, testLevel == null ? "" : testLevel, tests.stream().map(Attempt::line)
              .toList(),
          new Deployment.Requester(r.kind(), r.issuer().isBlank() ? "-" : r.issuer(),
              r.subject().isBlank() ? "-" : r.subject(), r.actor(), r.session()),
          new Deployment.Git(g.repository(), g.commit(), g.branch(), g.run(), g.protectedBranch()), decisionId,
          rules.stream().map(Attempt::line).toList(), DeployRecords.clip(reason == null ? "" : reason), approvalId,
          approvers.stream().map(Attempt::line).toList(), null, snapshotSha256, rollbackSha256, rollbackOf,
          componentList, changeList, null);
    }

    /** One non-empty line. */
    private static String line(String text) {
      String one = text.replaceAll("[\\r\\n]+", " ").strip();
      return one.isEmpty() ? "-" : one;
    }
  }

  /** Configures a {@link DeployGatekeeper}. */
  public static final class Builder {
    private Supplier<PolicyBundle> policy;
    private ApprovalRepository approvals;
    private DeploymentRepository deployments;
    private Path snapshots;
    private Function<LedgerEntry, CompletableFuture<Long>> ledger;
    private Clock clock = Clock.systemUTC();
    private Duration approvalValidity = Duration.ofHours(24);
    private Duration ledgerTimeout = Duration.ofSeconds(10);

    private Builder() {
    }

    /** The policy bundle in force, read at every admission. */
    public Builder policy(Supplier<PolicyBundle> value) {
      this.policy = value;
      return this;
    }

    public Builder approvals(ApprovalRepository value) {
      this.approvals = value;
      return this;
    }

    public Builder deployments(DeploymentRepository value) {
      this.deployments = value;
      return this;
    }

    /** The directory snapshots (and validated packages) are kept in, content-addressed. */
    public Builder snapshots(Path directory) {
      this.snapshots = directory;
      return this;
    }

    /** Appends an entry; durable when the future completes (with its index). */
    public Builder ledger(Function<LedgerEntry, CompletableFuture<Long>> value) {
      this.ledger = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /**
     * How long an approval asked for stays valid (24 hours, at most {@link #MAX_APPROVAL_VALIDITY}); a policy's
     * {@code valid_for_minutes} wins.
     */
    public Builder approvalValidity(Duration value) {
      if (value.isNegative() || value.isZero() || value.compareTo(MAX_APPROVAL_VALIDITY) > 0) {
        throw new IllegalArgumentException("approvalValidity must be positive and at most " + MAX_APPROVAL_VALIDITY
            + ", not " + value);
      }
      this.approvalValidity = value;
      return this;
    }

    /** How long to wait for the ledger to acknowledge an entry (10 seconds). */
    public Builder ledgerTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("ledgerTimeout must be positive");
      }
      this.ledgerTimeout = value;
      return this;
    }

    public DeployGatekeeper build() {
      return new DeployGatekeeper(this);
    }
  }
}
