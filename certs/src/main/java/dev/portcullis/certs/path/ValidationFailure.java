package dev.portcullis.certs.path;

import java.util.Objects;

/**
 * One reason a path was refused: a stable {@link FailureCode}, the certificate it concerns (by
 * subject, or "leaf"), and a message saying what was wrong.
 */
public record ValidationFailure(FailureCode code, String certificate, String message) {
  public ValidationFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return code + " (" + certificate + "): " + message;
  }
}
