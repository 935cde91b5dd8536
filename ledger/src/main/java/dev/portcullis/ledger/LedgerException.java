package dev.portcullis.ledger;

import java.util.Objects;

/**
 * A ledger operation failed: storage, sequencing, verification or witnessing. The {@link #code()} is
 * stable; the message says what was wrong and where (which file, which entry, what was expected).
 */
public class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final LedgerErrorCode code;

  public LedgerException(LedgerErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public LedgerException(LedgerErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public LedgerErrorCode code() {
    return code;
  }
}
