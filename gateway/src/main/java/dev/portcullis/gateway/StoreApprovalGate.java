package dev.portcullis.gateway;

import dev.portcullis.store.Approval;
import dev.portcullis.store.ApprovalRepository;
import dev.portcullis.store.SessionTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ApprovalGate} on the store's approvals, shared by every replica: an approved approval
 * for the request's binding is used (once, atomically: two replicas never both use it); a pending
 * one makes the request wait; with neither, a new one is asked for and recorded in the ledger
 * before the requester hears of it.
 */
public final class StoreApprovalGate implements ApprovalGate {
  /** The kind of approvals the gateway asks for. */
  public static final String KIND = "gateway.request";

  /** Ledger entries of the approvals' lives, each durable when its future completes. */
  public interface Events {
    CompletableFuture<?> requested(Approval approval);

    CompletableFuture<?> used(Approval approval, String decisionId);
  }

  private final ApprovalRepository approvals;
  private final Events events;
  private final Clock clock;
  private final Duration recordTimeout;

  public StoreApprovalGate(ApprovalRepository approvals, Events events, Clock clock, Duration recordTimeout) {
    this.approvals = Objects.requireNonNull(approvals, "approvals");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recordTimeout = Objects.requireNonNull(recordTimeout, "recordTimeout");
  }

  @Override
  public Outcome check(Need need) {
    Instant now = clock.instant();
    Optional<Approval> open = approvals.findOpen(KIND, need.binding(), now);
    if (open.isPresent() && open.get().state() == Approval.State.APPROVED) {
      Approval approval = open.get();
      if (approvals.use(approval.id(), need.decisionId(), now)) {
        await(events.used(approval, need.decisionId()), "the use of approval " + approval.id());
        return new Approved(approval.id(), approval.votes().stream().filter(Approval.Vote::approve)
            .map(Approval.Vote::approverSubject).toList());
      }
      open = approvals.findOpen(KIND, need.binding(), now); // used by a concurrent request meanwhile
    }
    if (open.isPresent() && open.get().state() == Approval.State.PENDING) {
      Approval pending = open.get();
      return new Waiting(pending.id(), false, pending.approvals(), pending.required(), pending.expiresAt());
    }
    String id = "apr_" + SessionTokens.newSessionId(now).substring("ses_".length());
    String actor = need.session().binding().actor();
    Approval asked = approvals.create(Approval.pending(id, KIND, need.binding(), need.session().orgAlias(),
        need.session().principal().issuer(), need.session().principal().subject(), actor, need.summary(),
        need.required(), need.eligible(), need.decisionId(), now, now.plus(need.validFor())));
    await(events.requested(asked), "the request for approval " + id);
    return new Waiting(asked.id(), true, 0, asked.required(), asked.expiresAt());
  }

  private void await(CompletableFuture<?> recorded, String what) {
    try {
      recorded.get(recordTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " could not be recorded in the ledger", e);
    } catch (Exception e) {
      throw new IllegalStateException(what + " could not be recorded in the ledger: " + e, e);
    }
  }
}
