package dev.portcullis.server.broker;

import dev.portcullis.identity.broker.BrokerEvents;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyProblem;
import dev.portcullis.server.ledger.ServerLedger;
import dev.portcullis.store.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the token broker and the policy watcher report into the ledger (docs/LEDGER.md,
 * "Entries": {@code session.*}, {@code identity.failed}, {@code risk.changed}, {@code policy.bundle.*}).
 *
 * <p>Durability before the answer: entries appended while a token exchange runs are collected per
 * thread ({@link #capture}), and the token endpoint waits for them to be committed before it hands
 * the session out; when the ledger cannot record the session, the session is revoked and the
 * caller gets an error. Entries of background work (expiry sweeps, revocations heard from other
 * replicas) are appended without waiting; a failure is logged.
 */
final class BrokerLedger implements BrokerEvents {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerLedger.class);
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  /** Free text from callers (descriptions, audiences) is cut to this many characters. */
  private static final int MAX_TEXT = 1_000;

  private final Optional<ServerLedger> ledger;
  private final ThreadLocal<List<CompletableFuture<Long>>> captured = new ThreadLocal<>();

  BrokerLedger(Optional<ServerLedger> ledger) {
    this.ledger = ledger;
  }

  /** Collects the appends made on this thread until {@link Capture#await} or {@link Capture#close}. */
  Capture capture() {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    captured.set(futures);
    return new Capture(futures);
  }

  /** The appends of one exchange. */
  final class Capture implements AutoCloseable {
    private final List<CompletableFuture<Long>> futures;

    private Capture(List<CompletableFuture<Long>> futures) {
      this.futures = futures;
    }

    /**
     * Waits until every captured entry is committed.
     *
     * @throws LedgerUnavailable when one could not be, or not within {@code timeout}
     */
    void await(Duration timeout) throws LedgerUnavailable {
      captured.remove();
      if (ledger.isEmpty()) {
        throw new LedgerUnavailable("the server has no ledger (its signing key is not loaded)");
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (CompletableFuture<Long> future : futures) {
        try {
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          throw new LedgerUnavailable("the ledger did not record it: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
          throw new LedgerUnavailable("the ledger did not record it within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LedgerUnavailable("interrupted while the ledger recorded it");
        }
      }
    }

    @Override
    public void close() {
      captured.remove();
    }
  }

  /** The ledger could not record what must be recorded first. */
  static final class LedgerUnavailable extends Exception {
    LedgerUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void on(Event event) {
    try {
      switch (event) {
        case SessionCreated created -> append(created(created.session(), created.ttl()));
        case SessionRefused refused -> {
          if (refused.identityErrorCode().isEmpty()) {
            append(refused(refused));
          } // a refused subject token was recorded as identity.failed just before
        }
        case IdentityFailed failed -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("code", failed.code().name());
          fields.put("message", text(failed.message()));
          fields.put("subject_token_sha256", failed.subjectTokenHash());
          append(LedgerEntry.of("identity.failed", Instant.now(), fields));
        }
        case SessionRevoked revoked -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("session", revoked.sessionId());
          fields.put("reason", text(revoked.reason().isBlank() ? "(no reason given)" : revoked.reason()));
          putText(fields, "org", revoked.orgAlias());
          putText(fields, "by", revoked.revokedBy());
          fields.put("uses", revoked.useCount());
          append(LedgerEntry.of("session.revoked", revoked.at(), fields));
        }
        case SessionExpired expired -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("session", expired.sessionId());
          fields.put("org", expired.orgAlias());
          fields.put("expired", LedgerEntry.formatTime(expired.expiredAt()));
          fields.put("uses", expired.useCount());
          append(LedgerEntry.of("session.expired", Instant.now(), fields));
        }
        case RiskChanged changed -> append(riskChanged(changed));
        case SessionsUsed used -> {
          for (Map.Entry<String, Long> session : used.uses().entrySet()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("session", session.getKey());
            fields.put("uses", session.getValue());
            fields.put("until", LedgerEntry.formatTime(used.to()));
            fields.put("since", LedgerEntry.formatTime(used.from()));
            append(LedgerEntry.of("session.used", used.to(), fields));
          }
        }
      }
    } catch (RuntimeException e) {
      // never thrown back into the broker; the entry is lost, which the log says
      LOG.error("could not record a broker event ({}) in the ledger: {}", event.getClass().getSimpleName(),
          e.getMessage());
    }
  }

  /** {@code identity.failed} for a client certificate that was not accepted. */
  void certificateFailed(String code, String message, String audience) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("code", code);
    fields.put("message", text(message));
    putText(fields, "org", audience);
    try {
      append(LedgerEntry.of("identity.failed", Instant.now(), fields));
    } catch (RuntimeException e) {
      LOG.error("could not record identity.failed in the ledger: {}", e.getMessage());
    }
  }

  /** {@code gateway.decision}, durable before the request is forwarded (the gateway waits on the future). */
  java.util.concurrent.CompletableFuture<?> gatewayDecision(dev.portcullis.gateway.GatewayDecision decision) {
    if (ledger.isEmpty()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("the server has no ledger (its signing key is not loaded)"));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("org", decision.org());
    fields.put("actor", text(decision.actor()));
    fields.put("session", decision.sessionId());
    fields.put("api", decision.classification().api());
    fields.put("operation", decision.classification().operation());
    fields.put("effect", decision.allowed() ? "allow" : "deny");
    fields.put("rules", decision.rules());
    if (!decision.classification().sobject().isEmpty()) {
      fields.put("object", decision.classification().sobject());
    }
    fields.put("decision", decision.decisionId());
    fields.put("bundle_sha256", decision.bundleHash());
    putText(fields, "reason", decision.reason());
    try {
      return ledger.get().append(LedgerEntry.of("gateway.decision", decision.at(), fields));
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  /** {@code gateway.completed}, appended without waiting. */
  void gatewayCompleted(dev.portcullis.gateway.GatewayCompletion completion) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("decision", completion.decisionId());
    fields.put("session", completion.sessionId());
    fields.put("org", completion.org());
    fields.put("outcome", text(completion.outcome()));
    fields.put("latency_ms", completion.latency().toMillis());
    if (completion.upstreamStatus() > 0) {
      fields.put("status", (long) completion.upstreamStatus());
    }
    fields.put("request_bytes", completion.requestBytes());
    fields.put("response_bytes", completion.responseBytes());
    try {
      // lazily: it rides with the next decision's commit instead of making one that decisions would queue behind
      append(LedgerEntry.of("gateway.completed", Instant.now(), fields), true);
    } catch (RuntimeException e) {
      LOG.error("could not record gateway.completed: {}", e.getMessage());
    }
  }

  /** {@code approval.requested}: policy held a request for approval; durable before the requester hears of it. */
  CompletableFuture<?> approvalRequested(dev.portcullis.store.Approval approval) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("approval", approval.id());
    fields.put("approval_kind", approval.kind());
    fields.put("org", approval.orgAlias());
    fields.put("actor", text(approval.requesterSubject()));
    fields.put("issuer", text(approval.requesterIssuer()));
    putText(fields, "run_actor", approval.requesterActor());
    fields.put("summary", text(approval.summary()));
    fields.put("required", (long) approval.required());
    if (!approval.eligible().isEmpty()) {
      fields.put("eligible", approval.eligible().stream().map(BrokerLedger::text).toList());
    }
    fields.put("binding_sha256", approval.binding());
    fields.put("expires", LedgerEntry.formatTime(approval.expiresAt()));
    putText(fields, "decision", approval.decisionId());
    return appendNow(LedgerEntry.of("approval.requested", approval.requestedAt(), fields));
  }

  /** {@code approval.voted}: one approver's vote and what it did. */
  CompletableFuture<?> approvalVoted(dev.portcullis.store.Approval approval, dev.portcullis.store.Approval.Vote vote,
      dev.portcullis.store.ApprovalRepository.VoteOutcome outcome) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("approval", approval.id());
    fields.put("org", approval.orgAlias());
    fields.put("actor", text(vote.approverSubject()));
    fields.put("issuer", text(vote.approverIssuer()));
    fields.put("verdict", vote.approve() ? "approve" : "deny");
    fields.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
    putText(fields, "comment", vote.comment());
    fields.put("requester", text(approval.requesterSubject()));
    fields.put("binding_sha256", approval.binding());
    return appendNow(LedgerEntry.of("approval.voted", vote.at(), fields));
  }

  /** {@code approval.used}: the approved request ran, under this decision. */
  CompletableFuture<?> approvalUsed(dev.portcullis.store.Approval approval, String decisionId) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("approval", approval.id());
    fields.put("org", approval.orgAlias());
    fields.put("actor", text(approval.requesterSubject()));
    fields.put("decision", decisionId);
    fields.put("approvers", approval.votes().stream().filter(dev.portcullis.store.Approval.Vote::approve)
        .map(v -> text(v.approverSubject())).toList());
    fields.put("binding_sha256", approval.binding());
    return appendNow(LedgerEntry.of("approval.used", Instant.now(), fields));
  }

  private CompletableFuture<?> appendNow(LedgerEntry entry) {
    if (ledger.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the server has no ledger (its signing key is not loaded)"));
    }
    try {
      return ledger.get().append(entry);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@code policy.bundle.activated}. */
  void bundleActivated(PolicyBundle bundle) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("bundle_sha256", bundle.hash());
    fields.put("rule_count", (long) bundle.ruleIds().size());
    append(LedgerEntry.of("policy.bundle.activated", Instant.now(), fields));
  }

  /** {@code policy.bundle.rejected}. */
  void bundleRejected(List<PolicyProblem> problems, PolicyBundle inForce, String path) {
    Map<String, Object> fields = new LinkedHashMap<>();
    List<String> lines = problems.stream().limit(50).map(problem -> text(problem.toString())).toList();
    fields.put("problems", lines.isEmpty() ? List.of("the bundle did not load") : lines);
    fields.put("bundle_sha256", inForce.hash());
    fields.put("path", path);
    append(LedgerEntry.of("policy.bundle.rejected", Instant.now(), fields));
  }

  private static LedgerEntry created(Session session, Duration ttl) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("org", session.orgAlias());
    fields.put("actor", text(session.principal().subject()));
    fields.put("issuer", text(session.principal().issuer()));
    fields.put("session", session.id());
    fields.put("scopes", session.scopes());
    fields.put("expires", LedgerEntry.formatTime(session.expiresAt()));
    fields.put("integration_user", session.integrationUser());
    fields.put("decision", session.decisionId());
    fields.put("bundle_sha256", session.policyHash());
    fields.put("org_id", session.orgId());
    fields.put("principal_kind", session.principal().kind());
    fields.put("token_sha256", session.tokenHash());
    Session.RunBinding run = session.binding();
    putText(fields, "repository", run.repository());
    putText(fields, "ref", run.ref());
    if (run.sha() != null && COMMIT.matcher(run.sha()).matches()) {
      fields.put("commit", run.sha());
    }
    putText(fields, "workflow", run.workflow());
    putText(fields, "job", run.runId());
    putText(fields, "cert_thumbprint", session.certThumbprint());
    return LedgerEntry.of("session.created", session.issuedAt(), fields);
  }

  private static LedgerEntry riskChanged(RiskChanged changed) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("actor", text(changed.current().subject()));
    fields.put("issuer", text(changed.current().issuer()));
    fields.put("score", changed.current().score());
    fields.put("by", text(changed.current().setBy()));
    List<String> reasons = changed.current().reasons().stream().map(BrokerLedger::text).toList();
    if (!reasons.isEmpty()) {
      fields.put("reasons", reasons);
    }
    changed.previous().ifPresent(previous -> fields.put("previous_score", previous.score()));
    fields.put("revoke_at_risk", changed.revokeAtRisk());
    return LedgerEntry.of("risk.changed", changed.current().setAt(), fields);
  }

  private static LedgerEntry refused(SessionRefused refused) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("error", refused.error().value());
    fields.put("description", text(refused.description()));
    refused.decisionId().ifPresent(id -> fields.put("decision", id));
    List<String> reasons = refused.reasons().stream().filter(r -> !r.isBlank()).map(BrokerLedger::text).toList();
    if (!reasons.isEmpty()) {
      fields.put("reasons", reasons);
    }
    refused.subjectTokenHash().ifPresent(hash -> fields.put("subject_token_sha256", hash));
    return LedgerEntry.of("session.refused", Instant.now(), fields);
  }

  /** Appends {@code entry}; the future completes when it is durable (fails when there is no ledger). */
  CompletableFuture<Long> appendDurable(LedgerEntry entry) {
    if (ledger.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the server has no ledger (its signing key"
          + " is not loaded)"));
    }
    return ledger.get().append(entry);
  }

  private void append(LedgerEntry entry) {
    append(entry, false);
  }

  /** {@code lazily}: the entry does not start a ledger commit of its own ({@link ServerLedger#appendLazily}). */
  private void append(LedgerEntry entry, boolean lazily) {
    if (ledger.isEmpty()) {
      LOG.warn("no ledger: {} not recorded", entry.kind());
      return;
    }
    CompletableFuture<Long> future = lazily ? ledger.get().appendLazily(entry) : ledger.get().append(entry);
    List<CompletableFuture<Long>> futures = captured.get();
    if (futures != null) {
      futures.add(future);
    } else {
      future.whenComplete((index, failure) -> {
        if (failure != null) {
          LOG.error("the ledger did not record {}: {}", entry.kind(), failure.getMessage());
        }
      });
    }
  }

  private static void putText(Map<String, Object> fields, String name, String value) {
    if (value != null && !value.isBlank()) {
      fields.put(name, text(value));
    }
  }

  /** Caller-controlled text, cut to a bounded length. */
  private static String text(String value) {
    return value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT) + "…";
  }
}
