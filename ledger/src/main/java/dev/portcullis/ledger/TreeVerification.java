package dev.portcullis.ledger;

import dev.portcullis.ledger.LedgerVerifier.Problem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Rebuilds the Merkle tree of a tlog-tiles log from its entries and compares every stored tile with it.
 *
 * <h2>Design note</h2>
 *
 * <p><b>What is compared.</b> For each level-0 tile index t (full ones, then the partial one at exactly the
 * width the tree size implies, C2SP tlog-tiles): the entry bundle {@code tile/entries/t} is parsed, each entry's
 * RFC 9162 leaf hash computed, and the 32·w bytes compared byte for byte with {@code tile/0/t}. A full tile's
 * 8-level subtree root is the hash at position t of level 1; level q tiles are compared with the hashes so
 * recomputed from level q − 1, and so on up. Hashes flow upward from the entries, never from the stored tiles,
 * unless the entries could not be read (missing or malformed bundle): then the stored level-0 hashes stand in so
 * that the rest can still be checked, or, failing that, the position is unknown and skipped.
 *
 * <p><b>The root.</b> The RFC 9162 root is the right fold of the complete subtrees of the binary decomposition
 * of the size (see {@link CompactRange}). Those at tree levels 8q … 8q+7 all lie in the one partial tile of tile
 * level q (width floor(size/256^q) mod 256): the higher ones are whole positions of level q + 1. So the root comes
 * from the partial tiles alone, at the end, with at most ~255 more hashes per level.
 *
 * <p><b>Cost and memory.</b> Each entry is hashed once and each interior node once (255 per full tile): about two
 * SHA-256 per entry plus the bytes themselves. Memory is flat: one 8 KiB accumulator per tile level, and at most
 * 2·threads bundles in flight. Bundles are hashed on {@code threads} workers; results are consumed strictly in
 * tile order on the calling thread, which also does the (256× smaller) upper levels, so problems come out in the
 * same order whatever the thread count.
 */
final class TreeVerification {
  private static final ThreadLocal<TileHasher> HASHER = ThreadLocal.withInitial(TileHasher::new);
  private static final int W = TilePath.FULL_WIDTH;

  private final LedgerReader reader;
  private final long size;
  private final int threads;
  private final Problems problems;
  private final LongConsumer progress;
  private final List<Level> levels = new ArrayList<>(); // levels.get(q - 1) is tile level q
  private byte[] level0Partial; // hashes of the partial level-0 tile; null if none or unknown
  private long entries;

  TreeVerification(LedgerReader reader, long size, int threads, Problems problems, LongConsumer progress) {
    this.reader = reader;
    this.size = size;
    this.threads = threads;
    this.problems = problems;
    this.progress = progress;
  }

  /** The level-0 outcome of one tile index: problems, the hashes to carry on (null if unknown). */
  private record Unit(long tile, int width, byte[] partialHashes, byte[] fullRoot, List<Problem> problems) {}

  /** Checks the whole tree; returns the root recomputed from the entries, or null if some hash is unknown. */
  Hash run() {
    long fullTiles = size >>> TilePath.HEIGHT;
    int partial = (int) (size & (W - 1));
    long units = fullTiles + (partial > 0 ? 1 : 0);
    ExecutorService pool = threads > 1 && units > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ledger-verify");
      t.setDaemon(true);
      return t;
    }) : null;
    try {
      ArrayDeque<Future<Unit>> window = new ArrayDeque<>();
      long next = 0;
      for (long t = 0; t < units; t++) {
        Unit unit;
        if (pool == null) {
          unit = level0(reader, t, t < fullTiles ? W : partial, size);
        } else {
          while (next < units && window.size() < 2 * threads) {
            long i = next++;
            int width = i < fullTiles ? W : partial;
            window.add(pool.submit(() -> level0(reader, i, width, size)));
          }
          unit = join(window.poll());
        }
        consume(unit);
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    for (Level level : levels) {
      level.finish();
    }
    return root();
  }

  private Unit join(Future<Unit> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw problems.fatal(Problem.of(LedgerErrorCode.READ_FAILED, "", -1, "verification interrupted"));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("bundle verification failed", e.getCause());
    }
  }

  private void consume(Unit unit) {
    for (Problem p : unit.problems()) {
      problems.add(p);
    }
    if (unit.width() == W) {
      level(1).add(unit.fullRoot());
    } else {
      level0Partial = unit.partialHashes();
    }
    entries += unit.width();
    progress.accept(entries);
  }

  private Level level(int q) {
    while (levels.size() < q) {
      levels.add(new Level(levels.size() + 1));
    }
    return levels.get(q - 1);
  }

  /** Parses, hashes and compares one entry bundle with its level-0 tile. Runs on a worker. */
  private static Unit level0(LedgerReader reader, long t, int width, long size) {
    List<Problem> ps = new ArrayList<>(1);
    TileHasher hasher = HASHER.get();
    TilePath bundlePath = TilePath.entryBundle(t, width);
    TilePath tilePath = TilePath.tile(0, t, width);
    long first = t * W;
    byte[] computed = null;
    byte[] bundle = read(reader, bundlePath, first, size, ps);
    if (bundle != null) {
      byte[] leaves = new byte[width * Hash.SIZE];
      EntryBundle.Malformed m = EntryBundle.parse(bundle, width,
          (i, b, off, len) -> hasher.leaf(b, off, len, leaves, i * Hash.SIZE));
      if (m == null) {
        computed = leaves;
      } else {
        ps.add(Problem.of(LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, bundlePath.format(), first + m.position(),
            bundlePath + ": " + m.reason() + " (entries " + first + ".." + (first + width - 1) + ")"));
      }
    }
    byte[] stored = read(reader, tilePath, first, size, ps);
    if (stored != null && stored.length != width * Hash.SIZE) {
      ps.add(new Problem(LedgerErrorCode.WRONG_TILE_SIZE, tilePath.format(), first,
          Integer.toString(width * Hash.SIZE), Integer.toString(stored.length), tilePath + ": " + stored.length
              + " bytes, expected " + width * Hash.SIZE + " (" + width + " hashes)"));
      stored = null;
    }
    if (computed != null && stored != null && !Arrays.equals(computed, stored)) {
      for (int i = 0; i < width; i++) {
        int from = i * Hash.SIZE;
        if (!Arrays.equals(computed, from, from + Hash.SIZE, stored, from, from + Hash.SIZE)) {
          String expected = Hash.of(stored, from).hex();
          String found = Hash.of(computed, from).hex();
          ps.add(new Problem(LedgerErrorCode.TILE_MISMATCH, tilePath.format(), first + i, expected, found,
              tilePath + ": hash " + i + " expected " + expected + " found " + found
                  + ", recomputed from entry " + (first + i) + " (256·" + t + "+" + i + ") of " + bundlePath));
        }
      }
    }
    byte[] hashes = computed != null ? computed : stored;
    byte[] root = null;
    if (hashes != null && width == W) {
      root = new byte[Hash.SIZE];
      hasher.perfectRoot(hashes, 0, W, root, 0);
    }
    return new Unit(t, width, width == W ? null : hashes, root, ps);
  }

  /** Reads a tile or bundle; null (and a problem) if it is missing or unreadable. */
  private static byte[] read(LedgerReader reader, TilePath path, long index, long size, List<Problem> ps) {
    try {
      byte[] bytes = reader.read(path);
      if (bytes == null) {
        ps.add(Problem.of(LedgerErrorCode.MISSING_TILE, path.format(), index, path + ": missing; tree size "
            + size + " needs it"));
      }
      return bytes;
    } catch (LedgerException e) {
      ps.add(Problem.of(e.code(), path.format(), index, path + ": " + e.getMessage()));
      return null;
    }
  }

  /** The RFC 9162 root from the partial tiles of every level (see the design note), or null if unknown. */
  private Hash root() {
    if (size == 0) {
      return MerkleHash.empty();
    }
    TileHasher hasher = HASHER.get();
    List<byte[]> peaks = new ArrayList<>();
    for (int q = levels.size(); q >= 0; q--) {
      int width = (int) ((size >>> (TilePath.HEIGHT * q)) & (W - 1));
      if (width == 0) {
        continue;
      }
      byte[] hashes = q == 0 ? level0Partial : levels.get(q - 1).partialHashes();
      if (hashes == null) {
        return null;
      }
      int start = 0;
      for (int bit = TilePath.HEIGHT - 1; bit >= 0; bit--) {
        int n = 1 << bit;
        if ((width & n) != 0) {
          byte[] peak = new byte[Hash.SIZE];
          hasher.perfectRoot(hashes, start * Hash.SIZE, n, peak, 0);
          peaks.add(peak);
          start += n;
        }
      }
    }
    byte[] h = peaks.getLast().clone();
    for (int i = peaks.size() - 2; i >= 0; i--) {
      hasher.node(peaks.get(i), 0, h, 0, h, 0);
    }
    return Hash.of(h);
  }

  /** Tile level q ≥ 1: accumulates the hashes recomputed from level q − 1 and checks each stored tile. */
  private final class Level {
    private final int q;
    private final byte[] hashes = new byte[W * Hash.SIZE];
    private final boolean[] known = new boolean[W];
    private int count;
    private long tileIndex;

    Level(int q) {
      this.q = q;
    }

    void add(byte[] hash) {
      known[count] = hash != null;
      if (hash != null) {
        System.arraycopy(hash, 0, hashes, count * Hash.SIZE, Hash.SIZE);
      }
      count++;
      if (count == W) {
        boolean complete = check(W);
        byte[] root = null;
        if (complete) {
          root = new byte[Hash.SIZE];
          HASHER.get().perfectRoot(hashes, 0, W, root, 0);
        }
        level(q + 1).add(root);
        tileIndex++;
        count = 0;
      }
    }

    void finish() {
      if (count > 0) {
        check(count);
      }
    }

    /** The partial tile's hashes, or null if one is unknown. */
    byte[] partialHashes() {
      for (int i = 0; i < count; i++) {
        if (!known[i]) {
          return null;
        }
      }
      return hashes;
    }

    /** Compares the stored tile of this width with the recomputed hashes; true if all of them are known. */
    private boolean check(int width) {
      TilePath path = TilePath.tile(q, tileIndex, width);
      long first = tileIndex * W;
      List<Problem> ps = new ArrayList<>(1);
      byte[] stored = read(reader, path, first, size, ps);
      if (stored != null && stored.length != width * Hash.SIZE) {
        ps.add(new Problem(LedgerErrorCode.WRONG_TILE_SIZE, path.format(), first,
            Integer.toString(width * Hash.SIZE), Integer.toString(stored.length), path + ": " + stored.length
                + " bytes, expected " + width * Hash.SIZE + " (" + width + " hashes)"));
        stored = null;
      }
      boolean complete = true;
      for (int i = 0; i < width; i++) {
        int from = i * Hash.SIZE;
        if (!known[i]) {
          complete = false;
        } else if (stored != null
            && !Arrays.equals(hashes, from, from + Hash.SIZE, stored, from, from + Hash.SIZE)) {
          String expected = Hash.of(stored, from).hex();
          String found = Hash.of(hashes, from).hex();
          long g = first + i;
          long span = 1L << (TilePath.HEIGHT * q);
          ps.add(new Problem(LedgerErrorCode.TILE_MISMATCH, path.format(), g, expected, found,
              path + ": hash " + i + " expected " + expected + " found " + found + ", recomputed from entries "
                  + g * span + ".." + ((g + 1) * span - 1) + " (the hashes of " + TilePath.tile(q - 1, g, W) + ")"));
        }
      }
      for (Problem p : ps) {
        problems.add(p);
      }
      return complete;
    }
  }
}
