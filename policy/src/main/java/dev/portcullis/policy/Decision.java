package dev.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * The answer of a policy bundle to one {@link DecisionInput}. Deny overrides allow; nothing matched
 * means deny. See docs/POLICY.md, "Effects and how rules combine".
 *
 * @param effect allow or deny
 * @param matchedRules the ids of every rule whose condition was true, allow and deny, in bundle order
 * @param reasons why, for people: the reasons of the rules that decided, or why nothing did
 * @param obligations merged obligations of the rules that decided (on allow, of every matched rule;
 *     on deny, of the matched deny rules)
 * @param sessionLimits the smallest max TTL and the granted scopes
 * @param errors rules whose condition failed to evaluate; none of them matched, and an erroring
 *     deny rule counts against the decision (fail closed)
 * @param bundleHash SHA-256 (lowercase hex) of the bundle in force
 */
public record Decision(
    Effect effect,
    List<String> matchedRules,
    List<String> reasons,
    List<Obligation> obligations,
    SessionLimits sessionLimits,
    List<RuleError> errors,
    String bundleHash) {

  public enum Effect {
    ALLOW,
    DENY;

    /** {@code allow} or {@code deny}, as policy files write it. */
    public String word() {
      return this == ALLOW ? "allow" : "deny";
    }
  }

  /** A rule whose condition could not be evaluated, and why. */
  public record RuleError(String ruleId, String message) {
    public RuleError {
      Objects.requireNonNull(ruleId, "ruleId");
      Objects.requireNonNull(message, "message");
    }
  }

  public Decision {
    Objects.requireNonNull(effect, "effect");
    matchedRules = List.copyOf(matchedRules);
    reasons = List.copyOf(reasons);
    obligations = List.copyOf(obligations);
    Objects.requireNonNull(sessionLimits, "sessionLimits");
    errors = List.copyOf(errors);
    Objects.requireNonNull(bundleHash, "bundleHash");
  }

  public boolean allowed() {
    return effect == Effect.ALLOW;
  }
}
