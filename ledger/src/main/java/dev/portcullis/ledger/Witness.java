package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A C2SP tlog-witness: checks {@code add-checkpoint} requests and cosigns checkpoints that are
 * consistent with everything it cosigned before (c2sp.org/tlog-witness, section "add-checkpoint";
 * cosignatures per c2sp.org/tlog-cosignature, {@code cosignature/v1}, Ed25519 with timestamp).
 *
 * <h2>Design note</h2>
 *
 * <p><b>Checks, in the spec's order.</b> The checkpoint's origin must be a configured log (else 404);
 * a trusted log key must verify it and no trusted key's signature may fail (else 403); the old size
 * must not exceed the checkpoint's size (else 400); a size-0 checkpoint must carry the empty tree's
 * root (else 422); the old size must equal the size this witness last cosigned for the origin, 0 if
 * none (else 409, with that size); with old size 0 the proof must be empty (else 422); at equal
 * sizes the root must equal the cosigned root (else 422: a fork); otherwise the RFC 6962 consistency
 * proof must lead from the <em>stored</em> root to the checkpoint's root (else 422). The stored root,
 * not anything the client sends, anchors the proof, so a fork or rollback can never be cosigned.
 *
 * <p><b>Spec versions.</b> tlog-witness v1.0.0 answers a same-size different-root checkpoint with
 * 409; the current draft answers 422, as do we: a 409 carries a size to retry from, and retrying
 * cannot fix a fork. {@link WitnessClient} accepts both.
 *
 * <p><b>Atomic check-and-persist.</b> The spec requires that checking the old size and recording
 * the new one be atomic, or two requests could roll the witness back. Each origin has its own
 * monitor; the check, the durable {@link WitnessState#update} and the signature all happen while
 * holding it. Different logs do not wait for each other. The state is written before the
 * cosignature is returned ("MUST persist the new checkpoint before responding").
 *
 * <p><b>Timestamps</b> come from the injected clock but never go backwards: each cosignature is
 * dated at least as late as the latest one this witness ever issued (kept in the state), so a clock
 * stepped back cannot make a newer cosignature look older than an earlier one.
 */
public final class Witness {

  /** The outcome of one {@code add-checkpoint} request. */
  public sealed interface Response {
    /** The HTTP status the spec assigns to this outcome. */
    int status();

    /** The response body. */
    String body();

    /** The response Content-Type. */
    String contentType();

    /** 200: the cosignature lines, each ending in a newline. */
    record Cosigned(List<NoteSignature> signatures) implements Response {
      public Cosigned {
        signatures = List.copyOf(signatures);
      }

      @Override
      public int status() {
        return 200;
      }

      @Override
      public String body() {
        StringBuilder out = new StringBuilder();
        signatures.forEach(signature -> out.append(signature.line()).append('\n'));
        return out.toString();
      }

      @Override
      public String contentType() {
        return "text/plain; charset=utf-8";
      }
    }

    /** 409: the old size is not the size the witness last cosigned, which is {@code knownSize}. */
    record Conflict(long knownSize) implements Response {
      /** The media type the spec requires for the known size. */
      public static final String CONTENT_TYPE = "text/x.tlog.size";

      @Override
      public int status() {
        return 409;
      }

      @Override
      public String body() {
        return knownSize + "\n";
      }

      @Override
      public String contentType() {
        return CONTENT_TYPE;
      }
    }

    /**
     * 400, 403, 404, 413 or 422, or 500 when the state cannot be written: nothing was cosigned.
     * The message is for the witness's log; a 500's body does not repeat it (it names local files).
     */
    record Rejected(int status, LedgerErrorCode code, String message) implements Response {
      @Override
      public String body() {
        return code + ": " + (status >= 500
            ? "the witness cannot record checkpoints right now; nothing was cosigned" : message)
            + "\n";
      }

      @Override
      public String contentType() {
        return "text/plain; charset=utf-8";
      }
    }
  }

  private final Cosigner key;
  private final Map<String, List<NoteVerifier>> logs;
  private final Map<String, Object> locks = new HashMap<>();
  private final WitnessState state;
  private final Clock clock;
  private final AtomicLong latestTimestamp;

  /**
   * @param key the witness's cosigning key
   * @param logs per log origin, the keys trusted to sign its checkpoints
   * @param state the durable record of what was cosigned
   * @param clock the source of cosignature timestamps
   */
  public Witness(Cosigner key, Map<String, List<NoteVerifier>> logs, WitnessState state,
      Clock clock) {
    this.key = Objects.requireNonNull(key, "key");
    this.state = Objects.requireNonNull(state, "state");
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, List<NoteVerifier>> copy = new HashMap<>();
    logs.forEach((origin, verifiers) -> {
      if (verifiers.isEmpty()) {
        throw new IllegalArgumentException("log '" + origin + "' has no trusted key");
      }
      copy.put(origin, List.copyOf(verifiers));
      locks.put(origin, new Object());
    });
    this.logs = Map.copyOf(copy);
    this.latestTimestamp = new AtomicLong(state.latestTimestamp());
  }

  /** The key that verifies this witness's cosignatures. */
  public CosignatureVerifier verifier() {
    return key.verifier();
  }

  /** Parses a request body and handles it; a malformed body gets a 400 {@link Response.Rejected}. */
  public Response addCheckpoint(byte[] body) {
    AddCheckpointRequest request;
    try {
      request = AddCheckpointRequest.parse(body);
    } catch (LedgerException e) {
      return new Response.Rejected(
          e.code() == LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE ? 413 : 400, e.code(),
          e.getMessage());
    }
    return addCheckpoint(request);
  }

  /** Checks {@code request} and, if every check passes, records and cosigns its checkpoint. */
  public Response addCheckpoint(AddCheckpointRequest request) {
    Checkpoint checkpoint = request.parsedCheckpoint();
    String origin = checkpoint.origin();
    List<NoteVerifier> trusted = logs.get(origin);
    if (trusted == null) {
      return reject(404, LedgerErrorCode.UNKNOWN_LOG, "this witness does not witness log '"
          + origin + "'");
    }
    try {
      request.checkpoint().verify(trusted);
    } catch (NoteException e) {
      return reject(403, LedgerErrorCode.LOG_SIGNATURE_INVALID, "checkpoint of log '" + origin
          + "' is not signed by a trusted key: " + e.getMessage());
    }
    long size = checkpoint.size();
    long oldSize = request.oldSize();
    if (oldSize > size) {
      return reject(400, LedgerErrorCode.OLD_SIZE_TOO_LARGE, "old size " + oldSize
          + " is larger than the checkpoint's size " + size);
    }
    Hash root = Hash.of(checkpoint.rootHash());
    if (size == 0 && !root.equals(MerkleHash.empty())) {
      return reject(422, LedgerErrorCode.INCONSISTENT_CHECKPOINT,
          "checkpoint of size 0 does not carry the empty tree's root hash");
    }
    synchronized (locks.get(origin)) {
      Optional<WitnessState.Entry> latest = state.latest(origin);
      long knownSize = latest.map(WitnessState.Entry::size).orElse(0L);
      if (oldSize != knownSize) {
        return new Response.Conflict(knownSize);
      }
      String problem = consistencyProblem(request, latest, root, size);
      if (problem != null) {
        boolean fork = problem.startsWith("fork");
        return reject(422, fork ? LedgerErrorCode.FORKED_CHECKPOINT
            : LedgerErrorCode.INCONSISTENT_CHECKPOINT, problem);
      }
      long timestamp = latestTimestamp.accumulateAndGet(clock.instant().getEpochSecond(), Math::max);
      try {
        state.update(origin, new WitnessState.Entry(size, root, timestamp));
      } catch (LedgerException e) {
        return reject(500, e.code(), e.getMessage());
      }
      byte[] signature = key.sign(checkpoint.text().getBytes(UTF_8), timestamp);
      List<NoteSignature> lines = new ArrayList<>();
      lines.add(NoteSignature.of(key.name(), key.keyId(), signature));
      return new Response.Cosigned(lines);
    }
  }

  /** Why the checkpoint does not extend what was cosigned, or null; "fork…" for a fork. */
  private static String consistencyProblem(AddCheckpointRequest request,
      Optional<WitnessState.Entry> latest, Hash root, long size) {
    long oldSize = request.oldSize();
    List<Hash> proof = request.consistencyProof();
    if (oldSize == size) {
      if (!proof.isEmpty()) {
        return "consistency proof must be empty when the old size equals the checkpoint's size";
      }
      if (latest.isPresent() && !latest.get().root().equals(root)) {
        return "fork: checkpoint of size " + size + " has root " + root.base64()
            + " but this witness cosigned root " + latest.get().root().base64() + " at that size";
      }
      return null;
    }
    if (oldSize == 0) {
      return proof.isEmpty() ? null
          : "consistency proof must be empty when the old size is 0, it has " + proof.size()
              + " hashes";
    }
    try {
      MerkleProofs.verifyConsistency(oldSize, size, proof, latest.orElseThrow().root(), root);
      return null;
    } catch (ProofException e) {
      return "consistency proof from size " + oldSize + " to " + size + " does not verify: "
          + e.getMessage();
    }
  }

  private static Response reject(int status, LedgerErrorCode code, String message) {
    return new Response.Rejected(status, code, message);
  }
}
