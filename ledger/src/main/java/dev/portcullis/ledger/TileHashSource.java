package dev.portcullis.ledger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link HashSource} over the hash tiles of a tree of a fixed size.
 *
 * <p>Design: tiles store tree levels 0, 8, 16, … (tile level q holds tree level 8q). A request for
 * {@code hash(8q + r, i)} with r in 0..7 reads tile {@code i·2^r / 256} of tile level q and, for r &gt; 0, the
 * node of height r above positions {@code i·2^r … (i+1)·2^r − 1} of that tile; the 2^r positions are aligned, so
 * they always sit in one tile. Only tiles that exist for this tree size are read: full tiles, and the partial tile
 * with exactly the width floor(size/256^q) mod 256. A loaded tile is expanded once into the complete nodes of its
 * 8-level subtree (at most 255 SHA-256) and kept in bounded LRU caches (one for level-0 tiles, a larger one for
 * the few upper tiles every proof passes through), so proofs over warm tiles cost array lookups. Thread-safe (the cache is guarded by this object's lock).
 */
public final class TileHashSource implements HashSource {
  /** Default number of cached level-0 tiles (each ~16 KiB expanded). */
  public static final int DEFAULT_CACHE_TILES = 64;
  /**
   * Cached tiles of levels 1 and up: there are only n/65,536 of them (153 for 10 million entries) and every proof
   * passes through them, so they are kept far longer than level-0 tiles, which random proofs rarely share.
   */
  static final int UPPER_CACHE_TILES = 1024;

  /**
   * Level-0 tiles whose upper half (the 30 nodes of heights 4 to 7, 960 bytes) is kept: 32,768 tiles, about
   * 62 MiB at most, which covers a log of 16 million entries entirely.
   */
  static final int SUMMARY_CACHE_TILES = 65_536;
  private static final int SUMMARY_HEIGHT = 4;

  private final TileReader reader;
  private final long size;
  private final LinkedHashMap<Long, Tile> leaves;
  private final LinkedHashMap<Long, Tile> upper;
  private final LinkedHashMap<Long, byte[]> raw;
  private final LinkedHashMap<Long, Tile> summaries;

  /** A source over the tiles of a tree of {@code size} leaves, caching {@value #DEFAULT_CACHE_TILES} tiles. */
  public TileHashSource(TileReader reader, long size) {
    this(reader, size, DEFAULT_CACHE_TILES);
  }

  public TileHashSource(TileReader reader, long size, int cacheTiles) {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must be >= 0, got " + size);
    }
    if (cacheTiles < 1) {
      throw new IllegalArgumentException("cache must hold at least 1 tile, got " + cacheTiles);
    }
    this.reader = reader;
    this.size = size;
    this.leaves = lru(cacheTiles);
    this.upper = lru(Math.max(cacheTiles, UPPER_CACHE_TILES));
    this.raw = lru(cacheTiles);
    this.summaries = lru(Math.max(cacheTiles, SUMMARY_CACHE_TILES));
  }

  private static <T> LinkedHashMap<Long, T> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, T> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The tree size this source serves. */
  public long size() {
    return size;
  }

  @Override
  public Hash hash(int level, long index) {
    if (level < 0 || level > 63 || index < 0 || index >= (size >>> level)) {
      throw new IllegalArgumentException("no complete subtree at level " + level + ", index " + index
          + " in a tree of " + size + " leaves");
    }
    int tileLevel = level / TilePath.HEIGHT;
    int r = level % TilePath.HEIGHT;
    long first = index << r; // first stored hash at tree level 8·tileLevel; < size >>> 8·tileLevel
    long tileIndex = first >>> TilePath.HEIGHT;
    int position = (int) (first & (TilePath.FULL_WIDTH - 1)) >>> r;
    if (tileLevel == 0) {
      return leafTileNode(tileIndex, r, position);
    }
    return tile(tileLevel, tileIndex).node(r, position);
  }

  /**
   * A node of a level-0 tile. Proofs over a large log rarely meet the same level-0 tile twice, so instead of
   * expanding each (255 SHA-256), the upper half of every tile met is kept compact (heights 4–7) and the lower
   * half is rehashed from the tile's stored hashes on demand: a proof then costs about 11 hashes in the tile,
   * not 255.
   */
  private Hash leafTileNode(long tileIndex, int height, int position) {
    synchronized (this) {
      Tile expanded = leaves.get(tileIndex);
      if (expanded != null) {
        return expanded.node(height, position);
      }
      if (height >= SUMMARY_HEIGHT) {
        Tile summary = summaries.get(tileIndex);
        if (summary != null) {
          return summary.node(height, position);
        }
      }
    }
    if (height >= SUMMARY_HEIGHT) {
      Tile tile = tile(0, tileIndex); // expands it once and keeps its upper half
      synchronized (this) {
        summaries.put(tileIndex, tile.upperHalf(SUMMARY_HEIGHT));
      }
      return tile.node(height, position);
    }
    byte[] bytes = rawTile(tileIndex);
    if (height == 0) {
      return Hash.of(bytes, position * Hash.SIZE);
    }
    return Tile.subtree(bytes, position << height, height);
  }

  private byte[] rawTile(long tileIndex) {
    synchronized (this) {
      byte[] bytes = raw.get(tileIndex);
      if (bytes != null) {
        return bytes;
      }
    }
    long count = size;
    long full = count >>> TilePath.HEIGHT;
    int width = tileIndex < full ? TilePath.FULL_WIDTH : (int) (count & (TilePath.FULL_WIDTH - 1));
    byte[] bytes = readChecked(0, tileIndex, width);
    synchronized (this) {
      raw.put(tileIndex, bytes);
    }
    return bytes;
  }

  private byte[] readChecked(int tileLevel, long tileIndex, int width) {
    TilePath path = TilePath.tile(tileLevel, tileIndex, width);
    byte[] bytes = reader.read(tileLevel, tileIndex, width);
    if (bytes == null) {
      throw new TileException(LedgerErrorCode.MISSING_TILE, path, "missing tile for tree size " + size);
    }
    if (bytes.length != width * Hash.SIZE) {
      throw new TileException(LedgerErrorCode.WRONG_TILE_SIZE, path, "tile has " + bytes.length
          + " bytes, expected " + width * Hash.SIZE + " (" + width + " hashes)");
    }
    return bytes;
  }

  private Tile tile(int tileLevel, long tileIndex) {
    long count = size >>> (TilePath.HEIGHT * tileLevel);
    long full = count >>> TilePath.HEIGHT;
    int width = tileIndex < full ? TilePath.FULL_WIDTH : (int) (count & (TilePath.FULL_WIDTH - 1));
    // tileLevel <= 7 and tileIndex < 2^56, so the key is unique
    long key = ((long) tileLevel << 56) | tileIndex;
    LinkedHashMap<Long, Tile> cache = tileLevel == 0 ? leaves : upper;
    synchronized (this) {
      Tile t = cache.get(key);
      if (t != null) {
        return t;
      }
    }
    byte[] bytes = readChecked(tileLevel, tileIndex, width);
    Tile t = new Tile(bytes, width);
    synchronized (this) {
      cache.put(key, t);
    }
    return t;
  }

  /**
   * The complete nodes of one tile's 8-level subtree, packed in one array: row h (nodes of height h over
   * positions j·2^h…) starts at {@code offsets[h]}. Built with one SHA-256 per node and no per-node objects.
   */
  private static final class Tile {
    private final byte[] nodes;
    private final int[] offsets = new int[TilePath.HEIGHT];

    private Tile(byte[] nodes, int[] offsets) {
      this.nodes = nodes;
      System.arraycopy(offsets, 0, this.offsets, 0, offsets.length);
    }

    /** A tile that keeps only rows {@code from}..7 (rows below read as absent). */
    Tile upperHalf(int from) {
      int start = offsets[from];
      int[] shifted = new int[TilePath.HEIGHT];
      for (int h = from; h < TilePath.HEIGHT; h++) {
        shifted[h] = offsets[h] - start;
      }
      return new Tile(java.util.Arrays.copyOfRange(nodes, start, nodes.length), shifted);
    }

    /** The hash of the 2^height stored hashes starting at position {@code first} of {@code bytes}. */
    static Hash subtree(byte[] bytes, int first, int height) {
      int count = 1 << height;
      byte[] row = java.util.Arrays.copyOfRange(bytes, first * Hash.SIZE, (first + count) * Hash.SIZE);
      java.security.MessageDigest md = MerkleHash.newSha256();
      try {
        for (int n = count / 2; n >= 1; n /= 2) {
          for (int j = 0; j < n; j++) {
            md.update((byte) 0x01);
            md.update(row, 2 * j * Hash.SIZE, 2 * Hash.SIZE);
            md.digest(row, j * Hash.SIZE, Hash.SIZE);
          }
        }
      } catch (java.security.DigestException e) {
        throw new IllegalStateException("SHA-256 output does not fit its 32 bytes", e);
      }
      return Hash.of(row, 0);
    }

    Tile(byte[] bytes, int width) {
      int total = 0;
      for (int h = 0, n = width; h < TilePath.HEIGHT; h++, n /= 2) {
        offsets[h] = total * Hash.SIZE;
        total += n;
      }
      nodes = new byte[total * Hash.SIZE];
      System.arraycopy(bytes, 0, nodes, 0, width * Hash.SIZE);
      java.security.MessageDigest md = MerkleHash.newSha256();
      try {
        for (int h = 1, n = width / 2; h < TilePath.HEIGHT; h++, n /= 2) {
          int below = offsets[h - 1];
          int row = offsets[h];
          for (int j = 0; j < n; j++) {
            md.update((byte) 0x01);
            md.update(nodes, below + 2 * j * Hash.SIZE, 2 * Hash.SIZE);
            md.digest(nodes, row + j * Hash.SIZE, Hash.SIZE);
          }
        }
      } catch (java.security.DigestException e) {
        throw new IllegalStateException("SHA-256 output does not fit its 32 bytes", e);
      }
    }

    Hash node(int height, int position) {
      return Hash.of(nodes, offsets[height] + position * Hash.SIZE);
    }
  }
}
