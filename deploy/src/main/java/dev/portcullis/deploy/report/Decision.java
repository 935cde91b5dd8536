package dev.portcullis.deploy.report;

import java.util.List;

/** The policy decision on a deployment as a whole, derived from its rules' outcomes. */
public enum Decision {
  /** Policy lets the deployment go ahead. */
  ALLOWED,
  /** At least one rule holds the deployment for approval, and none denies it. */
  HELD,
  /** At least one rule denies the deployment. */
  DENIED,
  /** No policy outcome was given (the report covers the diff or a deployment only). */
  NOT_EVALUATED;

  /**
   * The decision the outcomes add up to: a deny wins over a hold, a hold over an allow; no outcome
   * at all is {@link #NOT_EVALUATED}, never an allow.
   */
  public static Decision of(List<PolicyOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return NOT_EVALUATED;
    }
    boolean held = false;
    for (PolicyOutcome outcome : outcomes) {
      switch (outcome.effect()) {
        case DENY -> {
          return DENIED;
        }
        case HOLD_FOR_APPROVAL -> held = true;
        case ALLOW -> { }
      }
    }
    return held ? HELD : ALLOWED;
  }

  /** {@code allowed}, {@code held}, {@code denied} or {@code not evaluated}, as the report prints it. */
  public String text() {
    return switch (this) {
      case ALLOWED -> "allowed";
      case HELD -> "held";
      case DENIED -> "denied";
      case NOT_EVALUATED -> "not evaluated";
    };
  }
}
