package dev.portcullis.certs.rotate;

import java.util.Objects;

/** A rotation could not be planned or could not go on; the code says how, the message what and where. */
public final class RotationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Stable error codes of certificate rotation. */
  public enum Code {
    /** No certificate of the org has the fingerprint (or prefix) given, or the prefix names several. */
    NOT_FOUND,
    /** The certificate cannot be rotated here (not an org Certificate, a consumer of an unknown kind, …). */
    NOT_ROTATABLE,
    /** The org could not be asked (transport, session, limits): run the rotation again later; it resumes. */
    ORG_UNAVAILABLE,
    /** The org refused a deploy (upload, a consumer's switch, the retirement). */
    DEPLOY_FAILED,
    /** After the switch, the org does not show what it should: consumers still on the old certificate. */
    VERIFY_FAILED,
    /** The new certificate's name is taken by a different certificate in the org. */
    NAME_TAKEN,
    /** The new certificate could not be issued. */
    ISSUE_FAILED,
    /** The rotation's state file cannot be read or written. */
    STATE_UNREADABLE,
    /** A step's ledger entry was not acknowledged; the step is done and its entry is written on the next run. */
    NOT_RECORDED,
    /** A fault injected by a test. */
    INJECTED
  }

  private final Code code;

  public RotationException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public RotationException(Code code, String message) {
    this(code, message, null);
  }

  public Code code() {
    return code;
  }
}
