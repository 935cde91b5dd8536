package dev.portcullis.ledger;

import java.util.ArrayList;

/**
 * An in-memory {@link HashSource} holding every complete subtree hash of every level, for tests and
 * benchmarks. Hashes are packed 32 bytes apiece into 1 MiB chunks per level (no object per hash), so
 * n leaves take about 64·n bytes.
 *
 * <p>Appends must come from one thread; reads are safe from any thread once the appends that produced
 * them happen-before the reads (e.g. built in a setup phase).
 */
public final class MemoryHashSource implements HashSource {
  private static final int CHUNK_SHIFT = 15; // 32,768 hashes = 1 MiB per chunk
  private static final int CHUNK_HASHES = 1 << CHUNK_SHIFT;

  private final ArrayList<ArrayList<byte[]>> levels = new ArrayList<>();
  private final long[] counts = new long[64];
  private final CompactRange range = CompactRange.empty();

  /** Appends a leaf hash (not an entry: hash entries with {@link MerkleHash#leaf}). */
  public void append(Hash leafHash) {
    for (SubtreeHash s : range.append(leafHash)) {
      put(s.level(), s.index(), s.hash());
    }
  }

  /** Hashes {@code entry} as a leaf and appends it. */
  public void appendEntry(byte[] entry) {
    append(MerkleHash.leaf(entry));
  }

  /** Number of leaves. */
  public long size() {
    return range.size();
  }

  /** The root of the whole tree as it is now. */
  public Hash root() {
    return range.root();
  }

  private void put(int level, long index, Hash hash) {
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    if (counts[level] != index) {
      throw new IllegalStateException("level " + level + ": expected subtree " + counts[level] + ", got " + index);
    }
    ArrayList<byte[]> chunks = levels.get(level);
    int chunk = Math.toIntExact(index >>> CHUNK_SHIFT);
    if (chunk == chunks.size()) {
      chunks.add(new byte[CHUNK_HASHES * Hash.SIZE]);
    }
    hash.copyTo(chunks.get(chunk), (int) (index & (CHUNK_HASHES - 1)) * Hash.SIZE);
    counts[level] = index + 1;
  }

  @Override
  public Hash hash(int level, long index) {
    if (level < 0 || level >= levels.size() || index < 0 || index >= counts[level]) {
      throw new IllegalArgumentException("no complete subtree at level " + level + ", index " + index
          + " in a tree of " + size() + " leaves");
    }
    byte[] chunk = levels.get(level).get((int) (index >>> CHUNK_SHIFT));
    return Hash.of(chunk, (int) (index & (CHUNK_HASHES - 1)) * Hash.SIZE);
  }
}
