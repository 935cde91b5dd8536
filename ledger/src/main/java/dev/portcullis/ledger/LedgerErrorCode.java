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

  // --- entries (canonical JSON, kinds) ---

  // --- witness (tlog-witness server and client) ---
  /** An add-checkpoint request body is not in the C2SP tlog-witness form (HTTP 400). */
  MALFORMED_WITNESS_REQUEST,
  /** An add-checkpoint request or a witness response exceeds its size limit. */
  WITNESS_MESSAGE_TOO_LARGE,
  /** The witness is not configured for the checkpoint's origin (HTTP 404). */
  UNKNOWN_LOG,
  /** No trusted log key verifies the checkpoint, or a trusted key's signature fails (HTTP 403). */
  LOG_SIGNATURE_INVALID,
  /** The request's old size is larger than the checkpoint's size (HTTP 400). */
  OLD_SIZE_TOO_LARGE,
  /** The request's old size is not the size the witness last cosigned (HTTP 409). */
  OLD_SIZE_CONFLICT,
  /** The consistency proof does not prove the checkpoint extends the witnessed tree (HTTP 422). */
  INCONSISTENT_CHECKPOINT,
  /** Same size as the witnessed checkpoint but another root hash: a fork (HTTP 422). */
  FORKED_CHECKPOINT,
  /** A witness state file is unreadable or malformed; the witness refuses to start. */
  WITNESS_STATE_CORRUPT,
  /** The witness state could not be read or written durably. */
  WITNESS_STATE_IO,
  /** A witness could not be reached, timed out or answered with a server error. */
  WITNESS_UNAVAILABLE,
  /** A witness answered with a client error status: it refused the checkpoint. */
  WITNESS_REFUSED,
  /** A witness's response is malformed or its cosignature does not verify with its key. */
  WITNESS_RESPONSE_INVALID,
}
