package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Trees larger than one storage chunk (32,768 hashes), e.g. the tlog-tiles example size 70,000. */
class MemoryHashSourceTest {
  @Test
  void seventyThousandLeavesAcrossChunkBoundaries() throws ProofException {
    int n = 70_000;
    List<Hash> leaves = NaiveMerkle.leaves(n);
    MemoryHashSource source = NaiveMerkle.source(leaves);
    Hash root = NaiveMerkle.mth(leaves);
    assertThat(source.size()).isEqualTo(n);
    assertThat(source.root()).isEqualTo(root);
    assertThat(MerkleProofs.root(source, n)).isEqualTo(root);
    for (int i : new int[] {0, 32_767, 32_768, 65_535, 65_536, 69_999}) {
      assertThat(source.hash(0, i)).isEqualTo(leaves.get(i));
    }
    // a level-8 hash is the root of one full tlog-tiles level-0 tile (256 leaves)
    assertThat(source.hash(8, 272)).isEqualTo(NaiveMerkle.mth(leaves.subList(272 * 256, 273 * 256)));
    assertThatThrownBy(() -> source.hash(8, 273)).isInstanceOf(IllegalArgumentException.class);
    SplittableRandom random = new SplittableRandom(1);
    for (int t = 0; t < 200; t++) {
      int i = random.nextInt(n);
      MerkleProofs.verifyInclusion(i, n, leaves.get(i), MerkleProofs.inclusionProof(source, i, n), root);
      int m = 1 + random.nextInt(n);
      MerkleProofs.verifyConsistency(m, n, MerkleProofs.consistencyProof(source, m, n),
          MerkleProofs.root(source, m), root);
    }
  }
}
