package dev.portcullis.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, and where possible repairs, the tiles a tree of the latest checkpoint's size needs, before the
 * sequencer appends to it.
 *
 * <p>Design. The signed checkpoint root is the truth; entry bundles are the data; hash tiles are derived.
 * Only the right edge can be affected by a crash (every older file was forced before an earlier commit
 * point), so recovery looks at the right edge only, O(log n) tiles: at each tile level the last full tile
 * and the partial tile the size implies. It builds candidate tiles bottom-up: level 0 from the leaf hashes of
 * the right-edge entry bundles; a higher level always rebuilt from the (up to 256) full tiles below it — the
 * candidates where the edge passes, stored tiles elsewhere, themselves rebuilt from bundles or from below if
 * missing or of the wrong length. That costs at most ~2 MiB of reads and 64 Ki hashes per tile level. If the root over the candidates equals the checkpoint root, every stored tile that differs
 * from its candidate is rewritten with {@link LedgerStorage#repair}. Otherwise, if the stored tiles alone
 * give the checkpoint root, an entry bundle disagrees with them: {@link LedgerErrorCode#BUNDLE_CORRUPT}
 * naming it (a bundle cannot be rebuilt). Anything else is {@link LedgerErrorCode#RECOVERY_ROOT_MISMATCH}.
 * Files beyond the checkpoint (from a batch that crashed before its commit point) are never read.
 *
 * <p>A full audit of older bundles is the verifier's job; recovery stays O(log n) so that opening a log of
 * a billion entries takes milliseconds.
 */
final class SequencerRecovery {
  private final LedgerStorage storage;
  private final long size;
  private final Map<TilePath, byte[]> candidates = new LinkedHashMap<>();
  private final Map<TilePath, Optional<byte[]>> stored = new HashMap<>();

  private SequencerRecovery(LedgerStorage storage, long size) {
    this.storage = storage;
    this.size = size;
  }

  /** Verifies the right edge of the tree of {@code size} leaves against {@code root}, repairing torn tiles. */
  static void recover(LedgerStorage storage, long size, Hash root) throws IOException {
    new SequencerRecovery(storage, size).run(root);
  }

  private void run(Hash root) throws IOException {
    if (size == 0) {
      if (!root.equals(MerkleHash.empty())) {
        throw new LedgerException(LedgerErrorCode.RECOVERY_ROOT_MISMATCH,
            "checkpoint of size 0 has root " + root + ", not the empty-tree hash");
      }
      return;
    }
    buildCandidates();
    Hash candidateRoot = rootOver(candidates);
    if (candidateRoot != null && candidateRoot.equals(root)) {
      for (Map.Entry<TilePath, byte[]> c : candidates.entrySet()) {
        Optional<byte[]> s = stored(c.getKey());
        if (s.isEmpty() || !Arrays.equals(s.get(), c.getValue())) {
          storage.repair(c.getKey(), c.getValue());
        }
      }
      return;
    }
    Hash storedRoot = rootOver(Map.of());
    List<String> bad = new ArrayList<>();
    for (Map.Entry<TilePath, byte[]> c : candidates.entrySet()) {
      TilePath p = c.getKey();
      if (p.level() == 0 && !Arrays.equals(stored(p).orElse(null), c.getValue())) {
        bad.add(TilePath.entryBundle(p.index(), p.width()).format());
      }
    }
    if (storedRoot != null && storedRoot.equals(root) && !bad.isEmpty()) {
      throw new LedgerException(LedgerErrorCode.BUNDLE_CORRUPT, "entry bundle " + String.join(", ", bad)
          + " does not hash to the stored tiles and checkpoint root of tree size " + size
          + "; an entry bundle cannot be rebuilt");
    }
    throw new LedgerException(LedgerErrorCode.RECOVERY_ROOT_MISMATCH, "root recomputed from storage for tree size "
        + size + " is " + (candidateRoot == null ? "unavailable" : candidateRoot) + ", the checkpoint says " + root
        + "; the tiles below the right edge do not match the signed tree");
  }

  private void buildCandidates() throws IOException {
    for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
      int q = lt.level();
      List<TilePath> edge = new ArrayList<>(2);
      if (lt.fullTiles() > 0) {
        edge.add(TilePath.tile(q, lt.fullTiles() - 1, TilePath.FULL_WIDTH));
      }
      if (lt.partialWidth() > 0) {
        edge.add(TilePath.tile(q, lt.fullTiles(), lt.partialWidth()));
      }
      for (TilePath p : edge) {
        byte[] expected = q == 0 ? leafHashes(p.index(), p.width()) : rebuild(p);
        candidates.put(p, expected);
      }
    }
  }

  /** Recomputes a tile of level ≥ 1 from the full tiles below it, rebuilding any of those that are torn. */
  private byte[] rebuild(TilePath p) throws IOException {
    byte[] out = new byte[p.width() * Hash.SIZE];
    for (int j = 0; j < p.width(); j++) {
      TilePath child = TilePath.tile(p.level() - 1, p.index() * TilePath.FULL_WIDTH + j, TilePath.FULL_WIDTH);
      byte[] bytes = candidates.get(child);
      if (bytes == null) {
        Optional<byte[]> s = stored(child);
        if (s.isPresent() && intact(child, s.get())) {
          bytes = s.get();
        } else {
          bytes = child.level() == 0 ? leafHashes(child.index(), child.width()) : rebuild(child);
          candidates.put(child, bytes);
        }
      }
      subtreeRoot(bytes).copyTo(out, j * Hash.SIZE);
    }
    return out;
  }

  /** The leaf hashes of entry bundle {@code index} of {@code width} entries, as a level-0 tile. */
  private byte[] leafHashes(long index, int width) throws IOException {
    TilePath path = TilePath.entryBundle(index, width);
    byte[] bundle = storage.read(path).orElseThrow(() -> new LedgerException(LedgerErrorCode.BUNDLE_CORRUPT,
        "entry bundle " + path + " of tree size " + size + " is missing"));
    byte[] out = new byte[width * Hash.SIZE];
    int at = 0;
    for (int i = 0; i < width; i++) {
      if (at + 2 > bundle.length) {
        throw torn(path, "ends after " + i + " of " + width + " entries");
      }
      int length = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
      if (at + 2 + length > bundle.length) {
        throw torn(path, "entry " + i + " runs past the end of the bundle");
      }
      MerkleHash.leaf(bundle, at + 2, length).copyTo(out, i * Hash.SIZE);
      at += 2 + length;
    }
    if (at != bundle.length) {
      throw torn(path, "has " + (bundle.length - at) + " bytes after its " + width + " entries");
    }
    return out;
  }

  private LedgerException torn(TilePath path, String why) {
    return new LedgerException(LedgerErrorCode.BUNDLE_CORRUPT, "entry bundle " + path + " of tree size " + size
        + " " + why + "; an entry bundle cannot be rebuilt");
  }

  private Optional<byte[]> stored(TilePath p) throws IOException {
    Optional<byte[]> s = stored.get(p);
    if (s == null) {
      s = storage.read(p);
      stored.put(p, s);
    }
    return s;
  }

  private static boolean intact(TilePath p, byte[] data) {
    return data.length == p.width() * Hash.SIZE;
  }

  /** MTH of a full tile's 256 hashes: the hash 8 levels up. */
  static Hash subtreeRoot(byte[] tile) {
    Hash[] row = new Hash[TilePath.FULL_WIDTH];
    for (int i = 0; i < row.length; i++) {
      row[i] = Hash.of(tile, i * Hash.SIZE);
    }
    for (int n = row.length; n > 1; n /= 2) {
      for (int i = 0; i < n / 2; i++) {
        row[i] = MerkleHash.node(row[2 * i], row[2 * i + 1]);
      }
    }
    return row[0];
  }

  /** The root over {@code overlay} tiles, falling back to stored ones; null if a tile is missing or malformed. */
  private Hash rootOver(Map<TilePath, byte[]> overlay) {
    TileReader reader = (level, index, width) -> {
      TilePath p = TilePath.tile(level, index, width);
      byte[] b = overlay.get(p);
      if (b != null) {
        return b;
      }
      try {
        return stored(p).orElse(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    try {
      return MerkleProofs.root(new TileHashSource(reader, size), size);
    } catch (TileException e) {
      return null;
    }
  }
}
