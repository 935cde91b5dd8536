package dev.portcullis.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one decision is about: an access input ({@link DecisionInput}: a session exchange or a
 * gateway request) or a deploy input ({@link DeployInput}: a metadata deployment).
 */
public sealed interface PolicyInput permits DecisionInput, DeployInput {
  /** The decision point this input is for. */
  DecisionPoint point();

  /** The time of the decision. */
  Instant now();

  /**
   * Reads an input document (JSON or YAML). A document with a top-level {@code deploy}, {@code git}
   * or {@code approvals} key is a deploy input ({@link DeployInput#parse}); any other is an access
   * input ({@link DecisionInput#parse}).
   *
   * @param file the name used in problems
   * @param defaultNow the time when the document has no {@code now}
   * @throws PolicyException listing every problem with its line and column
   */
  static PolicyInput parse(String text, String file, Instant defaultNow) throws PolicyException {
    return parse(text, file, defaultNow, Optional.empty());
  }

  /**
   * Reads an input document for {@code point}, or, when empty, for the point its keys select (see
   * {@link #parse(String, String, Instant)}).
   */
  static PolicyInput parse(String text, String file, Instant defaultNow, Optional<DecisionPoint> point)
      throws PolicyException {
    List<PolicyProblem> problems = new ArrayList<>();
    Optional<PolicyInput> input = PolicyYaml.compose(file, text, problems)
        .flatMap(root -> BundleLoader.readInput(root.yaml(), root.node(), defaultNow, point));
    if (input.isEmpty() || !problems.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add(new PolicyProblem(file, 0, 0, PolicyErrorCode.INVALID_VALUE, "not a decision input"));
      }
      throw new PolicyException(problems);
    }
    return input.get();
  }
}
