package dev.portcullis.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Approvals asked for by policy. The store keeps each approval's state consistent under concurrent
 * voters and users on any replica: a vote and a use are single conditional updates, so two replicas
 * can never both use one approval, and a vote on an approval that is no longer pending changes
 * nothing.
 */
public interface ApprovalRepository {

  /**
   * Stores a new pending approval.
   *
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when its id is taken
   * @throws IllegalArgumentException when it is not pending or has votes
   */
  Approval create(Approval approval);

  Optional<Approval> findById(String id);

  /**
   * The newest approval of {@code kind} for {@code binding} that is still open at {@code now}:
   * pending or approved, not used, not expired.
   */
  Optional<Approval> findOpen(String kind, String binding, Instant now);

  /** Approvals, newest first, at most {@code limit}; only those in {@code state} when it is not null. */
  List<Approval> list(Approval.State state, int limit);

  /** What a vote did. */
  enum VoteOutcome {
    /** The vote was stored; the approval is still pending (more approvers needed). */
    RECORDED,
    /** The vote was stored and completed the approval. */
    APPROVED,
    /** The vote was stored and denied the approval (one denial is enough). */
    DENIED,
    /** No such approval. */
    NOT_FOUND,
    /** The approval is no longer pending (approved, denied or used) or has expired; nothing changed. */
    CLOSED,
    /** This approver has voted on it already; nothing changed. */
    ALREADY_VOTED
  }

  /**
   * Casts a vote on a pending, unexpired approval. Separation of duties (an approver is not the
   * requester) is the caller's to check before voting; the store only enforces one vote per approver.
   */
  VoteOutcome vote(String id, Approval.Vote vote, Instant now);

  /**
   * Uses an approved, unexpired, unused approval: marks it used by {@code decisionId}.
   *
   * @return true when this call used it; false when it was not approved, already used, or expired
   */
  boolean use(String id, String decisionId, Instant now);
}
