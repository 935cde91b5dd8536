package dev.portcullis.ledger;

/**
 * Every stable error code of the ledger module, in one enum: the CLI maps them to exit codes, the
 * witness to HTTP statuses, and users' scripts key on their names. Exceptions of this module carry
 * one ({@link LedgerException#code()}, {@link NoteException#code()}, {@link ProofException#code()},
 * {@link TileException#code()}). Names never change once released; new codes are added at the end of
 * their group.
 */
public enum LedgerErrorCode {
  // --- signed notes, keys, checkpoints, cosignatures ---
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
  FUTURE_TIMESTAMP,

  // --- Merkle proofs ---
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
  NEW_ROOT_MISMATCH,

  // --- tiles and storage ---
  /** A hash tile or entry bundle that the tree size requires does not exist. */
  MISSING_TILE,
  /** A tile or bundle has the wrong length for its width. */
  WRONG_TILE_SIZE,

  // --- sequencing and storage (sequencer, file system and PostgreSQL backends, recovery) ---

  // --- reading and verification (readers, verifier, export) ---
  /** A reader refused a path: absolute, with {@code ..}, or a symbolic link leading out of the log. */
  READ_REFUSED,
  /** A ledger file could not be read (I/O error, HTTP status other than 200/404, response too large). */
  READ_FAILED,
  /** The latest checkpoint is missing, not a signed note, or not a well-formed tlog-checkpoint. */
  CHECKPOINT_INVALID,
  /** The latest checkpoint is smaller than one the auditor already trusts (or than one in the history). */
  CHECKPOINT_ROLLBACK,
  /** Two checkpoints of the same log disagree: same size with different roots, or not consistent. */
  FORK,
  /** Fewer trusted witnesses cosigned the latest checkpoint than required. */
  TOO_FEW_WITNESSES,
  /** A checkpoint-history record is malformed, out of order, or not consistent with the latest checkpoint. */
  HISTORY_INCONSISTENT,
  /** An entry bundle does not parse: a length prefix runs past the end, trailing bytes, wrong entry count. */
  ENTRY_BUNDLE_MALFORMED,
  /** A stored hash tile differs from the hashes recomputed from the entries. */
  TILE_MISMATCH,
  /** An evidence export was refused (output directory not empty) or failed. */
  EXPORT_FAILED,

  // --- entries (canonical JSON, kinds) ---

  // --- witness (tlog-witness server and client) ---
}
