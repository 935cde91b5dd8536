package dev.portcullis.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the batches a sequencer would commit, without a sequencer: a signer, an origin and the right edge of a
 * tree, so storage tests can commit real tiles and checkpoints and compare roots with {@link MemoryHashSource}.
 */
public final class LedgerStorageFixture {
  /** A fixed key, so that failures are reproducible. */
  public static final NoteSigner.Ed25519 SIGNER = new NoteSigner.Ed25519("ledger.test", new byte[32]);
  public static final String ORIGIN = "ledger.test/log";

  private final SequencerTiles tiles = SequencerTiles.empty();
  private final MemoryHashSource memory = new MemoryHashSource();
  private final List<byte[]> entries = new ArrayList<>();

  /** The entry the fixture appends at {@code index}. */
  public static byte[] entry(long index) {
    return ("entry " + index + " " + "x".repeat((int) (index % 23))).getBytes(StandardCharsets.UTF_8);
  }

  /** The batch that appends {@code count} more entries (0 gives the batch of a fresh log's first checkpoint). */
  public LedgerStorage.Batch next(int count) {
    List<byte[]> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] e = entry(tiles.size() + i);
      batch.add(e);
    }
    List<LedgerStorage.Tile> written = tiles.append(batch);
    for (byte[] e : batch) {
      memory.appendEntry(e);
      entries.add(e);
    }
    return new LedgerStorage.Batch(tiles.size(), written, signedCheckpoint(tiles.size(), tiles.root()));
  }

  /** A checkpoint note for {@code size} and {@code root}, signed by {@link #SIGNER}. */
  public static byte[] signedCheckpoint(long size, Hash root) {
    return new Checkpoint(ORIGIN, size, root.toBytes()).sign(SIGNER).bytes();
  }

  public long size() {
    return tiles.size();
  }

  /** The root of every entry so far, computed in memory. */
  public Hash root() {
    return memory.root();
  }

  public List<byte[]> entries() {
    return entries;
  }
}
