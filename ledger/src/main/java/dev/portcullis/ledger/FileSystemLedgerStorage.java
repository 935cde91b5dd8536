package dev.portcullis.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link LedgerStorage} in a directory that a static file server can serve as a C2SP tlog-tiles log:
 * {@code checkpoint}, {@code tile/<L>/<N>[.p/<W>]}, {@code tile/entries/<N>[.p/<W>]}, plus
 * {@code checkpoint-history} and the {@code .lock} file (docs/LEDGER.md, "Storage and the sequencer").
 *
 * <p>Design. {@link #commit} first appends the batch (its tiles and signed checkpoint) to the write-ahead log
 * ({@code .wal-0}/{@code .wal-1}, see {@link WriteAheadLog}) and fdatasyncs it: <b>that is the commit point</b>.
 * Then it writes the tiles under their final names, appends the checkpoint to {@code checkpoint-history} and
 * replaces the {@code checkpoint} file, none of them forced; a background flush forces them all when the log's
 * segment fills up. A crash loses nothing acknowledged: the sequencer that takes the lock next replays the log's
 * unflushed batches first. Files a crash left beyond the committed tree are never trusted and are overwritten.
 * Files replaced outside commits (the {@code checkpoint} file by {@link #publishCosigned}, a tile by
 * {@link #repair}) go to a temporary file in their own directory, are forced, renamed over their final name
 * atomically, and the directory is forced; so a reader sees either the old file or the whole new one.
 *
 * <p>Immutability: a tile (L, N, W) is a function of the first (256·N + W)·256<sup>L</sup> leaves. Once the
 * history holds a checkpoint at least that large, the tile can never change: a commit that would write it
 * with other bytes fails with {@link LedgerErrorCode#TILE_CONFLICT} before anything is written. Tiles beyond
 * the committed size (left by a crashed batch) are overwritten freely.
 *
 * <p>When a tile becomes full, its superseded partial files ({@code <N>.p/}) are deleted after the commit
 * point, best effort: a reader holding an older checkpoint then fetches the full tile instead. A crash may
 * leave them behind; they are harmless.
 *
 * <p>Paths: files are only ever named by {@link TilePath#format()} or the fixed names above, resolved under
 * the directory's real path; a symbolic link below that directory fails with
 * {@link LedgerErrorCode#UNSAFE_PATH} (the ledger directory itself may be reached through links).
 */
public final class FileSystemLedgerStorage implements LedgerStorage {
  static final String CHECKPOINT = "checkpoint";
  static final String HISTORY = "checkpoint-history";
  static final String LOCK = ".lock";

  private final Path root;
  private final CheckpointHistory history;
  private final long walSegmentBytes;
  private final Object writeLock = new Object();
  private FileChannel lockChannel;
  private FileLock lock;
  private volatile boolean failed;
  /** The write-ahead log, open while this storage holds the sequencer lock. */
  private WriteAheadLog wal;
  /** Tree size and history length (bytes) of everything committed, published or not. */
  private long committedSize = -1;
  private long historyBytes;
  /** Writes committed batches to their files, in commit order, off the acknowledgement path. */
  private java.util.concurrent.ExecutorService publisher;
  /** Forces the files of a write-ahead log segment the writer has left, and preallocates segments. */
  private java.util.concurrent.ExecutorService flusher;
  /** Completes when the segment the writer would enter next is flushed (and preallocated). */
  private java.util.concurrent.CompletableFuture<Void> flushing;
  /** Files and directories the publisher wrote since the current segment began; publisher thread only. */
  private Set<Path> dirty = new LinkedHashSet<>();

  /** Committed but not yet published: guarded by {@link #pendingLock}. */
  private final Object pendingLock = new Object();
  private final java.util.Map<TilePath, byte[]> pendingTiles = new java.util.HashMap<>();
  private final java.util.TreeMap<Long, byte[]> pendingCheckpoints = new java.util.TreeMap<>();
  private long pendingBytes;
  /** Committed batches the publisher has not taken yet, in commit order: guarded by {@link #pendingLock}. */
  private final java.util.ArrayDeque<Committed> unpublished = new java.util.ArrayDeque<>();
  /** A publication task is queued or running and has not taken {@link #unpublished} yet: guarded by pendingLock. */
  private boolean publicationQueued;
  /** Someone waits for the files (or for room under the backpressure limit): publish without pacing. */
  private boolean publishNow;
  /** When the publisher last took the unpublished batches (publisher thread only). */
  private long lastPublication = Long.MIN_VALUE / 2;
  private final long publishIntervalNanos;
  /** The latest committed checkpoint (with any cosignatures) while this storage holds the lock; else null. */
  private byte[] latest;

  private FileSystemLedgerStorage(Path root, int indexInterval, long walSegmentBytes, long publishIntervalNanos) {
    this.root = root;
    this.publishIntervalNanos = publishIntervalNanos;
    this.history = new CheckpointHistory(root.resolve(HISTORY), indexInterval);
    this.walSegmentBytes = walSegmentBytes;
  }

  /** Opens (creating if absent) the ledger directory {@code dir}. Takes no lock; readers use it as is. */
  public static FileSystemLedgerStorage open(Path dir) throws IOException {
    return open(dir, CheckpointHistory.DEFAULT_INDEX_INTERVAL, WriteAheadLog.DEFAULT_SEGMENT_BYTES);
  }

  static FileSystemLedgerStorage open(Path dir, int historyIndexInterval) throws IOException {
    return open(dir, historyIndexInterval, WriteAheadLog.DEFAULT_SEGMENT_BYTES);
  }

  static FileSystemLedgerStorage open(Path dir, int historyIndexInterval, long walSegmentBytes) throws IOException {
    return open(dir, historyIndexInterval, walSegmentBytes, PUBLISH_INTERVAL_NANOS);
  }

  /** For tests: with another {@link #PUBLISH_INTERVAL_NANOS}. */
  static FileSystemLedgerStorage open(Path dir, int historyIndexInterval, long walSegmentBytes,
      long publishIntervalNanos) throws IOException {
    Files.createDirectories(dir);
    Path real = dir.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, "ledger directory " + dir + " is not a directory");
    }
    return new FileSystemLedgerStorage(real, historyIndexInterval, walSegmentBytes, publishIntervalNanos);
  }

  /** The ledger directory (its real path). */
  public Path directory() {
    return root;
  }

  @Override
  public Optional<byte[]> read(TilePath path) throws IOException {
    synchronized (pendingLock) {
      byte[] data = pendingTiles.get(path);
      if (data != null) {
        return Optional.of(data);
      }
    }
    Optional<byte[]> exact = readFile(file(path));
    if (exact.isPresent() || path.isFull()) {
      return exact;
    }
    return Optional.ofNullable(fromWider(path));
  }

  /**
   * A partial tile that has no file of its own, cut from a wider version of it that belongs to the committed tree
   * ({@link TilePrefix}): the publisher writes only the widest width of a tile that several commits widened before
   * it ran, and partial files are deleted once the full tile exists. Null when no such version exists (a tile
   * beyond the committed tree, or a log whose files are missing).
   */
  private byte[] fromWider(TilePath path) throws IOException {
    long size;
    synchronized (pendingLock) {
      size = !pendingCheckpoints.isEmpty() ? pendingCheckpoints.lastKey() : -1;
    }
    if (size < 0) {
      size = committedSize >= 0 ? committedSize : history.lastSize();
    }
    int limit = TilePrefix.widthIn(path, size);
    if (limit <= path.width()) {
      return null; // not a tile of the committed tree at this width: never made up from other files
    }
    synchronized (pendingLock) {
      for (int w = path.width() + 1; w <= limit; w++) {
        byte[] data = pendingTiles.get(new TilePath(path.entries(), path.level(), path.index(), w));
        if (data != null) {
          return TilePrefix.cut(path, data, w);
        }
      }
    }
    if (limit == TilePath.FULL_WIDTH) {
      TilePath full = new TilePath(path.entries(), path.level(), path.index(), TilePath.FULL_WIDTH);
      Optional<byte[]> data = readFile(file(full));
      if (data.isPresent()) {
        return TilePrefix.cut(path, data.get(), TilePath.FULL_WIDTH);
      }
    }
    // the partial directory: <N>.p/<W>, the narrowest width above the wanted one that the committed tree has
    Path partials = file(new TilePath(path.entries(), path.level(), path.index(), 1)).getParent();
    int best = TilePrefix.narrowestWider(partials.toFile().list(), path.width(),
        Math.min(limit, TilePath.FULL_WIDTH - 1));
    if (best == 0) {
      return null;
    }
    TilePath wider = new TilePath(path.entries(), path.level(), path.index(), best);
    Optional<byte[]> data = readFile(file(wider));
    return data.isEmpty() ? null : TilePrefix.cut(path, data.get(), best);
  }

  @Override
  public Optional<byte[]> latestCheckpoint() throws IOException {
    synchronized (pendingLock) {
      if (latest != null) {
        return Optional.of(latest);
      }
    }
    return readFile(root.resolve(CHECKPOINT));
  }

  @Override
  public Optional<byte[]> checkpoint(long size) throws IOException {
    synchronized (pendingLock) {
      byte[] note = pendingCheckpoints.get(size);
      if (note != null) {
        return Optional.of(note);
      }
    }
    return history.find(size);
  }

  @Override
  public void forEachCheckpoint(Consumer<byte[]> action) throws IOException {
    // the snapshot is taken first: a checkpoint published meanwhile is then in the history, the snapshot, or both
    java.util.SortedMap<Long, byte[]> unpublished;
    synchronized (pendingLock) {
      unpublished = new java.util.TreeMap<>(pendingCheckpoints);
    }
    long[] last = {-1};
    history.forEach(note -> {
      action.accept(note);
      if (!unpublished.isEmpty()) {
        last[0] = Math.max(last[0], Checkpoint.of(SignedNote.parse(note)).size());
      }
    });
    for (java.util.Map.Entry<Long, byte[]> e : unpublished.entrySet()) {
      if (e.getKey() > last[0]) {
        action.accept(e.getValue());
      }
    }
  }

  /**
   * Takes the lock on {@code .lock}, then makes the directory consistent for writing: the write-ahead log's
   * unflushed batches are replayed (their tiles rewritten, the history cut back to the durable prefix the log
   * recorded and their checkpoints appended again, all forced), or without any, a torn last history record is cut
   * off; then the {@code checkpoint} file is rewritten from the last history record unless it holds that same
   * checkpoint body (possibly with more cosignatures).
   */
  @Override
  public SequencerLock acquireSequencerLock() throws IOException {
    synchronized (writeLock) {
      if (lock != null) {
        throw locked();
      }
      FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      if (l == null) {
        ch.close();
        throw locked();
      }
      lockChannel = ch;
      lock = l;
      failed = false;
      try {
        wal = WriteAheadLog.open(root, walSegmentBytes);
        replayWriteAheadLog();
        reconcileCheckpointFile();
        committedSize = history.lastSize();
        historyBytes = history.length();
        synchronized (pendingLock) {
          latest = readFile(root.resolve(CHECKPOINT)).orElse(null);
        }
        publisher = daemonExecutor("portcullis-ledger-publish");
        flusher = daemonExecutor("portcullis-ledger-flush");
        int other = 1 - wal.current();
        WriteAheadLog log = wal;
        flushing = run(flusher, () -> log.preallocate(other));
      } catch (IOException | RuntimeException e) {
        abandonLock();
        throw e;
      }
      return this::releaseLock;
    }
  }

  private static java.util.concurrent.ExecutorService daemonExecutor(String name) {
    return java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  private static java.util.concurrent.CompletableFuture<Void> run(java.util.concurrent.Executor executor, IoTask task) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    executor.execute(() -> {
      try {
        task.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  private LedgerException locked() {
    return new LedgerException(LedgerErrorCode.LOCKED, "another sequencer holds the lock on ledger directory " + root);
  }

  /**
   * Releases the lock after a clean shutdown: lets the publisher finish, waits for the flush in progress, forces
   * what the current segment wrote and marks it flushed, so the next sequencer replays nothing.
   */
  private void releaseLock() throws IOException {
    synchronized (writeLock) {
      if (lock == null) {
        return;
      }
      try {
        if (!failed && wal != null) {
          awaitPublished();
          awaitFlush();
          dirty.add(root);
          forceAll(dirty);
          history.force();
          wal.markFlushed(wal.current());
          dirty = new LinkedHashSet<>();
        }
      } finally {
        abandonLock();
      }
    }
  }

  /** Releases the lock and the write-ahead log without publishing or flushing anything more (as a crash would). */
  private void abandonLock() throws IOException {
    synchronized (writeLock) {
      for (java.util.concurrent.ExecutorService executor : new java.util.concurrent.ExecutorService[] {publisher,
          flusher}) {
        if (executor != null) {
          executor.shutdownNow();
          try {
            executor.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      publisher = null;
      flusher = null;
      flushing = null;
      synchronized (pendingLock) {
        pendingTiles.clear();
        pendingCheckpoints.clear();
        unpublished.clear();
        publicationQueued = false;
        publishNow = false;
        pendingBytes = 0;
        latest = null;
        pendingLock.notifyAll();
      }
      try {
        if (wal != null) {
          wal.close();
        }
      } finally {
        wal = null;
        dirty = new LinkedHashSet<>();
        if (lock != null) {
          lock = null;
          FileChannel ch = lockChannel;
          lockChannel = null;
          ch.close(); // releases the lock
        }
      }
    }
  }

  /**
   * For tests: gives up the lock as a killed process would; with {@code publish}, after the publisher wrote every
   * committed batch's files (a process killed later), else at once (committed batches may have no files yet).
   */
  void crashForTest(boolean publish) throws IOException {
    synchronized (writeLock) {
      if (publish) {
        awaitPublished();
      }
      abandonLock();
    }
  }

  /**
   * Replays the unflushed segments of the write-ahead log: cuts the history back to its durable prefix, rewrites
   * every tile of every logged batch (same bytes: tiles are functions of the entries), appends the checkpoints
   * the history lacks, forces everything, and starts a new segment.
   */
  private void replayWriteAheadLog() throws IOException {
    WriteAheadLog.Unflushed unflushed = wal.unflushed();
    if (unflushed.entries().isEmpty()) {
      history.truncateTornTail();
      wal.start(history.length());
      return;
    }
    history.truncateTo(unflushed.historyLength());
    Set<Path> written = new LinkedHashSet<>();
    List<Path> completed = new ArrayList<>();
    for (WriteAheadLog.Entry entry : unflushed.entries()) {
      List<Pending> files = new ArrayList<>(entry.tiles().size());
      for (Tile tile : entry.tiles()) {
        Batch.checkShape(tile.path(), tile.data(), entry.size(), root.resolve(".wal-*").toString());
        files.add(new Pending(file(tile.path()), tile.data()));
        if (tile.path().isFull()) {
          completed.add(file(tile.path()));
        }
      }
      writeUnforced(files, written);
    }
    forceAll(written);
    long published = history.lastSize();
    for (WriteAheadLog.Entry entry : unflushed.entries()) {
      if (entry.size() > published) {
        history.append(entry.signedCheckpoint(), entry.size(), false);
        published = entry.size();
      }
    }
    history.force();
    forceAll(List.of(root)); // the history file's name, if the replay created it
    wal.start(history.length());
    for (Path full : completed) {
      SWEEPER.execute(() -> deletePartials(full));
    }
  }

  private void reconcileCheckpointFile() throws IOException {
    Optional<byte[]> last = history.last();
    if (last.isEmpty()) {
      Files.deleteIfExists(root.resolve(CHECKPOINT)); // nothing was ever published
      return;
    }
    Optional<byte[]> current = readFile(root.resolve(CHECKPOINT));
    if (current.isPresent() && sameBody(current.get(), last.get())) {
      return;
    }
    writeFiles(List.of(new Pending(root.resolve(CHECKPOINT), last.get())));
  }

  private static boolean sameBody(byte[] a, byte[] b) {
    try {
      return SignedNote.parse(a).text().equals(SignedNote.parse(b).text());
    } catch (NoteException e) {
      return false;
    }
  }

  /**
   * Most bytes of committed batches waiting for the publisher; a commit beyond it waits (backpressure keeps the
   * heap bounded when the disk is slower than the log).
   */
  static final long MAX_PENDING_BYTES = 64L << 20;

  /**
   * Shortest time between two publications. A commit's files are written by the publisher at most this long after
   * the commit point (sooner when someone waits for them: {@link #awaitPublished}, backpressure, shutdown), and all
   * batches committed meanwhile are published together: a tile several of them widened is written once, at its
   * widest. Under load, a commit every millisecond or two would otherwise rewrite the growing partial entry bundle
   * (up to 255 entries) and partial hash tiles as new files each time; that was the largest CPU cost of the gateway
   * (docs/PERFORMANCE.md, "Gateway load"). Readers of this storage see every acknowledged entry at once (from memory
   * until published), and narrower widths are read as prefixes of the wider files ({@link #fromWider}).
   */
  static final long PUBLISH_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);

  /** One committed batch waiting for the publisher. */
  private record Committed(List<Tile> tiles, long size, byte[] note, long bytes) {}

  @Override
  public void commit(Batch batch) throws IOException {
    synchronized (writeLock) {
      requireLock("commit");
      long committed = committedSize;
      long size = batch.size();
      batch.check(committed, root.toString());
      List<Tile> writes = new ArrayList<>(batch.tiles().size());
      long bytes = batch.signedCheckpoint().length;
      for (Tile tile : batch.tiles()) {
        TilePath path = tile.path();
        file(path); // refuses a path through a symbolic link before anything is logged
        if (Batch.leavesDetermining(path) <= committed) {
          Optional<byte[]> existing = read(path);
          if (existing.isPresent()) {
            if (!Arrays.equals(existing.get(), tile.data())) {
              throw new LedgerException(LedgerErrorCode.TILE_CONFLICT, path.format() + " in " + root
                  + " belongs to the committed tree of size " + committed + " and would be replaced by different bytes");
            }
            continue;
          }
        }
        writes.add(tile);
        bytes += tile.data().length;
      }
      if (failed) {
        throw new LedgerException(LedgerErrorCode.SEQUENCER_FAILED,
            "an earlier commit to " + root + " failed; reopen the ledger");
      }
      try {
        awaitPendingBelow(MAX_PENDING_BYTES - Math.min(bytes, MAX_PENDING_BYTES / 2));
        byte[] record = WriteAheadLog.encode(batch);
        if (wal.full(record.length)) {
          switchSegment();
        }
        wal.append(record); // the commit point
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
      committedSize = size;
      historyBytes += CheckpointHistory.HEADER + batch.signedCheckpoint().length;
      synchronized (pendingLock) {
        for (Tile tile : writes) {
          pendingTiles.put(tile.path(), tile.data());
        }
        pendingCheckpoints.put(size, batch.signedCheckpoint());
        latest = batch.signedCheckpoint();
        pendingBytes += bytes;
      }
      boolean queue;
      synchronized (pendingLock) {
        unpublished.add(new Committed(writes, size, batch.signedCheckpoint(), bytes));
        queue = !publicationQueued;
        publicationQueued = true;
      }
      if (queue) {
        publisher.execute(this::publishUnpublished);
      }
    }
  }

  /**
   * Publisher thread: waits until {@link #PUBLISH_INTERVAL_NANOS} after the last publication (unless someone waits
   * for the files), then publishes every batch committed so far.
   */
  private void publishUnpublished() {
    List<Committed> batches;
    synchronized (pendingLock) {
      long left;
      while (!publishNow && !failed && (left = lastPublication + publishIntervalNanos - System.nanoTime()) > 0) {
        try {
          java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(pendingLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the lock is being given up without publishing (as a crash would)
          return;
        }
      }
      batches = new ArrayList<>(unpublished);
      unpublished.clear();
      publicationQueued = false;
      publishNow = false;
    }
    lastPublication = System.nanoTime();
    if (!batches.isEmpty()) {
      publish(batches);
    }
  }

  /**
   * Writes committed batches' files (publisher thread): their tiles under their final names (a tile that several of
   * them widened only at its widest: the narrower widths are its prefix), their history records, and the {@code
   * checkpoint} file unless a newer batch is already committed (that one's publication replaces it). None is forced:
   * the write-ahead log holds the batches, and the segment's flush forces them.
   */
  private void publish(List<Committed> batches) {
    if (failed) {
      return;
    }
    long size = batches.getLast().size();
    java.util.Map<TilePath, Tile> widest = new java.util.LinkedHashMap<>();
    try {
      for (Committed batch : batches) {
        for (Tile tile : batch.tiles()) {
          TilePath key = new TilePath(tile.path().entries(), tile.path().level(), tile.path().index(), 1);
          Tile known = widest.get(key);
          if (known == null || tile.path().width() >= known.path().width()) {
            widest.put(key, tile);
          }
        }
      }
      List<Pending> files = new ArrayList<>(widest.size());
      for (Tile tile : widest.values()) {
        files.add(new Pending(file(tile.path()), tile.data()));
      }
      writeUnforced(files, dirty);
      for (Committed batch : batches) {
        history.append(batch.note(), batch.size(), false);
      }
      byte[] checkpointFile;
      synchronized (pendingLock) {
        checkpointFile = pendingCheckpoints.lastKey() == size ? latest : null;
      }
      if (checkpointFile != null) {
        replaceUnforced(root.resolve(CHECKPOINT), checkpointFile);
      }
    } catch (IOException | RuntimeException e) {
      failed = true; // the batches stay readable from memory until the lock is given up; recovery replays them
      System.getLogger(FileSystemLedgerStorage.class.getName()).log(System.Logger.Level.ERROR,
          "publishing tree size " + size + " of " + root + " failed; the sequencer stops", e);
      synchronized (pendingLock) {
        pendingLock.notifyAll();
      }
      return;
    }
    // queued before the batches stop counting as pending, so that whoever saw them published finds the sweeps queued
    for (Tile tile : widest.values()) {
      if (tile.path().isFull()) {
        Path full = file(tile.path());
        SWEEPER.execute(() -> deletePartials(full));
      }
    }
    synchronized (pendingLock) {
      for (Committed batch : batches) {
        for (Tile tile : batch.tiles()) {
          pendingTiles.remove(tile.path(), tile.data());
        }
        pendingCheckpoints.remove(batch.size());
        pendingBytes -= batch.bytes();
      }
      pendingLock.notifyAll();
    }
  }

  /** Waits until the publisher holds at most {@code limit} bytes (fails if publishing failed). */
  private void awaitPendingBelow(long limit) throws IOException {
    synchronized (pendingLock) {
      while (pendingBytes > Math.max(0, limit) && !failed) {
        publishNow = true; // someone waits: the publisher does not pace itself
        pendingLock.notifyAll();
        try {
          pendingLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting for the ledger publisher of " + root);
        }
      }
    }
    if (failed) {
      throw new LedgerException(LedgerErrorCode.SEQUENCER_FAILED, "writing the files of " + root
          + " failed; reopen the ledger");
    }
  }

  /**
   * Waits until every committed batch is written to its files (not forced: the write-ahead log makes them durable),
   * for a reader of the directory in this process. Returns at once when this storage holds no lock.
   */
  public void awaitPublished() throws IOException {
    awaitPendingBelow(0); // every pending batch counts its checkpoint's bytes, so zero means none is pending
  }

  /**
   * Moves the write-ahead log to its other segment (once that segment's own flush is done) and has the one left
   * flushed: after the publisher has written its last batch, the flusher forces every file its batches wrote and
   * the history, then marks it flushed and preallocates it for its next turn.
   */
  private void switchSegment() throws IOException {
    awaitFlush();
    int left = wal.switchSegment(historyBytes);
    WriteAheadLog log = wal;
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    flushing = done;
    java.util.concurrent.ExecutorService forcing = flusher;
    publisher.execute(() -> {
      Set<Path> toForce = dirty;
      toForce.add(root); // checkpoint-history and checkpoint live there, created by the first publications
      dirty = new LinkedHashSet<>();
      run(forcing, () -> {
        forceAll(toForce);
        history.force();
        log.markFlushed(left);
        log.preallocate(left);
      }).whenComplete((ok, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          done.complete(null);
        }
      });
    });
  }

  private void awaitFlush() throws IOException {
    if (flushing == null) {
      return;
    }
    try {
      flushing.get();
    } catch (java.util.concurrent.ExecutionException e) {
      failed = true;
      throw e.getCause() instanceof IOException io ? io
          : new IOException("flushing the write-ahead log of " + root + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the write-ahead log flush of " + root);
    }
  }

  @Override
  public void repair(TilePath path, byte[] data) throws IOException {
    synchronized (writeLock) {
      requireLock("repair");
      Batch.checkShape(path, data, Long.MAX_VALUE, root.toString());
      awaitPublished();
      writeFiles(List.of(new Pending(file(path), data)));
    }
  }

  /**
   * Replaces the latest checkpoint by the same checkpoint with more signatures: at once for readers of this
   * storage, and in the {@code checkpoint} file once the publisher has written the batches before it (unless a
   * newer checkpoint has been committed by then).
   */
  @Override
  public void publishCosigned(byte[] signedNote) throws IOException {
    java.util.concurrent.CompletableFuture<Void> written;
    synchronized (writeLock) {
      requireLock("publishCosigned");
      SignedNote note;
      try {
        note = SignedNote.parse(signedNote);
      } catch (NoteException e) {
        throw new LedgerException(LedgerErrorCode.CHECKPOINT_MISMATCH, "cosigned checkpoint for " + root
            + " is not a signed note: " + e.getMessage(), e);
      }
      byte[] last;
      synchronized (pendingLock) {
        last = latest;
      }
      if (last == null || !note.text().equals(SignedNote.parse(last).text())) {
        throw new LedgerException(LedgerErrorCode.CHECKPOINT_MISMATCH, "cosigned checkpoint body differs from the latest"
            + " checkpoint in " + root.resolve(HISTORY));
      }
      byte[] copy = signedNote.clone();
      synchronized (pendingLock) {
        latest = copy;
      }
      written = run(publisher, () -> {
        synchronized (pendingLock) {
          if (latest != copy) {
            return; // a newer checkpoint was committed; its publication writes the file
          }
        }
        writeFiles(List.of(new Pending(root.resolve(CHECKPOINT), copy)));
      });
    }
    try {
      written.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io
          : new IOException("writing the cosigned checkpoint of " + root + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing the cosigned checkpoint of " + root);
    }
  }

  /**
   * Deletes superseded partial tiles off the commit path (unlinking dozens of files costs journal time that would
   * otherwise delay the next publication); best effort, one thread for all ledgers.
   */
  private static final java.util.concurrent.ExecutorService SWEEPER =
      java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "portcullis-ledger-sweeper");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
      });

  /** Waits until every deletion queued so far has run (tests observe the layout through it). */
  static void awaitSweeper() throws InterruptedException, java.util.concurrent.ExecutionException {
    SWEEPER.submit(() -> { }).get();
  }

  @Override
  public void close() throws IOException {
    releaseLock();
    history.close();
  }

  // ------------------------------------------------------------------ helpers

  private void requireLock(String what) {
    if (lock == null) {
      throw new LedgerException(LedgerErrorCode.NOT_LOCK_HOLDER, what + " on " + root + " needs the sequencer lock");
    }
  }

  /**
   * Directories under the root already seen to be real directories (not symbolic links), so that each is checked
   * once rather than at every commit and publication: a commit names up to a dozen tiles, and looking up a directory
   * that does not exist yet costs an exception inside the JDK. Bounded: past the limit it starts over.
   */
  private final Set<Path> realDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int MAX_REAL_DIRECTORIES = 1 << 14;

  private Path file(TilePath path) {
    Path f = root.resolve(path.format());
    Path parent = f.getParent();
    if (parent.equals(root) || realDirectories.contains(parent)) {
      return f; // a known real directory's own parents were checked when it was
    }
    // from the root down: below a directory that does not exist yet, none does, and a link is refused
    List<Path> dirs = new ArrayList<>();
    for (Path dir = parent; !dir.equals(root); dir = dir.getParent()) {
      dirs.add(dir);
    }
    for (Path dir : dirs.reversed()) {
      if (realDirectories.contains(dir)) {
        continue;
      }
      // (the JDK answers isDirectory and exists for a missing path without throwing inside; isSymbolicLink throws)
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && Files.isSymbolicLink(dir)) {
          throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, "ledger path " + path.format()
              + " goes through a symbolic link at " + root.relativize(dir));
        }
        break; // missing (created when published, checked there again) or a file (refused when written)
      }
      if (realDirectories.size() >= MAX_REAL_DIRECTORIES) {
        realDirectories.clear();
      }
      realDirectories.add(dir);
    }
    return f;
  }

  private static Optional<byte[]> readFile(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, f + " is too large (" + size + " bytes)");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read until full or end of file
      }
      return Optional.of(buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isSymbolicLink(f) || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, f + " is a symbolic link or a directory, not a file", e);
      }
      throw e;
    }
  }

  private record Pending(Path target, byte[] data) {}

  /** Replaces files atomically: temporary siblings written and forced side by side, renamed, directories forced. */
  private void writeFiles(List<Pending> files) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    List<Path> written = new ArrayList<>(files.size());
    List<IoTask> writes = new ArrayList<>(files.size());
    for (Pending p : files) {
      Path dir = p.target().getParent();
      ensureDirectory(dir, dirs);
      Path file = dir.resolve("." + p.target().getFileName() + ".tmp");
      written.add(file);
      dirs.add(dir);
      writes.add(() -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
          ByteBuffer buf = ByteBuffer.wrap(p.data());
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
      });
    }
    runAll(writes);
    for (int i = 0; i < files.size(); i++) {
      Files.move(written.get(i), files.get(i).target(), StandardCopyOption.ATOMIC_MOVE);
    }
    List<IoTask> dirSyncs = new ArrayList<>(dirs.size());
    for (Path dir : dirs) {
      dirSyncs.add(() -> {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
          ch.force(true);
        }
      });
    }
    runAll(dirSyncs);
  }


  /**
   * Writes the tiles of a committed batch under their final names without forcing them, noting each file and its
   * directory in {@code dirty} for the segment's flush. No temporary file and rename is needed: a tile is written
   * only once its batch is in the write-ahead log, which rewrites it on recovery if a crash tore it; and every
   * path of a batch lies beyond the previously committed tree (a new partial width, a tile just completed).
   */
  private void writeUnforced(List<Pending> files, Set<Path> dirty) throws IOException {
    for (Pending p : files) {
      Path dir = p.target().getParent();
      ensureDirectory(dir, dirty);
      try (FileChannel ch = FileChannel.open(p.target(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.wrap(p.data());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      dirty.add(p.target());
      dirty.add(dir);
    }
  }

  /**
   * Forces files and directories (fsync), in up to 16 concurrent runs; paths deleted since they were written
   * (partial tiles swept after their tile became full) are skipped.
   */
  private static void forceAll(java.util.Collection<Path> paths) throws IOException {
    if (paths.isEmpty()) {
      return;
    }
    List<Path> all = new ArrayList<>(paths);
    int runs = Math.min(16, all.size());
    List<IoTask> tasks = new ArrayList<>(runs);
    for (int r = 0; r < runs; r++) {
      int first = r;
      tasks.add(() -> {
        for (int i = first; i < all.size(); i += runs) {
          try (FileChannel ch = FileChannel.open(all.get(i), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
          } catch (NoSuchFileException gone) {
            // swept since: nothing to keep
          }
        }
      });
    }
    runAll(tasks);
  }


  /** Atomically replaces {@code target} (write a temporary file, rename it over), without forcing. */
  private static void replaceUnforced(Path target, byte[] data) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(temp, data, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One write-and-force of a batch. */
  @FunctionalInterface
  private interface IoTask {
    void run() throws IOException;
  }

  /**
   * Runs the forces of one batch concurrently and waits for all of them: the device (and the file system's
   * journal) can then merge them, so a batch costs about one flush rather than one per file. Any failure fails
   * the whole step.
   */
  private static void runAll(List<IoTask> tasks) throws IOException {
    if (tasks.size() == 1) {
      tasks.get(0).run();
      return;
    }
    List<java.util.concurrent.Future<?>> running = new ArrayList<>(tasks.size());
    for (IoTask task : tasks) {
      running.add(FORCES.submit(() -> {
        task.run();
        return null;
      }));
    }
    IOException failure = null;
    for (java.util.concurrent.Future<?> future : running) {
      try {
        future.get();
      } catch (java.util.concurrent.ExecutionException e) {
        IOException io = e.getCause() instanceof IOException cause ? cause : new IOException(e.getCause());
        if (failure == null) {
          failure = io;
        } else {
          failure.addSuppressed(io);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while forcing ledger files to disk");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Threads that only wait for the disk: forces of one batch run side by side. */
  private static final java.util.concurrent.ExecutorService FORCES = java.util.concurrent.Executors.newCachedThreadPool(
      runnable -> {
        Thread thread = new Thread(runnable, "portcullis-ledger-fsync");
        thread.setDaemon(true);
        return thread;
      });

  /** Creates {@code dir} and missing parents, noting each parent whose entries changed. */
  private void ensureDirectory(Path dir, Set<Path> changedDirs) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      ensureDirectory(dir.getParent(), changedDirs);
      Files.createDirectory(dir);
      changedDirs.add(dir.getParent());
      return;
    }
    if (!attrs.isDirectory()) {
      throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, root.relativize(dir) + " in " + root
          + " is not a directory (a symbolic link or a file)");
    }
  }

  private static void deletePartials(Path fullTile) {
    Path partials = fullTile.resolveSibling(fullTile.getFileName() + ".p");
    try (DirectoryStream<Path> files = Files.newDirectoryStream(partials)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      return; // best effort; leftovers are harmless
    }
    try {
      Files.deleteIfExists(partials);
    } catch (IOException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "FileSystemLedgerStorage[" + root + "]";
  }
}
