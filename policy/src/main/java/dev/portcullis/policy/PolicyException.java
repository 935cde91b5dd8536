package dev.portcullis.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy bundle or a decision input could not be loaded; {@link #problems()} lists everything wrong. */
public final class PolicyException extends Exception {
  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(summary(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in file order. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  /** The code of the first problem. */
  public PolicyErrorCode code() {
    return problems.get(0).code();
  }

  private static String summary(List<PolicyProblem> problems) {
    return problems.size() + (problems.size() == 1 ? " problem:\n" : " problems:\n")
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
