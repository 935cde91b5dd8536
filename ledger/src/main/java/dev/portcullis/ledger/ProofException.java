package dev.portcullis.ledger;

/** A Merkle proof did not verify; {@link #reason()} says why, the message says with which numbers. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Stable reasons a proof fails. */
  public enum Reason {
    /** Inclusion: the leaf index is not below the tree size. */
    INDEX_OUT_OF_RANGE,
    /** Consistency: the old tree is bigger than the new one. */
    SIZE_ORDER,
    /** The proof has more or fewer hashes than the sizes/index require. */
    WRONG_PROOF_LENGTH,
    /** Inclusion: the proof leads to another root. */
    ROOT_MISMATCH,
    /** Consistency: the proof does not lead to the old tree's root. */
    OLD_ROOT_MISMATCH,
    /** Consistency: the proof does not lead to the new tree's root. */
    NEW_ROOT_MISMATCH
  }

  private final Reason reason;

  ProofException(Reason reason, String message) {
    super(reason + ": " + message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
