package dev.portcullis.ledger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sequencer's right edge of the tree: the compact range, the partial hash tile of every tile level and
 * the partial entry bundle (C2SP tlog-tiles, height 8). Appending a batch hashes each entry once (leaf) and
 * each completed interior node once (in {@link CompactRange}), copies each hash of a tile level (tree levels
 * 0, 8, 16, …) into that level's tile buffer in place, and returns the tiles to write: every tile and bundle
 * that became full, plus the partial tile of each level that changed, at its new width.
 *
 * <p>State is O(tile levels · 8 KiB + one bundle); nothing is kept per acknowledged entry. Not thread-safe:
 * only the sequencer's writer thread uses it.
 */
final class SequencerTiles {
  private static final int LEVELS = 8; // tile levels 0..7 cover tree levels 0..63
  private static final int TILE_BYTES = TilePath.FULL_WIDTH * Hash.SIZE;

  private final CompactRange range;
  private final byte[][] tiles = new byte[LEVELS][];
  private final boolean[] changed = new boolean[LEVELS];
  private byte[] bundle = new byte[1 << 16];
  private int bundleLength;
  private int bundleCount;
  private boolean bundleChanged;

  private SequencerTiles(CompactRange range) {
    this.range = range;
  }

  static SequencerTiles empty() {
    return new SequencerTiles(CompactRange.empty());
  }

  /** Resumes at {@code size} from storage whose right edge recovery has checked. */
  static SequencerTiles restore(LedgerStorage storage, long size) throws IOException {
    SequencerTiles t = new SequencerTiles(CompactRange.restore(size, new TileHashSource(storage.tileReader(), size)));
    for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
      if (lt.partialWidth() > 0) {
        TilePath path = TilePath.tile(lt.level(), lt.fullTiles(), lt.partialWidth());
        byte[] data = storage.read(path).orElseThrow(() -> new TileException(LedgerErrorCode.MISSING_TILE, path,
            "partial tile missing after recovery"));
        t.tiles[lt.level()] = Arrays.copyOf(data, TILE_BYTES);
      }
    }
    int width = (int) (size & (TilePath.FULL_WIDTH - 1));
    if (width > 0) {
      TilePath path = TilePath.entryBundle(size >>> TilePath.HEIGHT, width);
      byte[] data = storage.read(path).orElseThrow(() -> new LedgerException(LedgerErrorCode.BUNDLE_CORRUPT,
          "entry bundle " + path + " missing after recovery"));
      t.ensureBundleCapacity(data.length);
      System.arraycopy(data, 0, t.bundle, 0, data.length);
      t.bundleLength = data.length;
      t.bundleCount = width;
    }
    return t;
  }

  long size() {
    return range.size();
  }

  Hash root() {
    return range.root();
  }

  /** Appends the entries (each 1..65,535 bytes) and returns the tiles and bundles to write for them. */
  List<LedgerStorage.Tile> append(List<byte[]> entries) {
    List<LedgerStorage.Tile> out = new ArrayList<>();
    for (byte[] entry : entries) {
      appendToBundle(entry, out);
      for (SubtreeHash s : range.append(MerkleHash.leaf(entry))) {
        if (s.level() % TilePath.HEIGHT == 0) {
          int q = s.level() / TilePath.HEIGHT;
          int position = (int) (s.index() & (TilePath.FULL_WIDTH - 1));
          if (tiles[q] == null) {
            tiles[q] = new byte[TILE_BYTES];
          }
          s.hash().copyTo(tiles[q], position * Hash.SIZE);
          changed[q] = true;
          if (position == TilePath.FULL_WIDTH - 1) {
            out.add(new LedgerStorage.Tile(TilePath.tile(q, s.index() >>> TilePath.HEIGHT, TilePath.FULL_WIDTH),
                tiles[q].clone()));
          }
        }
      }
    }
    long size = range.size();
    for (int q = 0; q < LEVELS; q++) {
      if (changed[q]) {
        changed[q] = false;
        long count = size >>> (TilePath.HEIGHT * q);
        int width = (int) (count & (TilePath.FULL_WIDTH - 1));
        if (width > 0) {
          out.add(new LedgerStorage.Tile(TilePath.tile(q, count >>> TilePath.HEIGHT, width),
              Arrays.copyOf(tiles[q], width * Hash.SIZE)));
        }
      }
    }
    if (bundleChanged) {
      bundleChanged = false;
      if (bundleCount > 0) {
        out.add(new LedgerStorage.Tile(TilePath.entryBundle(size >>> TilePath.HEIGHT, bundleCount),
            Arrays.copyOf(bundle, bundleLength)));
      }
    }
    return out;
  }

  private void appendToBundle(byte[] entry, List<LedgerStorage.Tile> out) {
    ensureBundleCapacity(bundleLength + 2 + entry.length);
    bundle[bundleLength] = (byte) (entry.length >>> 8);
    bundle[bundleLength + 1] = (byte) entry.length;
    System.arraycopy(entry, 0, bundle, bundleLength + 2, entry.length);
    bundleLength += 2 + entry.length;
    bundleCount++;
    bundleChanged = true;
    if (bundleCount == TilePath.FULL_WIDTH) {
      out.add(new LedgerStorage.Tile(TilePath.entryBundle(range.size() >>> TilePath.HEIGHT, TilePath.FULL_WIDTH),
          Arrays.copyOf(bundle, bundleLength)));
      bundleLength = 0;
      bundleCount = 0;
    }
  }

  private void ensureBundleCapacity(int needed) {
    if (needed > bundle.length) {
      bundle = Arrays.copyOf(bundle, Math.max(needed, bundle.length * 2));
    }
  }
}
