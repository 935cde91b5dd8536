package dev.portcullis.ledger;

/** A Merkle proof did not verify; {@link #code()} says why, the message says with which numbers. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  private final LedgerErrorCode code;

  ProofException(LedgerErrorCode code, String message) {
    super(code + ": " + message, null, false, false);
    this.code = code;
  }

  public LedgerErrorCode code() {
    return code;
  }
}
