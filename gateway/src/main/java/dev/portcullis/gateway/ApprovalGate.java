package dev.portcullis.gateway;

import dev.portcullis.store.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the gateway asks about approvals when policy attaches {@code require_approval} to a request
 * it allows: the request runs only on an approval granted for exactly that request (same org,
 * principal, method, path, query and body), used once. Anything the gate cannot answer denies.
 */
public interface ApprovalGate {

  /**
   * What needs approving.
   *
   * @param decisionId the decision that asks
   * @param session the requesting session (its principal and org are the requester's)
   * @param binding lower-case hex SHA-256 of the canonical request, see {@link ApprovalBinding}
   * @param summary one line for approvers: method, path, classification; never a token or record data
   * @param required how many distinct people must approve
   * @param eligible who may approve (policy's {@code from}); empty: any configured approver
   * @param validFor how long an approval may wait to be granted and used
   */
  record Need(String decisionId, Session session, String binding, String summary, int required,
      List<String> eligible, Duration validFor) {
    public Need {
      eligible = List.copyOf(eligible);
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(binding, "binding");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(validFor, "validFor");
    }
  }

  /** The gate's answer. */
  sealed interface Outcome permits Approved, Waiting {}

  /** An approval for this very request was granted and is now used by this decision. */
  record Approved(String approvalId, List<String> approvers) implements Outcome {
    public Approved {
      approvers = List.copyOf(approvers);
    }
  }

  /**
   * No granted approval: one is pending (asked for by this request when {@code requested}, or by an
   * identical earlier one) with {@code approvals} of {@code required} votes, until {@code expiresAt}.
   */
  record Waiting(String approvalId, boolean requested, long approvals, int required, Instant expiresAt)
      implements Outcome {}

  /**
   * @throws RuntimeException when approvals cannot be read or asked for: the request is denied
   */
  Outcome check(Need need);

  /** No approvals service: every request under {@code require_approval} is denied. */
  ApprovalGate NONE = need -> {
    throw new IllegalStateException("this gateway has no approvals service");
  };
}
