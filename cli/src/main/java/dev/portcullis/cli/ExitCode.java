package dev.portcullis.cli;

/** The exit codes every subcommand uses (CONVENTIONS.md, "Errors"). */
public enum ExitCode {
  OK(0),
  DENIED(1),
  USAGE(2),
  VERIFICATION_FAILED(3),
  UNAVAILABLE(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
