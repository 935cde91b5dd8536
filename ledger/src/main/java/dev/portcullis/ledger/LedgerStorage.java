package dev.portcullis.ledger;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a ledger keeps its C2SP tlog-tiles (hash tiles, entry bundles), its latest signed checkpoint and
 * the history of every checkpoint it ever published. Two backends implement it: the file system
 * (default, {@code DATA_DIR/ledger/}) and PostgreSQL; both pass the same contract test suite.
 *
 * <p>Contract: {@link #commit} is the only way the log grows and it is atomic with respect to crashes:
 * either the batch's checkpoint is in the history (and every tile it needs is readable), or the
 * storage still looks as it did before the call. Full tiles are written once and never change;
 * {@link #repair} exists only for recovery, to rewrite a tile found torn after a crash from the entries
 * it was computed from. Only the holder of the {@link SequencerLock} may call {@link #commit},
 * {@link #repair} or {@link #publishCosigned}; readers need no lock.
 */
public interface LedgerStorage extends AutoCloseable {

  /** The bytes of a hash tile or entry bundle, or empty if that path was never written. */
  Optional<byte[]> read(TilePath path) throws IOException;

  /** The latest published signed checkpoint (note text bytes), or empty for a log never written. */
  Optional<byte[]> latestCheckpoint() throws IOException;

  /** The signed checkpoint published for exactly this tree size, or empty if none was. */
  Optional<byte[]> checkpoint(long size) throws IOException;

  /** Every published checkpoint, oldest first. */
  void forEachCheckpoint(Consumer<byte[]> action) throws IOException;

  /**
   * Takes the single-sequencer lock (a lock file, or a PostgreSQL advisory lock). Fails at once with
   * {@link LedgerErrorCode#LOCKED} when another sequencer holds it.
   */
  SequencerLock acquireSequencerLock() throws IOException;

  /**
   * Makes one batch durable and publishes its checkpoint: writes every tile, then appends the checkpoint
   * to the history and makes it the latest. Returns only once all of it survives a crash.
   */
  void commit(Batch batch) throws IOException;

  /** Rewrites a tile that recovery found torn, with bytes recomputed from the entries. */
  void repair(TilePath path, byte[] data) throws IOException;

  /**
   * Replaces the latest checkpoint by the same checkpoint carrying more signatures (witness
   * cosignatures). The note body must be identical to the latest checkpoint's, byte for byte.
   */
  void publishCosigned(byte[] signedNote) throws IOException;

  /** Reads hash tiles through this storage, for {@link TileHashSource}. */
  default TileReader tileReader() {
    return (level, index, width) -> {
      try {
        return read(TilePath.tile(level, index, width)).orElse(null);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  @Override
  void close() throws IOException;

  /** The single-sequencer lock; closing releases it. */
  interface SequencerLock extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** One tile or entry bundle to write. */
  record Tile(TilePath path, byte[] data) {
    public Tile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * One group commit: the tiles and bundles that changed (full ones once, partial ones at their new
   * width), and the signed checkpoint for tree size {@code size}.
   */
  record Batch(long size, List<Tile> tiles, byte[] signedCheckpoint) {
    public Batch {
      tiles = List.copyOf(tiles);
      Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
    }

    /**
     * Checks the batch's shape before a backend writes anything: its checkpoint is for its size, the size
     * exceeds {@code publishedSize}, every hash tile holds exactly its width of hashes, every bundle at least two
     * bytes per entry, and no tile lies beyond the size.
     *
     * @param where the storage, for messages
     * @throws LedgerException {@link LedgerErrorCode#BAD_BATCH} naming what is wrong
     */
    public void check(long publishedSize, String where) {
      long noteSize;
      try {
        noteSize = Checkpoint.of(SignedNote.parse(signedCheckpoint)).size();
      } catch (NoteException e) {
        throw bad(where, "the signed checkpoint does not parse: " + e.getMessage());
      }
      if (noteSize != size) {
        throw bad(where, "the signed checkpoint is for size " + noteSize + " but the batch is for size " + size);
      }
      if (size <= publishedSize) {
        throw bad(where, "batch size " + size + " does not exceed the last published size " + publishedSize);
      }
      for (Tile tile : tiles) {
        checkShape(tile.path(), tile.data(), size, where);
      }
    }

    /** Checks one tile's length, and that it lies within a tree of {@code size}. */
    public static void checkShape(TilePath path, byte[] data, long size, String where) {
      if (!path.entries() && data.length != path.width() * Hash.SIZE) {
        throw bad(where, path.format() + " has " + data.length + " bytes, expected " + path.width() * Hash.SIZE);
      }
      if (path.entries() && data.length < 2 * path.width()) {
        throw bad(where, path.format() + " has " + data.length + " bytes, too few for " + path.width() + " entries");
      }
      if (leavesDetermining(path) > size) {
        throw bad(where, path.format() + " lies beyond the tree size " + size);
      }
    }

    /** Number of leaves that fix the contents of {@code path}: (256·N + W)·256^L, saturating. */
    public static long leavesDetermining(TilePath path) {
      long hashes = path.index() * TilePath.FULL_WIDTH + path.width();
      if (path.index() > (Long.MAX_VALUE - path.width()) / TilePath.FULL_WIDTH) {
        return Long.MAX_VALUE;
      }
      int shift = TilePath.HEIGHT * path.level();
      return shift >= 63 || hashes > (Long.MAX_VALUE >>> shift) ? Long.MAX_VALUE : hashes << shift;
    }

    private static LedgerException bad(String where, String why) {
      return new LedgerException(LedgerErrorCode.BAD_BATCH, "batch for " + where + ": " + why);
    }
  }
}
