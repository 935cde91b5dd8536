package dev.portcullis.cli;

/** A failure a subcommand reports to the user: a message and the exit code it maps to. */
final class CliException extends RuntimeException {
  private final ExitCode exitCode;

  CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
