package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties over tree sizes around powers of two (2^k − 1, 2^k, 2^k + 1 up to 2^12) and random sizes up to 4,000:
 * proofs equal the literal RFC recursions, always verify, and every tampering makes verification fail.
 */
class MerkleProofsPropertyTest {
  private static final int MAX = 4100;
  private static final List<Hash> LEAVES = NaiveMerkle.leaves(MAX);
  private static final MemoryHashSource SOURCE = NaiveMerkle.source(LEAVES);
  private static final Map<Integer, Hash> ROOTS = new ConcurrentHashMap<>();

  private static Hash naiveRoot(int n) {
    return ROOTS.computeIfAbsent(n, k -> NaiveMerkle.mth(LEAVES.subList(0, k)));
  }

  @Provide
  Arbitrary<Integer> sizes() {
    List<Integer> edges = new ArrayList<>();
    for (int k = 0; k <= 12; k++) {
      int p = 1 << k;
      edges.add(p - 1 == 0 ? 1 : p - 1);
      edges.add(p);
      edges.add(p + 1);
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.of(edges)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 4000)));
  }

  @Property(tries = 300)
  void rootsAgreeThreeWays(@ForAll("sizes") int n) {
    CompactRange r = CompactRange.empty();
    for (int i = 0; i < n; i++) {
      r.append(LEAVES.get(i));
    }
    assertThat(r.root()).isEqualTo(naiveRoot(n));
    assertThat(MerkleProofs.root(SOURCE, n)).isEqualTo(naiveRoot(n));
    assertThat(CompactRange.restore(n, SOURCE).root()).isEqualTo(naiveRoot(n));
  }

  @Property(tries = 300)
  void inclusionProofsMatchTheRfcAndVerify(@ForAll("sizes") int n, @ForAll @IntRange(min = 0, max = 1 << 20) int pick)
      throws ProofException {
    int index = pick % n;
    List<Hash> proof = MerkleProofs.inclusionProof(SOURCE, index, n);
    assertThat(proof).isEqualTo(NaiveMerkle.path(index, LEAVES.subList(0, n)));
    MerkleProofs.verifyInclusion(index, n, LEAVES.get(index), proof, naiveRoot(n));
  }

  @Property(tries = 40)
  void everyLeafOfATreeVerifies(@ForAll("sizes") int n) throws ProofException {
    Hash root = MerkleProofs.root(SOURCE, n);
    for (int i = 0; i < n; i++) {
      MerkleProofs.verifyInclusion(i, n, LEAVES.get(i), MerkleProofs.inclusionProof(SOURCE, i, n), root);
    }
  }

  @Property(tries = 300)
  void tamperedInclusionProofsFail(@ForAll("sizes") int n, @ForAll @IntRange(min = 0, max = 1 << 20) int pick,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    int index = pick % n;
    List<Hash> proof = MerkleProofs.inclusionProof(SOURCE, index, n);
    Hash root = naiveRoot(n);
    Hash leaf = LEAVES.get(index);
    for (int i = 0; i < proof.size(); i++) {
      List<Hash> p = new ArrayList<>(proof);
      p.set(i, p.get(i).withBitFlipped(bit));
      assertThat(failure(() -> MerkleProofs.verifyInclusion(index, n, leaf, p, root)))
          .isEqualTo(LedgerErrorCode.ROOT_MISMATCH);
    }
    assertThat(failure(() -> MerkleProofs.verifyInclusion(index, n, leaf.withBitFlipped(bit), proof, root)))
        .isEqualTo(LedgerErrorCode.ROOT_MISMATCH);
    assertThat(failure(() -> MerkleProofs.verifyInclusion(index, n, leaf, proof, root.withBitFlipped(bit))))
        .isEqualTo(LedgerErrorCode.ROOT_MISMATCH);
    assertThat(failure(() -> MerkleProofs.verifyInclusion(n, n, leaf, proof, root)))
        .isEqualTo(LedgerErrorCode.INDEX_OUT_OF_RANGE);
    // another index: either another proof length or the hashes combine in another order
    for (int other : new int[] {index - 1, index + 1, index ^ 1}) {
      if (other >= 0 && other < n && other != index) {
        assertThat(failure(() -> MerkleProofs.verifyInclusion(other, n, leaf, proof, root))).isNotNull();
      }
    }
    // another tree's root (a different size), unless that tree has the same root (never, sizes differ)
    if (n > 1) {
      Hash smaller = naiveRoot(n - 1);
      assertThat(failure(() -> MerkleProofs.verifyInclusion(index, n, leaf, proof, smaller))).isNotNull();
    }
    List<Hash> longer = new ArrayList<>(proof);
    longer.add(root);
    assertThat(failure(() -> MerkleProofs.verifyInclusion(index, n, leaf, longer, root)))
        .isEqualTo(LedgerErrorCode.WRONG_PROOF_LENGTH);
  }

  @Property(tries = 400)
  void consistencyProofsMatchTheRfcAndVerify(@ForAll("sizes") int n, @ForAll @IntRange(min = 0, max = 1 << 20) int pick)
      throws ProofException {
    int m = pick % (n + 1);
    List<Hash> proof = MerkleProofs.consistencyProof(SOURCE, m, n);
    assertThat(proof).isEqualTo(NaiveMerkle.proof(m, LEAVES.subList(0, n)));
    MerkleProofs.verifyConsistency(m, n, proof, naiveRoot(m), naiveRoot(n));
  }

  @Property(tries = 300)
  void tamperedConsistencyProofsFail(@ForAll("sizes") int n, @ForAll @IntRange(min = 0, max = 1 << 20) int pick,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    int m = 1 + pick % n; // 1..n
    List<Hash> proof = MerkleProofs.consistencyProof(SOURCE, m, n);
    Hash oldRoot = naiveRoot(m);
    Hash newRoot = naiveRoot(n);
    for (int i = 0; i < proof.size(); i++) {
      List<Hash> p = new ArrayList<>(proof);
      p.set(i, p.get(i).withBitFlipped(bit));
      assertThat(failure(() -> MerkleProofs.verifyConsistency(m, n, p, oldRoot, newRoot))).isNotNull();
    }
    assertThat(failure(() -> MerkleProofs.verifyConsistency(m, n, proof, oldRoot.withBitFlipped(bit), newRoot)))
        .isIn(LedgerErrorCode.OLD_ROOT_MISMATCH, LedgerErrorCode.NEW_ROOT_MISMATCH);
    assertThat(failure(() -> MerkleProofs.verifyConsistency(m, n, proof, oldRoot, newRoot.withBitFlipped(bit))))
        .isIn(LedgerErrorCode.OLD_ROOT_MISMATCH, LedgerErrorCode.NEW_ROOT_MISMATCH);
    assertThat(failure(() -> MerkleProofs.verifyConsistency(n + 1, n, proof, oldRoot, newRoot)))
        .isEqualTo(LedgerErrorCode.SIZE_ORDER);
    if (m > 1) { // the old size claimed one smaller
      assertThat(failure(() -> MerkleProofs.verifyConsistency(m - 1, n, proof, oldRoot, newRoot))).isNotNull();
    }
    if (m < n) { // a fork: the old tree's root replaced by another tree of the same size
      Hash forked = MerkleHash.node(oldRoot, oldRoot);
      // (when m is a power of two the old root is the proof's implicit first hash, so the new root breaks)
      assertThat(failure(() -> MerkleProofs.verifyConsistency(m, n, proof, forked, newRoot)))
          .isIn(LedgerErrorCode.OLD_ROOT_MISMATCH, LedgerErrorCode.NEW_ROOT_MISMATCH);
    }
    List<Hash> longer = new ArrayList<>(proof);
    longer.add(newRoot);
    assertThat(failure(() -> MerkleProofs.verifyConsistency(m, n, longer, oldRoot, newRoot)))
        .isEqualTo(LedgerErrorCode.WRONG_PROOF_LENGTH);
  }

  @Property(tries = 50)
  void compactRangeHandsOutExactlyTheCompleteSubtrees(@ForAll @IntRange(min = 1, max = 1100) int n) {
    CompactRange r = CompactRange.empty();
    int count = 0;
    for (int i = 0; i < n; i++) {
      for (SubtreeHash s : r.append(LEAVES.get(i))) {
        count++;
        assertThat(s.hash()).isEqualTo(SOURCE.hash(s.level(), s.index()));
        long width = 1L << s.level();
        assertThat((s.index() + 1) * width).isLessThanOrEqualTo(i + 1);
      }
    }
    // a complete binary forest of n leaves has 2n − popcount(n) complete subtrees
    assertThat(count).isEqualTo(2 * n - Integer.bitCount(n));
  }

  private interface Check {
    void run() throws ProofException;
  }

  private static LedgerErrorCode failure(Check c) {
    try {
      c.run();
      return null;
    } catch (ProofException e) {
      assertThat(e.getMessage()).startsWith(e.code().name());
      return e.code();
    }
  }

  @Property(tries = 20)
  void emptyTreeConsistency(@ForAll("sizes") int n) throws ProofException {
    MerkleProofs.verifyConsistency(0, n, List.of(), MerkleHash.empty(), naiveRoot(n));
    assertThatExceptionOfType(ProofException.class).isThrownBy(
        () -> MerkleProofs.verifyConsistency(0, n, List.of(LEAVES.get(0)), MerkleHash.empty(), naiveRoot(n)));
  }
}
