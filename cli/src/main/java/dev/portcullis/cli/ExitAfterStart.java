package dev.portcullis.cli;

import picocli.CommandLine.Option;

/** {@code --exit}: leave once the work is done instead of serving until Ctrl-C. */
final class ExitAfterStart {
  @Option(names = "--exit", description = "Leave after starting (and, for demo, after the tour) instead of serving until Ctrl-C.")
  boolean exit;
}
