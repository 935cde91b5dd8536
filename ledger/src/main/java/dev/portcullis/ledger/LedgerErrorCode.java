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
  /** Another sequencer holds the ledger's single-sequencer lock. */
  LOCKED,
  /** A write (commit, repair, publishCosigned) was attempted without holding the sequencer lock. */
  NOT_LOCK_HOLDER,
  /** The sequencer's queue is full ({@code maxPending} entries waiting); retry later. */
  BUSY,
  /** An entry to append is empty. */
  EMPTY_ENTRY,
  /** An entry is longer than 65,535 bytes (the uint16 length of an entry bundle). */
  ENTRY_TOO_LARGE,
  /** The sequencer was closed. */
  SEQUENCER_CLOSED,
  /** An earlier commit failed; the sequencer acknowledges nothing more until it is reopened. */
  SEQUENCER_FAILED,
  /** A batch is malformed: size not above the last checkpoint, wrong tile length, tile beyond the size. */
  BAD_BATCH,
  /** A full tile or bundle already stored for a committed tree would be replaced by different bytes. */
  TILE_CONFLICT,
  /** The checkpoint history holds a record that is not a well-formed checkpoint or is out of order. */
  HISTORY_CORRUPT,
  /** A cosigned checkpoint's body differs from the latest checkpoint's body. */
  CHECKPOINT_MISMATCH,
  /** A ledger file is reached through a symbolic link or is not a regular file. */
  UNSAFE_PATH,
  /** An entry bundle inside the checkpointed tree is missing or corrupt and cannot be repaired. */
  BUNDLE_CORRUPT,
  /** On recovery, the latest checkpoint does not verify with the sequencer's key or origin. */
  RECOVERY_CHECKPOINT_INVALID,
  /** On recovery, the root recomputed from storage differs from the latest checkpoint's root. */
  RECOVERY_ROOT_MISMATCH,
  /** A sequencer that lost its lock tried to write: another one published in between; nothing was written. */
  FENCED,
  /** The sequencer refused an entry a replica handed to it (empty, too large). */
  HANDOFF_REFUSED,

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
  /** Not I-JSON (RFC 7493): syntax, UTF-8, a duplicate name, a lone surrogate, a number's range. */
  MALFORMED_JSON,
  /** The entry's bytes are not its RFC 8785 canonical form (order, whitespace, escapes, numbers). */
  ENTRY_NOT_CANONICAL,
  /** The entry's {@code v} is missing, not an integer, or a version this build does not read. */
  UNSUPPORTED_ENTRY_VERSION,
  /** The entry's {@code kind} is missing or is not a well-formed kind name. */
  INVALID_ENTRY_KIND,
  /** A field is missing, has the wrong type or form, or is not allowed for the entry's kind. */
  INVALID_ENTRY_FIELD,
  /** A field is named like a secret or holds a value that looks like a credential; hash it. */
  ENTRY_HOLDS_SECRET,

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
