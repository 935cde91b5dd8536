package dev.portcullis.cli;

import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.Problem;
import java.util.stream.Collectors;

/** Formats configuration problems for people. */
final class Problems {
  private Problems() {}

  static CliException asCliException(ConfigException e) {
    long errors = e.problems().stream().filter(Problem::isError).count();
    String list = e.problems().stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    return new CliException(
        ExitCode.USAGE,
        "the configuration has " + errors + (errors == 1 ? " problem" : " problems") + ":\n" + list);
  }
}
