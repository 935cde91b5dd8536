package dev.portcullis.certs.source;

import java.util.Objects;

/** Certificates could not be loaded from a file, keystore or endpoint; the message names which and why. */
public final class SourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Stable reasons (CONVENTIONS.md, "Errors"): scripts and the CLI's exit codes key on them. */
  public enum Reason {
    /** The file does not exist or cannot be read. */
    UNREADABLE,
    /** The bytes are not what they claim to be: no certificate, a broken block, an unknown keystore format. */
    MALFORMED,
    /** The keystore password is missing or wrong (the password itself is never part of a message). */
    WRONG_PASSWORD,
    /** The endpoint could not be reached or did not complete a handshake. */
    UNAVAILABLE
  }

  private final Reason reason;

  SourceException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  SourceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
