package dev.portcullis.policy;

import java.util.Optional;

/**
 * Where a decision is asked for, and so which rules take part and which variables they see
 * (docs/POLICY.md, "Decision points"). A rule names its point with {@code on:}; without it, a rule
 * is an access rule.
 */
public enum DecisionPoint {
  /**
   * The broker's session exchange and each gateway request: variables {@code principal},
   * {@code session}, {@code request}, {@code org}, {@code risk}, {@code now}, {@code params}.
   */
  ACCESS("access"),
  /**
   * A metadata deployment: variables {@code principal}, {@code org}, {@code deploy}, {@code git},
   * {@code approvals}, {@code now}, {@code params}.
   */
  DEPLOY("deploy");

  private final String word;

  DecisionPoint(String word) {
    this.word = word;
  }

  /** The point as policy files write it ({@code on: deploy}). */
  public String word() {
    return word;
  }

  /** The point a policy file's word names. */
  public static Optional<DecisionPoint> of(String word) {
    for (DecisionPoint point : values()) {
      if (point.word.equals(word)) {
        return Optional.of(point);
      }
    }
    return Optional.empty();
  }
}
