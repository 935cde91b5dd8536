package dev.portcullis.deploy.report;

import java.util.Objects;

/** A failure of the findings report, with its stable {@link ReportErrorCode}. */
public final class ReportException extends Exception {
  private final ReportErrorCode code;

  public ReportException(ReportErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What went wrong, as a stable code. */
  public ReportErrorCode code() {
    return code;
  }
}
