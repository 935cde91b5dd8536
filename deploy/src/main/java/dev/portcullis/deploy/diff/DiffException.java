package dev.portcullis.deploy.diff;

/** A component could not be diffed; the message names the component and what was wrong with it. */
public final class DiffException extends Exception {
  private final DiffErrorCode code;

  DiffException(DiffErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  DiffException(DiffErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** What kind of failure this is. */
  public DiffErrorCode code() {
    return code;
  }
}
