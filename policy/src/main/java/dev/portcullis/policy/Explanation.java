package dev.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * A decision with the story of every rule: which matched, which did not and why, which failed.
 * Slower than {@link PolicyBundle#decide}; meant for {@code portcullis policy eval} and tests.
 */
public record Explanation(Decision decision, List<RuleOutcome> rules) {
  public Explanation {
    Objects.requireNonNull(decision, "decision");
    rules = List.copyOf(rules);
  }

  public enum Result {
    MATCHED,
    NOT_MATCHED,
    ERROR
  }

  /**
   * One rule's outcome.
   *
   * @param ruleId the rule
   * @param effect what the rule says when it matches
   * @param location {@code FILE:LINE} of the rule
   * @param result matched, not matched, or failed to evaluate
   * @param detail for a rule that did not match, which top-level condition ({@code a && b && c})
   *     was false, or that the whole condition was; for an error, the error; empty when matched
   */
  public record RuleOutcome(String ruleId, Decision.Effect effect, String location, Result result, String detail) {}
}
