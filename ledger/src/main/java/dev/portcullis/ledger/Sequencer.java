package dev.portcullis.ledger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of a ledger: assigns each appended entry the next index, and acknowledges it only once
 * the entry, the tiles over it and a signed checkpoint covering it are durable in {@link LedgerStorage}.
 *
 * <p><b>Design note.</b> Callers enqueue entries; one writer thread does everything else. It waits for the
 * first entry, then at most {@code maxWait} more (or until {@code maxBatch} are queued), takes up to
 * {@code maxBatch} entries, and makes them one group commit: it hashes each entry once (leaf) and each newly
 * completed node once ({@link CompactRange}), builds the full tiles and bundles and the changed partial ones
 * in place ({@link SequencerTiles}), signs a C2SP tlog-checkpoint for the new size, and calls
 * {@link LedgerStorage#commit}, which returns once the checkpoint is in the history (the commit point). Then it
 * completes the batch's futures in index order. Entries that arrive while a commit is in flight form the next
 * group, so under load batches grow with the commit latency and no time is spent waiting.
 *
 * <p>Entries nobody waits for ({@link #appendLazily}: the gateway's record of how a forwarded request ended) do not
 * start a commit of their own: they ride with the next commit that some other entry starts, or are committed on
 * their own once the oldest of them has waited {@code lazyWait}. A commit costs an {@code fdatasync} whatever it
 * holds, and a lazy entry that started one would make the next entry someone waits for queue behind it. A lazy
 * append does not even wake the writer: an idle writer looks at its queue every {@code lazyWait}, so that a lazy
 * entry costs its appender no thread switch.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Indices are dense and assigned in queue order; the future of entry i completes with i only after a
 *       checkpoint of size &gt; i is durable. Nothing that is not durable is ever acknowledged.</li>
 *   <li>If a commit fails, every future of that batch fails with the cause, every queued entry fails with
 *       {@link LedgerErrorCode#SEQUENCER_FAILED}, and the sequencer refuses all further appends: its in-memory
 *       tree is then ahead of storage, so only reopening (which recovers from storage) is safe. A failure after
 *       the commit point is reported as a failure too, so a failed future means "maybe durable", never
 *       "acknowledged and lost".</li>
 *   <li>Only the writer thread touches the tree state; the queue is guarded by one lock. Memory is bounded by
 *       {@code maxPending} queued entries plus the right edge (one partial tile per tile level, one bundle);
 *       nothing is kept per acknowledged entry.</li>
 *   <li>The sequencer holds the storage's single-sequencer lock from {@link #open} to {@link #close}.</li>
 * </ul>
 *
 * <p>Backpressure: when {@code maxPending} entries are queued, {@link #append} fails fast with
 * {@link LedgerErrorCode#BUSY} rather than blocking the caller (a request thread should shed load, not
 * pile up). Futures are completed on the writer thread: attach slow continuations with the {@code …Async}
 * methods.
 */
public final class Sequencer implements AutoCloseable {
  /** Largest entry: a bundle stores each entry's length as a big-endian uint16. */
  public static final int MAX_ENTRY_BYTES = 0xFFFF;

  /**
   * Group-commit settings.
   *
   * @param maxWait how long the writer waits after the first queued entry for more to join the batch
   * @param maxBatch the most entries in one commit
   * @param maxPending the most entries queued before appends fail with {@link LedgerErrorCode#BUSY}
   * @param lazyWait the longest a lazily appended entry ({@link #appendLazily}) waits for another commit to ride
   *     with before it is committed on its own
   */
  public record Options(Duration maxWait, int maxBatch, int maxPending, Duration lazyWait) {
    /** How long lazy entries wait for company unless set: they show in the ledger within 50 ms. */
    public static final Duration DEFAULT_LAZY_WAIT = Duration.ofMillis(50);

    public Options {
      Objects.requireNonNull(maxWait, "maxWait");
      Objects.requireNonNull(lazyWait, "lazyWait");
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
      }
      if (lazyWait.isNegative()) {
        throw new IllegalArgumentException("lazyWait must not be negative, got " + lazyWait);
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
      }
      if (maxPending < 1) {
        throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
      }
    }

    /**
     * 2 ms, 4,096 entries per batch, 65,536 queued, lazy entries 50 ms. Each commit has a fixed cost (a
     * write-ahead-log record, an {@code fdatasync}, a signature), so a short wait for company saves work when
     * many appends arrive one by one and nobody waits for them. The server sets its own wait
     * ({@code ledger.batch_wait}, 0 by default): its gateway waits for each decision and appends what nobody
     * waits for lazily, and there a wait only adds latency (docs/PERFORMANCE.md, "Gateway load").
     */
    public static Options defaults() {
      return new Options(Duration.ofMillis(2), 4096, 65536);
    }

    /** The given settings with {@link #DEFAULT_LAZY_WAIT}. */
    public Options(Duration maxWait, int maxBatch, int maxPending) {
      this(maxWait, maxBatch, maxPending, DEFAULT_LAZY_WAIT);
    }
  }

  /** A queued entry; {@code lazy}: it does not start a commit (see {@link #appendLazily}). */
  private record Pending(byte[] entry, CompletableFuture<Long> future, boolean lazy, long arrivalNanos) {}

  private final LedgerStorage storage;
  private final NoteSigner.Ed25519 signer;
  private final String origin;
  private final Options options;
  private final LedgerStorage.SequencerLock lock;
  private final SequencerTiles tiles;
  private final Thread writer;

  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition queueChanged = queueLock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int eagerQueued; // entries in the queue that were not appended lazily
  private long firstEagerArrivalNanos; // when the oldest of them arrived; meaningful while eagerQueued > 0
  private boolean closed;
  private Throwable failure;
  private boolean lockReleased;

  private volatile SignedNote latest;
  private volatile long size;

  private Sequencer(LedgerStorage storage, NoteSigner.Ed25519 signer, String origin, Options options,
      LedgerStorage.SequencerLock lock, SequencerTiles tiles, SignedNote latest) {
    this.storage = storage;
    this.signer = signer;
    this.origin = origin;
    this.options = options;
    this.lock = lock;
    this.tiles = tiles;
    this.latest = latest;
    this.size = tiles.size();
    this.writer = new Thread(this::writeLoop, "portcullis-sequencer");
    this.writer.setDaemon(true);
  }

  /**
   * Takes the storage's sequencer lock, recovers (verifies the latest checkpoint with {@code signer}'s key and
   * {@code origin}, checks and repairs the right edge of its tree) and starts the writer thread. A log never
   * written gets a signed checkpoint of size 0. The storage stays owned by the caller.
   *
   * @throws LedgerException {@link LedgerErrorCode#LOCKED}, {@link LedgerErrorCode#RECOVERY_CHECKPOINT_INVALID},
   *     {@link LedgerErrorCode#BUNDLE_CORRUPT}, {@link LedgerErrorCode#RECOVERY_ROOT_MISMATCH}, …
   */
  public static Sequencer open(LedgerStorage storage, NoteSigner.Ed25519 signer, String origin, Options options)
      throws IOException {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(options, "options");
    new Checkpoint(origin, 0, MerkleHash.empty().toBytes()); // validates the origin line
    LedgerStorage.SequencerLock lock = storage.acquireSequencerLock();
    try {
      Optional<byte[]> stored = storage.latestCheckpoint();
      SequencerTiles tiles;
      SignedNote latest;
      if (stored.isEmpty()) {
        tiles = SequencerTiles.empty();
        latest = new Checkpoint(origin, 0, MerkleHash.empty().toBytes()).sign(signer);
        storage.commit(new LedgerStorage.Batch(0, List.of(), latest.bytes()));
      } else {
        latest = SignedNote.parse(stored.get());
        Checkpoint checkpoint = verified(latest, signer, origin);
        Hash root = Hash.of(checkpoint.rootHash());
        SequencerRecovery.recover(storage, checkpoint.size(), root);
        tiles = SequencerTiles.restore(storage, checkpoint.size());
        if (!tiles.root().equals(root)) {
          throw new LedgerException(LedgerErrorCode.RECOVERY_ROOT_MISMATCH, "root resumed from the stored tiles of "
              + "tree size " + checkpoint.size() + " is " + tiles.root() + ", the checkpoint says " + root);
        }
      }
      Sequencer s = new Sequencer(storage, signer, origin, options, lock, tiles, latest);
      s.writer.start();
      return s;
    } catch (IOException | RuntimeException | Error e) {
      try {
        lock.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static Checkpoint verified(SignedNote note, NoteSigner.Ed25519 signer, String origin) {
    try {
      return Checkpoint.verify(note, origin, List.of(signer.verifier()));
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID, "latest stored checkpoint does not "
          + "verify with key " + signer.verifier().vkey() + " and origin '" + origin + "': " + e.getMessage(), e);
    }
  }

  /**
   * Queues one entry (copied). The future completes with the entry's index once it is durable and covered
   * by a published checkpoint, or fails with the commit's cause.
   *
   * @throws LedgerException {@link LedgerErrorCode#EMPTY_ENTRY}, {@link LedgerErrorCode#ENTRY_TOO_LARGE},
   *     {@link LedgerErrorCode#BUSY}, {@link LedgerErrorCode#SEQUENCER_CLOSED},
   *     {@link LedgerErrorCode#SEQUENCER_FAILED}
   */
  public CompletableFuture<Long> append(byte[] entry) {
    return appendAll(List.of(entry)).getFirst();
  }

  /**
   * Queues one entry (copied) that does not start a commit: it is committed with the next batch that an
   * {@link #append} starts, or on its own once it has waited {@link Options#lazyWait()}. Its index is assigned
   * in queue order like any other, and its future completes the same way, once durable. For entries nobody
   * waits for; a crash loses a lazy entry still queued, as it loses any entry not yet acknowledged.
   *
   * @throws LedgerException as {@link #append}
   */
  public CompletableFuture<Long> appendLazily(byte[] entry) {
    return enqueue(List.of(entry), true).getFirst();
  }

  /**
   * Queues entries (copied) to take consecutive indices, all or none: if they do not all fit in the queue,
   * none is queued and {@link LedgerErrorCode#BUSY} is thrown.
   */
  public List<CompletableFuture<Long>> appendAll(List<byte[]> entries) {
    return enqueue(entries, false);
  }

  private List<CompletableFuture<Long>> enqueue(List<byte[]> entries, boolean lazy) {
    List<Pending> pending = new ArrayList<>(entries.size());
    long now = System.nanoTime();
    for (int i = 0; i < entries.size(); i++) {
      byte[] entry = entries.get(i);
      if (entry.length == 0) {
        throw new LedgerException(LedgerErrorCode.EMPTY_ENTRY, "entry " + i + " of the append is empty");
      }
      if (entry.length > MAX_ENTRY_BYTES) {
        throw new LedgerException(LedgerErrorCode.ENTRY_TOO_LARGE, "entry " + i + " of the append is "
            + entry.length + " bytes, more than " + MAX_ENTRY_BYTES);
      }
      pending.add(new Pending(entry.clone(), new CompletableFuture<>(), lazy, now));
    }
    queueLock.lock();
    try {
      if (failure != null) {
        throw new LedgerException(LedgerErrorCode.SEQUENCER_FAILED, "sequencer of " + origin
            + " stopped after a failed commit: " + failure.getMessage(), failure);
      }
      if (closed) {
        throw new LedgerException(LedgerErrorCode.SEQUENCER_CLOSED, "sequencer of " + origin + " is closed");
      }
      if (queue.size() + pending.size() > options.maxPending()) {
        throw new LedgerException(LedgerErrorCode.BUSY, "sequencer of " + origin + " has " + queue.size()
            + " entries queued; " + pending.size() + " more would exceed maxPending " + options.maxPending());
      }
      // the writer recomputes its deadline when the first entry that starts a commit arrives and when a batch is
      // full. A lazy entry does not wake it: an idle writer looks at the queue every lazyWait anyway, and one that
      // is waiting for a batch will take it along (with a zero lazyWait, lazy entries are eager)
      boolean wake = lazy ? options.lazyWait().isZero() && queue.isEmpty() : eagerQueued == 0;
      if (!lazy) {
        if (eagerQueued == 0) {
          firstEagerArrivalNanos = now;
        }
        eagerQueued += pending.size();
      }
      queue.addAll(pending);
      if (wake || queue.size() >= options.maxBatch()) {
        queueChanged.signal();
      }
    } finally {
      queueLock.unlock();
    }
    List<CompletableFuture<Long>> futures = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      futures.add(p.future());
    }
    return futures;
  }

  /** The latest checkpoint this sequencer published (as signed by it; without witness cosignatures). */
  public SignedNote checkpoint() {
    return latest;
  }

  /** The tree size of {@link #checkpoint()}: the number of acknowledged entries. */
  public long size() {
    return size;
  }

  /**
   * Stops taking entries, commits every entry already queued, completes their futures, stops the writer and
   * releases the sequencer lock. The storage stays open. Idempotent.
   */
  @Override
  public void close() throws IOException {
    queueLock.lock();
    try {
      closed = true;
      queueChanged.signal();
    } finally {
      queueLock.unlock();
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (!lockReleased) {
        lockReleased = true;
        lock.close();
      }
    }
  }

  // ------------------------------------------------------------------ writer thread

  private void writeLoop() {
    while (true) {
      List<Pending> batch = nextBatch();
      if (batch == null) {
        return;
      }
      try {
        commit(batch);
      } catch (Throwable e) { // fail closed on anything, including Errors: nothing more is acknowledged
        fail(batch, e);
        return;
      }
    }
  }

  /** Waits for the next group; null when closed and drained. */
  private List<Pending> nextBatch() {
    queueLock.lock();
    try {
      boolean interrupted = false;
      while (queue.isEmpty()) {
        if (closed) {
          return null;
        }
        if (options.lazyWait().isZero()) {
          queueChanged.awaitUninterruptibly();
        } else {
          // idle: wakes every lazyWait to find lazy entries, which do not wake it (each would cost a thread switch)
          try {
            queueChanged.awaitNanos(options.lazyWait().toNanos());
          } catch (InterruptedException e) {
            interrupted = true; // as awaitUninterruptibly: kept waiting, the interrupt set again once not idle
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      while (queue.size() < options.maxBatch() && !closed) {
        // the first lazy entry waits at most lazyWait; once an entry that starts a commit is queued, the batch
        // goes at most maxWait after it arrived
        long deadline = queue.peekFirst().arrivalNanos() + options.lazyWait().toNanos();
        if (eagerQueued > 0) {
          deadline = Math.min(deadline, firstEagerArrivalNanos + options.maxWait().toNanos());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          queueChanged.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      int n = Math.min(queue.size(), options.maxBatch());
      List<Pending> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Pending p = queue.poll();
        batch.add(p);
        if (!p.lazy()) {
          eagerQueued--;
        }
      }
      if (eagerQueued > 0) { // the batch was full: the next one goes without waiting again
        for (Pending p : queue) {
          if (!p.lazy()) {
            firstEagerArrivalNanos = p.arrivalNanos();
            break;
          }
        }
      }
      return batch;
    } finally {
      queueLock.unlock();
    }
  }

  private void commit(List<Pending> batch) throws IOException {
    List<byte[]> entries = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      entries.add(p.entry());
    }
    long first = tiles.size();
    List<LedgerStorage.Tile> written = tiles.append(entries);
    long newSize = tiles.size();
    SignedNote note = new Checkpoint(origin, newSize, tiles.root().toBytes()).sign(signer);
    storage.commit(new LedgerStorage.Batch(newSize, written, note.bytes()));
    latest = note;
    size = newSize;
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future().complete(first + i);
    }
  }

  private void fail(List<Pending> batch, Throwable cause) {
    List<Pending> queued;
    queueLock.lock();
    try {
      failure = cause;
      queued = new ArrayList<>(queue);
      queue.clear();
      eagerQueued = 0;
    } finally {
      queueLock.unlock();
    }
    for (Pending p : batch) {
      p.future().completeExceptionally(cause);
    }
    LedgerException stopped = new LedgerException(LedgerErrorCode.SEQUENCER_FAILED, "sequencer of " + origin
        + " stopped after a failed commit: " + cause.getMessage(), cause);
    for (Pending p : queued) {
      p.future().completeExceptionally(stopped);
    }
  }

  @Override
  public String toString() {
    return "Sequencer[" + origin + ", size " + size + ", " + storage + "]";
  }
}
