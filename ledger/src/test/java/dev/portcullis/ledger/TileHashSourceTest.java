package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiles built from a {@link MemoryHashSource} of a random 70,000-leaf tree must give the same roots and proofs as
 * the memory source itself, for sizes around multiples of 256 and 65,536.
 */
class TileHashSourceTest {
  private static final int MAX = 70_000;
  private static final MemoryHashSource MEMORY = randomTree(MAX, 42);

  private static MemoryHashSource randomTree(int n, long seed) {
    Random rnd = new Random(seed);
    MemoryHashSource m = new MemoryHashSource();
    byte[] b = new byte[Hash.SIZE];
    for (int i = 0; i < n; i++) {
      rnd.nextBytes(b);
      m.append(Hash.of(b));
    }
    return m;
  }

  /** The tiles a log of {@code size} leaves serves, keyed by path, read through a counting reader. */
  static final class MemoryTiles implements TileReader {
    final Map<String, byte[]> tiles = new HashMap<>();
    final AtomicInteger reads = new AtomicInteger();

    MemoryTiles(HashSource source, long size) {
      for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
        for (long t = 0; t <= lt.fullTiles(); t++) {
          int width = t < lt.fullTiles() ? 256 : lt.partialWidth();
          if (width == 0) {
            continue;
          }
          byte[] bytes = new byte[width * Hash.SIZE];
          for (int i = 0; i < width; i++) {
            source.hash(8 * lt.level(), t * 256 + i).copyTo(bytes, i * Hash.SIZE);
          }
          tiles.put(TilePath.tile(lt.level(), t, width).format(), bytes);
        }
      }
    }

    @Override
    public byte[] read(int level, long index, int width) {
      reads.incrementAndGet();
      byte[] b = tiles.get(TilePath.tile(level, index, width).format());
      return b == null ? null : b.clone();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 255, 256, 257, 511, 512, 513, 4096, 65535, 65536, 65537, 65791, 65792, 65793, 69999,
      70000})
  void sameRootsAndProofsAsTheMemorySource(int n) throws ProofException {
    MemoryTiles tiles = new MemoryTiles(MEMORY, n);
    TileHashSource source = new TileHashSource(tiles, n);
    Hash root = MerkleProofs.root(MEMORY, n);
    assertThat(MerkleProofs.root(source, n)).isEqualTo(root);
    Random rnd = new Random(n);
    for (int k = 0; k < 40; k++) {
      long index = k < 3 ? List.of(0L, n - 1L, n / 2L).get(k) : rnd.nextInt(n);
      List<Hash> proof = MerkleProofs.inclusionProof(source, index, n);
      assertThat(proof).isEqualTo(MerkleProofs.inclusionProof(MEMORY, index, n));
      MerkleProofs.verifyInclusion(index, n, MEMORY.hash(0, index), proof, root);
      long old = k < 3 ? List.of(1L, n - 1L, (long) n).get(k) : 1 + rnd.nextInt(n);
      if (old >= 1 && old <= n) {
        // the consistency proof is read from the tiles of the NEW size only
        List<Hash> cp = MerkleProofs.consistencyProof(source, old, n);
        assertThat(cp).isEqualTo(MerkleProofs.consistencyProof(MEMORY, old, n));
        MerkleProofs.verifyConsistency(old, n, cp, MerkleProofs.root(MEMORY, old), root);
      }
    }
  }

  @net.jqwik.api.Property(tries = 40)
  void randomSizesAndSubtreesAgree(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = MAX) int n,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 16) int level,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = MAX) int pick) throws ProofException {
    TileHashSource source = new TileHashSource(new MemoryTiles(MEMORY, n), n, 2);
    assertThat(MerkleProofs.root(source, n)).isEqualTo(MerkleProofs.root(MEMORY, n));
    long count = n >>> level;
    if (count > 0) {
      long i = pick % count;
      assertThat(source.hash(level, i)).isEqualTo(MEMORY.hash(level, i));
    }
    long old = 1 + pick % n;
    assertThat(MerkleProofs.consistencyProof(source, old, n)).isEqualTo(MerkleProofs.consistencyProof(MEMORY, old, n));
  }

  @Test
  void everySubtreeHashAgreesForASizeWithPartialTilesAtThreeLevels() {
    int n = 65536 + 256 * 3 + 17;
    TileHashSource source = new TileHashSource(new MemoryTiles(MEMORY, n), n, 4);
    for (int level = 0; level <= 16; level++) {
      for (long i = 0; i < (n >>> level); i += 1 + (level == 0 ? 97 : 0)) {
        assertThat(source.hash(level, i)).as("level %d index %d", level, i).isEqualTo(MEMORY.hash(level, i));
      }
    }
  }

  @Test
  void cacheAvoidsRereadingTiles() {
    int n = 70000;
    MemoryTiles tiles = new MemoryTiles(MEMORY, n);
    TileHashSource source = new TileHashSource(tiles, n);
    MerkleProofs.inclusionProof(source, 12345, n);
    int first = tiles.reads.get();
    assertThat(first).isBetween(1, 4);
    MerkleProofs.inclusionProof(source, 12345, n);
    MerkleProofs.root(source, n);
    assertThat(tiles.reads.get()).isLessThanOrEqualTo(first + 3);
    int afterRoot = tiles.reads.get();
    MerkleProofs.root(source, n);
    assertThat(tiles.reads.get()).isEqualTo(afterRoot);
  }

  /**
   * Flips a bit of the first hash of a tile. The root of 70,000 reads the three partial tiles (and the upper levels
   * directly), so it must change for those; for every tile of width >= 2, that first hash is the sibling of the
   * second one, so the inclusion proof of the first leaf under the second hash no longer leads to the true root.
   */
  @Test
  void aFlippedBitInAnyTileIsDetected() throws ProofException {
    int n = 70000;
    Hash root = MerkleProofs.root(MEMORY, n);
    MemoryTiles tiles = new MemoryTiles(MEMORY, n);
    assertThat(MerkleProofs.root(new TileHashSource(tiles, n), n)).isEqualTo(root);
    for (String path : tiles.tiles.keySet()) {
      TilePath tp = TilePath.parse(path);
      MemoryTiles bad = new MemoryTiles(MEMORY, n);
      bad.tiles.get(path)[0] ^= (byte) 0x80;
      TileHashSource source = new TileHashSource(bad, n);
      if (!tp.isFull()) {
        assertThat(MerkleProofs.root(source, n)).as(path).isNotEqualTo(root);
      }
      if (tp.width() >= 2) {
        long leaf = (tp.index() * 256 + 1) << (8 * tp.level());
        List<Hash> proof = MerkleProofs.inclusionProof(source, leaf, n);
        assertThat(MerkleProofs.rootFromInclusionProof(leaf, n, MEMORY.hash(0, leaf), proof)).as(path)
            .isNotEqualTo(root);
      }
    }
    assertThat(tiles.tiles).hasSize(273 + 1 + 1 + 1 + 1);
  }

  @Test
  void aMissingTileIsNamed() {
    int n = 70000;
    MemoryTiles tiles = new MemoryTiles(MEMORY, n);
    tiles.tiles.remove("tile/1/001.p/17");
    assertThatExceptionOfType(TileException.class)
        .isThrownBy(() -> MerkleProofs.root(new TileHashSource(tiles, n), n))
        .withMessageContaining("tile/1/001.p/17")
        .satisfies(e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.MISSING_TILE);
          assertThat(e.path()).isEqualTo("tile/1/001.p/17");
        });
  }

  @Test
  void aPartialTileOfAnotherWidthIsNotUsed() {
    // tiles of a 69,999-leaf log hold tile/0/273.p/111, not the tile/0/273.p/110 that size 69,998 needs
    MemoryTiles tiles = new MemoryTiles(MEMORY, 69999);
    assertThat(tiles.tiles).containsKey("tile/0/273.p/111");
    TileHashSource source = new TileHashSource(tiles, 69998);
    assertThat(source.hash(0, 65535)).isEqualTo(MEMORY.hash(0, 65535));
    assertThatExceptionOfType(TileException.class)
        .isThrownBy(() -> source.hash(0, 69990))
        .withMessageContaining("tile/0/273.p/110");
  }

  @Test
  void aWronglySizedTileIsNamed() {
    int n = 600;
    MemoryTiles tiles = new MemoryTiles(MEMORY, n);
    tiles.tiles.put("tile/0/001", new byte[255 * Hash.SIZE]);
    assertThatExceptionOfType(TileException.class)
        .isThrownBy(() -> new TileHashSource(tiles, n).hash(3, 40))
        .withMessageContaining("tile/0/001")
        .withMessageContaining("8160 bytes, expected 8192")
        .extracting(TileException::code).isEqualTo(LedgerErrorCode.WRONG_TILE_SIZE);
  }

  @Test
  void rejectsSubtreesOutsideTheTree() {
    TileHashSource source = new TileHashSource(new MemoryTiles(MEMORY, 300), 300);
    assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> source.hash(0, 300));
    assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> source.hash(9, 0));
    assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> source.hash(2, 75));
    assertThat(source.hash(2, 74)).isEqualTo(MEMORY.hash(2, 74));
    assertThat(source.hash(8, 0)).isEqualTo(MEMORY.hash(8, 0));
  }
}
