package dev.portcullis.ledger;

import java.util.Objects;

/**
 * A signed note, key, checkpoint or cosignature that is malformed or does not verify, with a
 * stable {@link Code} and a message that says what was wrong and where (which line, which key).
 */
public final class NoteException extends RuntimeException {

  /** Stable error codes; the CLI, the witness and users' scripts key on them. */
  public enum Code {
    /** The note is not a well-formed C2SP signed note (encoding, layout, a signature line). */
    MALFORMED_NOTE,
    /** The note exceeds the size or signature-count limits. */
    NOTE_TOO_LARGE,
    /** A verifier key (vkey) or private key string is malformed or its key ID does not match. */
    MALFORMED_KEY,
    /** The key uses a signature type this implementation does not support. */
    UNSUPPORTED_KEY_TYPE,
    /** The note text is not a well-formed C2SP tlog-checkpoint body. */
    MALFORMED_CHECKPOINT,
    /** A signature by a known key failed to verify: the note was altered or signed by another key. */
    BAD_SIGNATURE,
    /** Fewer signatures by known keys verified than required. */
    UNVERIFIED,
    /** Two different known keys share the same name and key ID. */
    AMBIGUOUS_KEY,
    /** A cosignature is dated later than the verifier's clock allows. */
    FUTURE_TIMESTAMP
  }

  private final Code code;

  public NoteException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public Code code() {
    return code;
  }
}
