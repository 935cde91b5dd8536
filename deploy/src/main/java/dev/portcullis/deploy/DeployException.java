package dev.portcullis.deploy;

import java.util.Objects;

/** A deployment step that failed, with a code and a message naming what was wrong. */
public final class DeployException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final DeployErrorCode code;

  public DeployException(DeployErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public DeployException(DeployErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public DeployErrorCode code() {
    return code;
  }
}
