package dev.portcullis.deploy.report;

import java.util.Locale;
import java.util.Objects;

/**
 * What one deploy policy rule decided about a deployment, as the findings report shows it: the rule,
 * its effect, its reason, and for a hold what approval it needs.
 *
 * @param ruleId the rule's id in the policy bundle, e.g. {@code deploy.dangerous-grant-needs-approval};
 *     the SARIF rule is {@code policy/<ruleId>}
 * @param effect what the rule decided
 * @param reason the rule's reason, as the bundle words it
 * @param approvalsRequired for {@link Effect#HOLD_FOR_APPROVAL}, how many distinct approvals release the
 *     hold (at least 1); 0 for the other effects
 * @param approvers for {@link Effect#HOLD_FOR_APPROVAL}, who may approve (a group or role, e.g.
 *     {@code identity.approvers}); {@code ""} for the other effects
 */
public record PolicyOutcome(String ruleId, Effect effect, String reason, int approvalsRequired, String approvers) {

  /** A rule's effect on the deployment. */
  public enum Effect {
    /** The rule lets the deployment go ahead. */
    ALLOW,
    /** The deployment waits for approvals. */
    HOLD_FOR_APPROVAL,
    /** The deployment is refused; no approval releases it. */
    DENY;

    /** {@code allow}, {@code hold-for-approval} or {@code deny}, as policies and JSON spell it. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public PolicyOutcome {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(approvers, "approvers");
    if (ruleId.isBlank()) {
      throw new IllegalArgumentException("a policy outcome needs the id of its rule");
    }
    if (effect == Effect.HOLD_FOR_APPROVAL) {
      if (approvalsRequired < 1) {
        throw new IllegalArgumentException(
            "rule " + ruleId + ": a hold needs at least 1 approval, not " + approvalsRequired);
      }
      if (approvers.isBlank()) {
        throw new IllegalArgumentException("rule " + ruleId + ": a hold must say who may approve");
      }
    } else if (approvalsRequired != 0 || !approvers.isEmpty()) {
      throw new IllegalArgumentException(
          "rule " + ruleId + ": only a hold asks for approvals (effect " + effect.id() + ")");
    }
  }

  /** The rule lets the deployment go ahead. */
  public static PolicyOutcome allow(String ruleId, String reason) {
    return new PolicyOutcome(ruleId, Effect.ALLOW, reason, 0, "");
  }

  /** The rule refuses the deployment. */
  public static PolicyOutcome deny(String ruleId, String reason) {
    return new PolicyOutcome(ruleId, Effect.DENY, reason, 0, "");
  }

  /** The rule holds the deployment until {@code approvalsRequired} people from {@code approvers} approve it. */
  public static PolicyOutcome hold(String ruleId, String reason, int approvalsRequired, String approvers) {
    return new PolicyOutcome(ruleId, Effect.HOLD_FOR_APPROVAL, reason, approvalsRequired, approvers);
  }
}
