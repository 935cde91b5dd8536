package dev.portcullis.server.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration has at least one error; {@link #problems()} lists every problem found. */
public final class ConfigException extends Exception {
  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, errors and warnings, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String describe(List<Problem> problems) {
    long errors = problems.stream().filter(Problem::isError).count();
    return errors
        + (errors == 1 ? " configuration error" : " configuration errors")
        + ":\n"
        + problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
