package dev.portcullis.ledger;

import java.util.Objects;

/**
 * A signed note, key, checkpoint or cosignature that is malformed or does not verify, with a
 * stable {@link LedgerErrorCode} and a message that says what was wrong and where (which line, which key).
 */
public final class NoteException extends RuntimeException {

  private final LedgerErrorCode code;

  public NoteException(LedgerErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public LedgerErrorCode code() {
    return code;
  }
}
