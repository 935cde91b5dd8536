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
 * <p>Design. Every file is written to a temporary file in its own directory, forced to disk, renamed over
 * its final name atomically, and the directory is forced; so a reader sees either the old file or the whole
 * new one. {@link #commit} writes every tile of the batch that way first, then appends the signed
 * checkpoint to {@code checkpoint-history} and fdatasyncs it: <b>that is the commit point</b>. Only then is
 * the {@code checkpoint} file replaced. A crash before the commit point leaves files the history does not
 * cover; they are never trusted and the next commit overwrites them.
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
  private final Object writeLock = new Object();
  private FileChannel lockChannel;
  private FileLock lock;
  private boolean failed;

  private FileSystemLedgerStorage(Path root, int indexInterval) {
    this.root = root;
    this.history = new CheckpointHistory(root.resolve(HISTORY), indexInterval);
  }

  /** Opens (creating if absent) the ledger directory {@code dir}. Takes no lock; readers use it as is. */
  public static FileSystemLedgerStorage open(Path dir) throws IOException {
    return open(dir, CheckpointHistory.DEFAULT_INDEX_INTERVAL);
  }

  static FileSystemLedgerStorage open(Path dir, int historyIndexInterval) throws IOException {
    Files.createDirectories(dir);
    Path real = dir.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, "ledger directory " + dir + " is not a directory");
    }
    return new FileSystemLedgerStorage(real, historyIndexInterval);
  }

  /** The ledger directory (its real path). */
  public Path directory() {
    return root;
  }

  @Override
  public Optional<byte[]> read(TilePath path) throws IOException {
    return readFile(file(path));
  }

  @Override
  public Optional<byte[]> latestCheckpoint() throws IOException {
    return readFile(root.resolve(CHECKPOINT));
  }

  @Override
  public Optional<byte[]> checkpoint(long size) throws IOException {
    return history.find(size);
  }

  @Override
  public void forEachCheckpoint(Consumer<byte[]> action) throws IOException {
    history.forEach(action);
  }

  /**
   * Takes the lock on {@code .lock}, then makes the directory consistent for writing: a torn last history
   * record is cut off, and the {@code checkpoint} file is rewritten from the last history record unless it
   * holds that same checkpoint body (possibly with more cosignatures).
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
        history.truncateTornTail();
        reconcileCheckpointFile();
      } catch (IOException | RuntimeException e) {
        releaseLock();
        throw e;
      }
      return this::releaseLock;
    }
  }

  private LedgerException locked() {
    return new LedgerException(LedgerErrorCode.LOCKED, "another sequencer holds the lock on ledger directory " + root);
  }

  private void releaseLock() throws IOException {
    synchronized (writeLock) {
      if (lock != null) {
        lock = null;
        FileChannel ch = lockChannel;
        lockChannel = null;
        ch.close(); // releases the lock
      }
    }
  }

  private void reconcileCheckpointFile() throws IOException {
    Optional<byte[]> last = history.last();
    if (last.isEmpty()) {
      Files.deleteIfExists(root.resolve(CHECKPOINT)); // nothing was ever published
      return;
    }
    Optional<byte[]> current = latestCheckpoint();
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

  @Override
  public void commit(Batch batch) throws IOException {
    synchronized (writeLock) {
      requireLock("commit");
      long committed = history.lastSize();
      long size = batch.size();
      batch.check(committed, root.toString());
      List<Pending> writes = new ArrayList<>(batch.tiles().size());
      for (Tile tile : batch.tiles()) {
        TilePath path = tile.path();
        Path target = file(path);
        if (Batch.leavesDetermining(path) <= committed) {
          Optional<byte[]> existing = readFile(target);
          if (existing.isPresent()) {
            if (!Arrays.equals(existing.get(), tile.data())) {
              throw new LedgerException(LedgerErrorCode.TILE_CONFLICT, path.format() + " in " + root
                  + " belongs to the committed tree of size " + committed + " and would be replaced by different bytes");
            }
            continue;
          }
        }
        writes.add(new Pending(target, tile.data()));
      }
      if (failed) {
        throw new LedgerException(LedgerErrorCode.SEQUENCER_FAILED,
            "an earlier commit to " + root + " failed; reopen the ledger");
      }
      try {
        writeUnpublished(writes);
        history.append(batch.signedCheckpoint(), size);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
      // After the commit point the checkpoint file is a copy of the history's last record: it is replaced
      // atomically but not forced, since recovery rewrites it from the history if a crash loses it.
      replaceUnforced(root.resolve(CHECKPOINT), batch.signedCheckpoint());
      for (Tile tile : batch.tiles()) {
        if (tile.path().isFull()) {
          Path full = file(tile.path());
          SWEEPER.execute(() -> deletePartials(full));
        }
      }
    }
  }

  /**
   * Deletes superseded partial tiles off the commit path (unlinking dozens of files costs journal time that would
   * otherwise delay the next acknowledgement); best effort, one thread for all ledgers.
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
  public void repair(TilePath path, byte[] data) throws IOException {
    synchronized (writeLock) {
      requireLock("repair");
      Batch.checkShape(path, data, Long.MAX_VALUE, root.toString());
      writeFiles(List.of(new Pending(file(path), data)));
    }
  }

  @Override
  public void publishCosigned(byte[] signedNote) throws IOException {
    synchronized (writeLock) {
      requireLock("publishCosigned");
      Optional<byte[]> last = history.last();
      SignedNote note;
      try {
        note = SignedNote.parse(signedNote);
      } catch (NoteException e) {
        throw new LedgerException(LedgerErrorCode.CHECKPOINT_MISMATCH, "cosigned checkpoint for " + root
            + " is not a signed note: " + e.getMessage(), e);
      }
      if (last.isEmpty() || !note.text().equals(SignedNote.parse(last.get()).text())) {
        throw new LedgerException(LedgerErrorCode.CHECKPOINT_MISMATCH, "cosigned checkpoint body differs from the latest"
            + " checkpoint in " + root.resolve(HISTORY));
      }
      writeFiles(List.of(new Pending(root.resolve(CHECKPOINT), signedNote)));
    }
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

  private Path file(TilePath path) {
    Path f = root.resolve(path.format());
    for (Path dir = f.getParent(); !dir.equals(root); dir = dir.getParent()) {
      if (Files.isSymbolicLink(dir)) {
        throw new LedgerException(LedgerErrorCode.UNSAFE_PATH, "ledger path " + path.format()
            + " goes through a symbolic link at " + root.relativize(dir));
      }
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

  /** Replaces files atomically (temporary sibling, force, rename, force the directories). */
  private void writeFiles(List<Pending> files) throws IOException {
    write(files, true);
  }

  /**
   * Writes files, forcing them side by side and then their directories. With {@code viaTemporary}, each goes to
   * a temporary sibling first and is renamed over its name, so a reader sees the old file or the whole new one.
   */
  private void write(List<Pending> files, boolean viaTemporary) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    List<Path> written = new ArrayList<>(files.size());
    List<IoTask> writes = new ArrayList<>(files.size());
    for (Pending p : files) {
      Path dir = p.target().getParent();
      ensureDirectory(dir, dirs);
      Path file = viaTemporary ? dir.resolve("." + p.target().getFileName() + ".tmp") : p.target();
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
    if (viaTemporary) {
      for (int i = 0; i < files.size(); i++) {
        Files.move(written.get(i), files.get(i).target(), StandardCopyOption.ATOMIC_MOVE);
      }
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
   * Writes the tiles of a batch under their final names, forces them side by side, then forces their directories.
   * No temporary file and rename is needed: every path of a batch lies beyond the committed tree (a new partial
   * width, a tile just completed), so until the history's commit point publishes a checkpoint covering them no
   * verifier needs them and the HTTP routes do not serve them; a crash before that point leaves files that are
   * never trusted and are overwritten (truncated first) by the next commit. Skipping the rename halves the
   * metadata the journal must commit per batch.
   */
  private void writeUnpublished(List<Pending> files) throws IOException {
    write(files, false);
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
