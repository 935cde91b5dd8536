package dev.portcullis.ledger;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Verifies a whole C2SP tlog-tiles log, as an auditor would: every entry, every stored hash, the signed checkpoint
 * and the checkpoint history.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Order.</b> (1) The latest {@value LedgerReader#CHECKPOINT} must be a C2SP signed note with a valid
 * signature by one of the log keys and a well-formed C2SP tlog-checkpoint body of the expected origin; without it
 * nothing else can be checked, so any problem here ends verification. (2) Witness cosignatures (C2SP
 * tlog-cosignature/v1) on it, at least k by the given witnesses. (3) A checkpoint the auditor already trusts must
 * not be larger (rollback) nor, at the same size, have another root (fork). (4) The tree, see
 * {@link TreeVerification}: every entry bundle is parsed, its leaf hashes (RFC 9162 §2.1.1) are compared byte for
 * byte with the level-0 tile, upper tiles are compared with hashes recomputed from below, and the root computed
 * from the entries must be the checkpoint's. (5) The trusted checkpoint must be consistent with the latest (RFC
 * 9162 §2.1.4 proof over the now verified tiles). (6) Each record of {@value LedgerReader#CHECKPOINT_HISTORY}
 * must verify, sizes must never decrease, equal sizes must have equal roots, each must be consistent with the
 * latest checkpoint, and the latest checkpoint's body must be among them (every published checkpoint is; this
 * also catches a history cut short or a damaged length that would make the rest look like a torn last record). Consistency proofs are built from the stored tiles, so they are checked only when the tree
 * verified; otherwise the tree's problems are what is reported.
 *
 * <p><b>Reporting.</b> Problems are reported in that order, and within the tree in increasing entry (tile) index,
 * whatever the number of threads: results are consumed in index order. By default verification stops at the
 * first problem; {@link Builder#stopAtFirstProblem(boolean) stopAtFirstProblem(false)} collects up to
 * {@value #MAX_PROBLEMS}. Storage failures are problems too ({@link LedgerErrorCode#READ_FAILED}), so
 * {@link #verify()} answers rather than throws for anything the log contains.
 */
public final class LedgerVerifier {
  /** The most problems one verification collects. */
  public static final int MAX_PROBLEMS = 1000;
  /** History records whose signatures are checked together. */
  static final int HISTORY_CHUNK = 1024;

  private final LedgerReader reader;
  private final List<NoteVerifier> logKeys;
  private final String origin;
  private final byte[] trustedCheckpoint;
  private final List<CosignatureVerifier> witnesses;
  private final int witnessQuorum;
  private final boolean verifyHistory;
  private final int threads;
  private final LongConsumer progress;
  private final boolean stopAtFirst;

  private LedgerVerifier(Builder b) {
    this.reader = b.reader;
    this.logKeys = b.logKeys;
    this.origin = b.origin;
    this.trustedCheckpoint = b.trustedCheckpoint;
    this.witnesses = b.witnesses;
    this.witnessQuorum = b.witnessQuorum;
    this.verifyHistory = b.verifyHistory;
    this.threads = b.threads;
    this.progress = b.progress;
    this.stopAtFirst = b.stopAtFirst;
  }

  /** A verifier of the log {@code reader} reads, whose checkpoints are signed by one of {@code logKeys}. */
  public static Builder builder(LedgerReader reader, List<? extends NoteVerifier> logKeys) {
    return new Builder(reader, logKeys);
  }

  /**
   * One thing wrong with the log.
   *
   * @param code the stable error code
   * @param path the file it was found in ({@code checkpoint}, {@code tile/0/x001/234}, …), or "" if none
   * @param index the entry index for level-0 tiles and bundles, the hash index at that level for upper tiles, the
   *     record number for the checkpoint history; −1 if not applicable
   * @param expected what the file should have held (hex for hashes), or "" if not applicable
   * @param found what it held or what was recomputed, or ""
   * @param message the whole story, for a person
   */
  public record Problem(LedgerErrorCode code, String path, long index, String expected, String found,
      String message) {
    public Problem {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(found, "found");
      Objects.requireNonNull(message, "message");
    }

    static Problem of(LedgerErrorCode code, String path, long index, String message) {
      return new Problem(code, path, index, "", "", message);
    }

    @Override
    public String toString() {
      return code + ": " + message;
    }
  }

  /**
   * The outcome of a verification.
   *
   * @param size the latest checkpoint's tree size, or −1 if it could not be read
   * @param rootHash the latest checkpoint's root hash, or null if it could not be read
   * @param entriesChecked entries parsed and hashed
   * @param problems every problem found, the first found first (at most one unless collecting all)
   */
  public record Result(long size, Hash rootHash, long entriesChecked, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    /** True when no problem was found. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Runs the verification; answers problems rather than throwing them. */
  public Result verify() {
    Problems problems = new Problems(stopAtFirst ? 1 : MAX_PROBLEMS);
    Run run = new Run(problems);
    try {
      run.all();
    } catch (Problems.Stop stop) {
      // limit reached, or a problem after which nothing else can be checked
    }
    return new Result(run.latest == null ? -1 : run.latest.size(),
        run.latest == null ? null : Hash.of(run.latest.rootHash()), run.entriesChecked, problems.list());
  }

  /** One verification's state. */
  private final class Run {
    private final Problems problems;
    private Checkpoint latest;
    private long entriesChecked;
    private TileHashSource tiles;
    private boolean treeVerified;
    private boolean latestInHistory;

    Run(Problems problems) {
      this.problems = problems;
    }

    void all() {
      SignedNote note = latestCheckpoint();
      latest = Checkpoint.of(note);
      if (witnessQuorum > 0) {
        witnesses(note);
      }
      Checkpoint trusted = trustedCheckpoint == null ? null : trusted();
      TreeVerification tree = new TreeVerification(reader, latest.size(), threads, problems, n -> {
        entriesChecked = n;
        if (progress != null) {
          progress.accept(n);
        }
      });
      int before = problems.size();
      Hash root = tree.run();
      treeVerified = problems.size() == before;
      Hash expectedRoot = Hash.of(latest.rootHash());
      if (root != null && !root.equals(expectedRoot)) {
        problems.add(new Problem(LedgerErrorCode.ROOT_MISMATCH, LedgerReader.CHECKPOINT, -1, expectedRoot.hex(),
            root.hex(), "checkpoint: root hash " + expectedRoot.hex() + " of tree size " + latest.size()
                + " differs from the root " + root.hex() + " recomputed from the entries"));
      }
      tiles = new TileHashSource(reader.tiles(), latest.size());
      if (trusted != null && trusted.size() < latest.size()) {
        LedgerErrorCode failure = consistency(trusted, LedgerErrorCode.FORK, "trusted checkpoint", -1);
        if (failure != null) {
          problems.add(Problem.of(failure, "", -1, "the trusted checkpoint (size " + trusted.size()
              + ") is not a prefix of the latest (size " + latest.size() + ")"));
        }
      }
      if (verifyHistory) {
        history();
      }
    }

    private SignedNote latestCheckpoint() {
      byte[] bytes = read(LedgerReader.CHECKPOINT);
      if (bytes == null) {
        throw problems.fatal(Problem.of(LedgerErrorCode.CHECKPOINT_INVALID, LedgerReader.CHECKPOINT, -1,
            "checkpoint: no such file in " + reader));
      }
      SignedNote note;
      try {
        note = SignedNote.parse(bytes);
      } catch (NoteException e) {
        throw problems.fatal(Problem.of(LedgerErrorCode.CHECKPOINT_INVALID, LedgerReader.CHECKPOINT, -1,
            "checkpoint: " + e.getMessage()));
      }
      try {
        note.verify(logKeys);
      } catch (NoteException e) {
        throw problems.fatal(Problem.of(e.code(), LedgerReader.CHECKPOINT, -1, "checkpoint: " + e.getMessage()
            + " (log keys: " + labels(logKeys) + ")"));
      }
      Checkpoint checkpoint;
      try {
        checkpoint = Checkpoint.of(note);
      } catch (NoteException e) {
        throw problems.fatal(Problem.of(LedgerErrorCode.CHECKPOINT_INVALID, LedgerReader.CHECKPOINT, -1,
            "checkpoint: " + e.getMessage()));
      }
      if (origin != null && !origin.equals(checkpoint.origin())) {
        throw problems.fatal(new Problem(LedgerErrorCode.CHECKPOINT_INVALID, LedgerReader.CHECKPOINT, -1, origin,
            checkpoint.origin(), "checkpoint: origin '" + checkpoint.origin() + "' is not the expected '" + origin
                + "'"));
      }
      return note;
    }

    private void witnesses(SignedNote note) {
      int cosigned = 0;
      for (CosignatureVerifier witness : witnesses) {
        try {
          witness.verifiedTimestamp(note);
          cosigned++;
        } catch (NoteException e) {
          if (e.code() != LedgerErrorCode.UNVERIFIED) {
            problems.add(Problem.of(e.code(), LedgerReader.CHECKPOINT, -1, "checkpoint: witness " + witness.name()
                + ": " + e.getMessage()));
          }
        }
      }
      if (cosigned < witnessQuorum) {
        problems.add(new Problem(LedgerErrorCode.TOO_FEW_WITNESSES, LedgerReader.CHECKPOINT, -1,
            Integer.toString(witnessQuorum), Integer.toString(cosigned), "checkpoint: cosigned by " + cosigned
                + " of the trusted witnesses (" + labels(witnesses) + "), " + witnessQuorum + " required"));
      }
    }

    private Checkpoint trusted() {
      Checkpoint trusted;
      try {
        SignedNote note = SignedNote.parse(trustedCheckpoint);
        note.verify(logKeys);
        trusted = Checkpoint.of(note);
      } catch (NoteException e) {
        throw problems.fatal(Problem.of(e.code(), "", -1, "trusted checkpoint: " + e.getMessage()));
      }
      if (!trusted.origin().equals(latest.origin())) {
        throw problems.fatal(new Problem(LedgerErrorCode.CHECKPOINT_INVALID, "", -1, latest.origin(),
            trusted.origin(), "trusted checkpoint: origin '" + trusted.origin() + "' is not the log's '"
                + latest.origin() + "'"));
      }
      if (trusted.size() > latest.size()) {
        problems.add(new Problem(LedgerErrorCode.CHECKPOINT_ROLLBACK, LedgerReader.CHECKPOINT, -1,
            "at least " + trusted.size(), Long.toString(latest.size()), "checkpoint: tree size " + latest.size()
                + " is smaller than the trusted checkpoint's " + trusted.size() + ": the log was rolled back"));
      } else if (trusted.size() == latest.size() && !sameRoot(trusted, latest)) {
        problems.add(new Problem(LedgerErrorCode.FORK, LedgerReader.CHECKPOINT, -1, hex(trusted), hex(latest),
            "checkpoint: root " + hex(latest) + " of tree size " + latest.size()
                + " differs from the trusted checkpoint's " + hex(trusted) + " of the same size: a fork"));
      }
      return trusted;
    }

    private void history() {
      InputStream in;
      try {
        in = reader.open(LedgerReader.CHECKPOINT_HISTORY);
      } catch (LedgerException e) {
        problems.add(Problem.of(e.code(), LedgerReader.CHECKPOINT_HISTORY, -1, e.getMessage()));
        return;
      }
      if (in == null) {
        return;
      }
      // Signatures are checked a chunk at a time on `threads` workers (the costly part); everything that depends
      // on order is then checked record by record. Memory stays bounded by one chunk.
      java.util.concurrent.ExecutorService pool = threads > 1
          ? java.util.concurrent.Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "ledger-verify-history");
            thread.setDaemon(true);
            return thread;
          }) : null;
      try (DataInputStream data = new DataInputStream(in)) {
        Checkpoint previous = null;
        List<byte[]> chunk = new ArrayList<>(HISTORY_CHUNK);
        long first = 0;
        for (long record = 0; ; record++) {
          byte[] bytes = CheckpointHistoryRecords.next(data, record);
          if (bytes != null) {
            chunk.add(bytes);
          }
          if (bytes == null || chunk.size() == HISTORY_CHUNK) {
            Checked[] outcomes = signatures(chunk, pool);
            for (int i = 0; i < chunk.size(); i++) {
              previous = historyRecord(first + i, outcomes[i], previous);
            }
            first += chunk.size();
            chunk.clear();
          }
          if (bytes == null) { // end, or a torn last record: never published
            if (!latestInHistory) {
              problems.add(Problem.of(LedgerErrorCode.HISTORY_INCONSISTENT, LedgerReader.CHECKPOINT_HISTORY, record,
                  "checkpoint-history: the latest checkpoint (size " + latest.size() + ") is not among its "
                      + record + " records; every published checkpoint must be (history truncated or altered)"));
            }
            return;
          }
        }
      } catch (CheckpointHistoryRecords.MalformedRecord e) {
        problems.add(Problem.of(LedgerErrorCode.HISTORY_INCONSISTENT, LedgerReader.CHECKPOINT_HISTORY,
            e.record, "checkpoint-history: " + e.getMessage()));
      } catch (IOException | LedgerException e) {
        problems.add(Problem.of(LedgerErrorCode.READ_FAILED, LedgerReader.CHECKPOINT_HISTORY, -1,
            "checkpoint-history: " + e.getMessage()));
      } finally {
        if (pool != null) {
          pool.shutdownNow();
        }
      }
    }

    /**
     * What the order-independent checks of one history record found: its verified note (or why it is not one),
     * and, for a checkpoint smaller than the latest, the outcome of its consistency proof.
     */
    private record Checked(SignedNote note, NoteException failure, boolean proved, Exception consistency) {}

    /**
     * Parses and signature-checks each note and proves each smaller checkpoint consistent with the latest, on the
     * verifier's threads (the costly, order-independent part of the history).
     */
    private Checked[] signatures(List<byte[]> notes, java.util.concurrent.ExecutorService pool) {
      Checked[] outcomes = new Checked[notes.size()];
      java.util.function.IntConsumer check = i -> {
        try {
          SignedNote note = SignedNote.parse(notes.get(i));
          note.verify(logKeys);
          Checkpoint c = Checkpoint.of(note);
          boolean prove = c.size() < latest.size() && c.origin().equals(latest.origin());
          outcomes[i] = new Checked(note, null, prove, prove ? tryConsistency(c) : null);
        } catch (NoteException e) {
          outcomes[i] = new Checked(null, e, false, null);
        }
      };
      if (pool == null || notes.size() < 2) {
        for (int i = 0; i < notes.size(); i++) {
          check.accept(i);
        }
        return outcomes;
      }
      List<java.util.concurrent.Callable<Void>> slices = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int slice = t;
        slices.add(() -> {
          for (int i = slice; i < notes.size(); i += threads) {
            check.accept(i);
          }
          return null;
        });
      }
      try {
        for (java.util.concurrent.Future<Void> done : pool.invokeAll(slices)) {
          done.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw problems.fatal(Problem.of(LedgerErrorCode.READ_FAILED, "", -1, "verification interrupted"));
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("history signature check failed", e.getCause());
      }
      return outcomes;
    }

    /** Checks one history record; returns its checkpoint, or {@code previous} if it could not be parsed. */
    private Checkpoint historyRecord(long record, Checked outcome, Checkpoint previous) {
      String where = "checkpoint-history record " + record;
      Checkpoint c;
      try {
        if (outcome.failure() != null) {
          throw outcome.failure();
        }
        c = Checkpoint.of(outcome.note());
      } catch (NoteException e) {
        LedgerErrorCode code = e.code() == LedgerErrorCode.BAD_SIGNATURE || e.code() == LedgerErrorCode.UNVERIFIED
            ? e.code() : LedgerErrorCode.HISTORY_INCONSISTENT;
        problems.add(Problem.of(code, LedgerReader.CHECKPOINT_HISTORY, record, where + ": " + e.getMessage()));
        return previous;
      }
      String at = where + " (size " + c.size() + ")";
      if (!c.origin().equals(latest.origin())) {
        problems.add(new Problem(LedgerErrorCode.HISTORY_INCONSISTENT, LedgerReader.CHECKPOINT_HISTORY, record,
            latest.origin(), c.origin(), at + ": origin '" + c.origin() + "' is not the log's '" + latest.origin()
                + "'"));
        return previous;
      }
      latestInHistory |= c.equals(latest);
      if (previous != null && c.size() < previous.size()) {
        problems.add(new Problem(LedgerErrorCode.HISTORY_INCONSISTENT, LedgerReader.CHECKPOINT_HISTORY, record,
            "at least " + previous.size(), Long.toString(c.size()), at + ": the tree shrank from size "
                + previous.size() + " in the record before"));
        return c;
      }
      if (previous != null && c.size() == previous.size()) {
        if (!sameRoot(c, previous)) {
          problems.add(new Problem(LedgerErrorCode.FORK, LedgerReader.CHECKPOINT_HISTORY, record, hex(previous),
              hex(c), at + ": root " + hex(c) + " differs from the root " + hex(previous)
                  + " of the record before, of the same size: a fork"));
        }
        return c;
      }
      if (c.size() > latest.size()) {
        problems.add(new Problem(LedgerErrorCode.CHECKPOINT_ROLLBACK, LedgerReader.CHECKPOINT, record,
            "at least " + c.size(), Long.toString(latest.size()), "checkpoint: tree size " + latest.size()
                + " is smaller than " + at + ": the latest checkpoint was rolled back"));
      } else if (c.size() == latest.size()) {
        if (!sameRoot(c, latest)) {
          problems.add(new Problem(LedgerErrorCode.FORK, LedgerReader.CHECKPOINT_HISTORY, record, hex(latest),
              hex(c), at + ": root " + hex(c) + " differs from the latest checkpoint's " + hex(latest)
                  + " of the same size: a fork"));
        }
      } else {
        LedgerErrorCode failure = outcome.proved()
            ? consistencyResult(outcome.consistency(), LedgerErrorCode.HISTORY_INCONSISTENT, at, record)
            : consistency(c, LedgerErrorCode.HISTORY_INCONSISTENT, at, record);
        if (failure != null) {
          problems.add(Problem.of(failure, LedgerReader.CHECKPOINT_HISTORY, record, at
              + " is not a prefix of the latest checkpoint (size " + latest.size() + ")"));
        }
      }
      return c;
    }

    /**
     * Checks that {@code old} (smaller than the latest) is a prefix of the latest by an RFC 9162 §2.1.4 consistency
     * proof built from the stored tiles; returns {@code failureCode} if it is not, after reporting details.
     */
    private LedgerErrorCode consistency(Checkpoint old, LedgerErrorCode failureCode, String what, long index) {
      return consistencyResult(tryConsistency(old), failureCode, what, index);
    }

    /** Builds and checks the consistency proof from {@code old} to the latest; null if it holds or cannot be told. */
    private Exception tryConsistency(Checkpoint old) {
      if (!treeVerified) {
        return null; // a proof from tiles already found wrong proves nothing; those problems are reported
      }
      try {
        List<Hash> proof = MerkleProofs.consistencyProof(tiles, old.size(), latest.size());
        MerkleProofs.verifyConsistency(old.size(), latest.size(), proof, Hash.of(old.rootHash()),
            Hash.of(latest.rootHash()));
        return null;
      } catch (ProofException | LedgerException | TileException e) {
        return e;
      }
    }

    private LedgerErrorCode consistencyResult(Exception outcome, LedgerErrorCode failureCode, String what, long index) {
      return switch (outcome) {
        case null -> null;
        case ProofException e -> failureCode;
        case TileException e -> {
          problems.add(Problem.of(e.code(), e.path(), index, what + ": cannot build a consistency proof: "
              + e.getMessage()));
          yield null;
        }
        case LedgerException e -> {
          problems.add(Problem.of(e.code(), "", index, what + ": cannot build a consistency proof: "
              + e.getMessage()));
          yield null;
        }
        default -> throw new IllegalStateException(outcome);
      };
    }

    private byte[] read(String path) {
      try {
        return reader.read(path);
      } catch (LedgerException e) {
        throw problems.fatal(Problem.of(e.code(), path, -1, e.getMessage()));
      }
    }
  }

  private static boolean sameRoot(Checkpoint a, Checkpoint b) {
    return Hash.of(a.rootHash()).equals(Hash.of(b.rootHash()));
  }

  private static String hex(Checkpoint c) {
    return Hash.of(c.rootHash()).hex();
  }

  private static String labels(List<? extends NoteVerifier> keys) {
    List<String> out = new ArrayList<>();
    for (NoteVerifier k : keys) {
      out.add(k.name() + "+" + NoteKeys.hex8(k.keyId()));
    }
    return String.join(", ", out);
  }

  /** Configures a {@link LedgerVerifier}. */
  public static final class Builder {
    private final LedgerReader reader;
    private final List<NoteVerifier> logKeys;
    private String origin;
    private byte[] trustedCheckpoint;
    private List<CosignatureVerifier> witnesses = List.of();
    private int witnessQuorum;
    private boolean verifyHistory = true;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private LongConsumer progress;
    private boolean stopAtFirst = true;

    private Builder(LedgerReader reader, List<? extends NoteVerifier> logKeys) {
      this.reader = Objects.requireNonNull(reader, "reader");
      this.logKeys = List.copyOf(logKeys);
      if (this.logKeys.isEmpty()) {
        throw new IllegalArgumentException("at least one log key is required");
      }
    }

    /** The origin the checkpoint must name (default: accept the checkpoint's own). */
    public Builder origin(String origin) {
      this.origin = Objects.requireNonNull(origin, "origin");
      return this;
    }

    /** A checkpoint the auditor already trusts; the latest must extend it. */
    public Builder trustedCheckpoint(SignedNote note) {
      return trustedCheckpoint(note.bytes());
    }

    /** A checkpoint the auditor already trusts, as signed-note bytes. */
    public Builder trustedCheckpoint(byte[] signedNote) {
      this.trustedCheckpoint = signedNote.clone();
      return this;
    }

    /** Requires cosignatures by at least {@code quorum} of {@code witnesses} on the latest checkpoint. */
    public Builder witnesses(List<CosignatureVerifier> witnesses, int quorum) {
      if (quorum < 0 || quorum > witnesses.size()) {
        throw new IllegalArgumentException("witness quorum must be 0.." + witnesses.size() + ", got " + quorum);
      }
      this.witnesses = List.copyOf(witnesses);
      this.witnessQuorum = quorum;
      return this;
    }

    /** Whether to check {@value LedgerReader#CHECKPOINT_HISTORY} when it exists (default true). */
    public Builder verifyHistory(boolean verify) {
      this.verifyHistory = verify;
      return this;
    }

    /** Threads hashing entry bundles (default: available processors). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Called with the number of entries checked so far, after each bundle, on the verifying thread. */
    public Builder progress(LongConsumer progress) {
      this.progress = progress;
      return this;
    }

    /** Stop at the first problem (default), or collect up to {@value LedgerVerifier#MAX_PROBLEMS}. */
    public Builder stopAtFirstProblem(boolean stop) {
      this.stopAtFirst = stop;
      return this;
    }

    public LedgerVerifier build() {
      return new LedgerVerifier(this);
    }
  }
}
