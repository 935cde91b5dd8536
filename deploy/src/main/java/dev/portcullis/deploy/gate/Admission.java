package dev.portcullis.deploy.gate;

import dev.portcullis.store.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What the {@link DeployGatekeeper} said to a deployment, already stored and recorded in the ledger. */
public sealed interface Admission {

  /** The deployment as stored (for a refusal that could not be stored, as it would have been). */
  Deployment deployment();

  /**
   * The deployment may be forwarded to Salesforce.
   *
   * @param approvalId the approval it used, or null when policy asked for none
   * @param approvers the subjects who approved it
   */
  record Admitted(Deployment deployment, String approvalId, List<String> approvers) implements Admission {
    public Admitted {
      Objects.requireNonNull(deployment, "deployment");
      approvers = List.copyOf(approvers);
    }
  }

  /**
   * Policy denied it, or something failed on the way (fail closed).
   *
   * @param reason what was wrong
   * @param rules the rules that denied it (empty when no rule did)
   */
  record Refused(Deployment deployment, String reason, List<String> rules) implements Admission {
    public Refused {
      Objects.requireNonNull(deployment, "deployment");
      Objects.requireNonNull(reason, "reason");
      rules = List.copyOf(rules);
    }
  }

  /**
   * Policy allows it once approved; it was not forwarded.
   *
   * @param approvalId the approval to vote on
   * @param requested whether this attempt asked for it (false: it was pending already)
   * @param votes approving votes so far
   * @param required approving votes needed
   */
  record Held(Deployment deployment, String approvalId, boolean requested, long votes, int required,
      Instant expiresAt) implements Admission {
    public Held {
      Objects.requireNonNull(deployment, "deployment");
      Objects.requireNonNull(approvalId, "approvalId");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }
}
