package dev.portcullis.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Roots, inclusion proofs and consistency proofs of RFC 9162 §2.1 Merkle trees (= RFC 6962 §2.1), generated
 * from a {@link HashSource} of complete-subtree hashes and verified with the RFC 9162 §2.1.3.2 and §2.1.4.2
 * algorithms.
 *
 * <h2>Design note</h2>
 *
 * <b>Ranges.</b> Every hash the RFC recursions (PATH, SUBPROOF, MTH) need is MTH(D[start : start+n]) for a range
 * whose {@code start} is a multiple of the smallest power of two ≥ n. This holds for the whole tree (start 0) and
 * is preserved by the RFC split at k = the largest power of two &lt; n: the left part [start, start+k) is a
 * complete, aligned subtree, and the right part starts at start+k, a multiple of k ≥ n−k's power-of-two ceiling.
 * For such a range, MTH is computed from complete subtrees only ({@link #rangeHash}): if n is a power of two it is
 * one {@link HashSource} read, {@code hash(log2 n, start/n)}; otherwise node(hash of the left k leaves, MTH of the
 * rest), i.e. the right fold over the binary decomposition of n. So the source never needs to know about
 * incomplete subtrees — exactly what C2SP tlog-tiles stores (the tlog "stored hashes" approach) — and nothing
 * but O(log n) hashes is ever in memory.
 *
 * <p><b>Cost.</b> An inclusion proof descends from the root; at each step the sibling is either a complete
 * subtree (one read) or, only when the index goes left of an incomplete right part, that incomplete part
 * (O(log n) reads and node hashes). Once the descent goes left of a split, the subtree it is in is complete, so
 * at most one such incomplete sibling is computed per proof: O(log n) reads, ≤ log n SHA-256 calls. Consistency
 * proofs likewise.
 *
 * <p><b>HashSource contract</b> (see {@link HashSource}): {@code hash(level, index)} = MTH of the complete
 * subtree of 2<sup>level</sup> leaves starting at leaf index·2<sup>level</sup>; only subtrees inside the
 * requested tree size are asked for.
 *
 * <p><b>Verification.</b> The verifiers follow RFC 9162 §2.1.3.2 / §2.1.4.2 literally (the bit walk over
 * fn = index, sn = size−1, which recomputes the root by deciding from the bits of fn and sn whether each proof
 * hash is a left or a right sibling, and skipping levels where the node has no right sibling). Before that they
 * check the proof length against the length the generator's recursion produces for those sizes, so a proof with
 * extra or missing hashes fails with {@link LedgerErrorCode#WRONG_PROOF_LENGTH} rather than a vaguer root
 * mismatch. Edge cases of consistency as transparency-dev/merkle and C2SP tlog-witness treat them: equal sizes
 * need an empty proof and equal roots; an old size of 0 needs an empty proof (the empty tree is a prefix of
 * every tree) and the old root must be the empty-tree hash.
 *
 * <p>All methods are stateless and thread-safe (given a thread-safe source).
 */
public final class MerkleProofs {
  private MerkleProofs() {
  }

  // ---------------------------------------------------------------- generation

  /** The root of the first {@code size} leaves ({@link MerkleHash#empty()} for 0). */
  public static Hash root(HashSource source, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must be >= 0, got " + size);
    }
    return size == 0 ? MerkleHash.empty() : rangeHash(source, 0, size);
  }

  /**
   * MTH(D[start : start+n]) for n ≥ 1 and start a multiple of the smallest power of two ≥ n (the ranges the
   * RFC recursions produce), from complete subtree hashes: the right fold over the binary decomposition of n.
   */
  static Hash rangeHash(HashSource source, long start, long n) {
    // Peaks from the highest level down; fold from the right.
    int peaks = Long.bitCount(n);
    if (peaks == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return source.hash(level, start >>> level);
    }
    Hash[] parts = new Hash[peaks];
    long at = start;
    int i = 0;
    for (int level = 63 - Long.numberOfLeadingZeros(n); level >= 0; level--) {
      if ((n & (1L << level)) != 0) {
        parts[i++] = source.hash(level, at >>> level);
        at += 1L << level;
      }
    }
    Hash h = parts[peaks - 1];
    for (int j = peaks - 2; j >= 0; j--) {
      h = MerkleHash.node(parts[j], h);
    }
    return h;
  }

  /** Largest power of two strictly smaller than n, for n ≥ 2. */
  private static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * The inclusion proof (audit path) of leaf {@code index} in the tree of the first {@code size} leaves,
   * RFC 6962 §2.1.1 PATH(index, D[size]): sibling hashes from the leaf's sibling up to the root's child.
   *
   * @throws IllegalArgumentException if not 0 ≤ index &lt; size
   */
  public static List<Hash> inclusionProof(HashSource source, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index " + index + " is not inside a tree of size " + size);
    }
    Hash[] path = new Hash[inclusionProofLength(index, size)];
    // Descend from the root; the sibling found at depth d is proof element (length-1-d).
    int slot = path.length - 1;
    long start = 0;
    long n = size;
    long m = index;
    while (n > 1) {
      long k = split(n);
      if (m < k) {
        path[slot--] = rangeHash(source, start + k, n - k);
        n = k;
      } else {
        path[slot--] = source.hash(Long.numberOfTrailingZeros(k), start / k);
        start += k;
        m -= k;
        n -= k;
      }
    }
    return List.of(path);
  }

  /**
   * The consistency proof between the tree of the first {@code oldSize} leaves and that of the first
   * {@code newSize}, RFC 6962 §2.1.2 PROOF(m, D[n]); empty when oldSize is 0 or equals newSize.
   *
   * @throws IllegalArgumentException if not 0 ≤ oldSize ≤ newSize
   */
  public static List<Hash> consistencyProof(HashSource source, long oldSize, long newSize) {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException("need 0 <= old size <= new size, got " + oldSize + " and " + newSize);
    }
    if (oldSize == 0 || oldSize == newSize) {
      return List.of();
    }
    Hash[] proof = new Hash[consistencyProofLength(oldSize, newSize)];
    int slot = proof.length - 1;
    long start = 0;
    long n = newSize;
    long m = oldSize;
    boolean whole = true; // SUBPROOF's b: m is the whole old tree so far
    while (m != n) {
      long k = split(n);
      if (m <= k) {
        proof[slot--] = rangeHash(source, start + k, n - k);
        n = k;
      } else {
        proof[slot--] = source.hash(Long.numberOfTrailingZeros(k), start / k);
        start += k;
        m -= k;
        n -= k;
        whole = false;
      }
    }
    if (!whole) {
      proof[slot--] = rangeHash(source, start, m);
    }
    assert slot == -1;
    return List.of(proof);
  }

  /** Number of hashes in PATH(index, D[size]), for 0 ≤ index &lt; size. */
  static int inclusionProofLength(long index, long size) {
    int len = 0;
    long n = size;
    long m = index;
    while (n > 1) {
      long k = split(n);
      len++;
      if (m < k) {
        n = k;
      } else {
        m -= k;
        n -= k;
      }
    }
    return len;
  }

  /** Number of hashes in PROOF(oldSize, D[newSize]), for 0 &lt; oldSize ≤ newSize. */
  static int consistencyProofLength(long oldSize, long newSize) {
    int len = 0;
    long n = newSize;
    long m = oldSize;
    boolean whole = true;
    while (m != n) {
      long k = split(n);
      len++;
      if (m <= k) {
        n = k;
      } else {
        m -= k;
        n -= k;
        whole = false;
      }
    }
    return whole ? len : len + 1;
  }

  // ---------------------------------------------------------------- verification

  /**
   * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves with root
   * {@code root} (RFC 9162 §2.1.3.2).
   *
   * @throws ProofException with reason INDEX_OUT_OF_RANGE, WRONG_PROOF_LENGTH or ROOT_MISMATCH
   */
  public static void verifyInclusion(long index, long size, Hash leafHash, List<Hash> proof, Hash root)
      throws ProofException {
    Hash computed = rootFromInclusionProof(index, size, leafHash, proof);
    if (!computed.equals(root)) {
      throw new ProofException(LedgerErrorCode.ROOT_MISMATCH, "inclusion proof of leaf " + index
          + " in tree size " + size + " leads to root " + computed + ", expected " + root);
    }
  }

  /**
   * The root that an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1–6), after checking index and length;
   * the caller compares it with a trusted root.
   *
   * @throws ProofException with reason INDEX_OUT_OF_RANGE or WRONG_PROOF_LENGTH
   */
  public static Hash rootFromInclusionProof(long index, long size, Hash leafHash, List<Hash> proof)
      throws ProofException {
    if (index < 0 || size < 0 || index >= size) {
      throw new ProofException(LedgerErrorCode.INDEX_OUT_OF_RANGE,
          "leaf index " + index + " is not inside a tree of size " + size);
    }
    int expected = inclusionProofLength(index, size);
    if (proof.size() != expected) {
      throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "inclusion proof of leaf " + index
          + " in tree size " + size + " has " + proof.size() + " hashes, expected " + expected);
    }
    long fn = index;
    long sn = size - 1;
    Hash r = leafHash;
    for (Hash p : proof) {
      if (sn == 0) { // unreachable after the length check; kept as the RFC states it
        throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "inclusion proof too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        if ((fn & 1) == 0) {
          do {
            fn >>>= 1;
            sn >>>= 1;
          } while ((fn & 1) == 0 && fn != 0);
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) { // unreachable after the length check
      throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "inclusion proof too short");
    }
    return r;
  }

  /**
   * Verifies that the tree of {@code oldSize} leaves with root {@code oldRoot} is a prefix of the tree of
   * {@code newSize} leaves with root {@code newRoot} (RFC 9162 §2.1.4.2).
   *
   * @throws ProofException with reason SIZE_ORDER, WRONG_PROOF_LENGTH, OLD_ROOT_MISMATCH or NEW_ROOT_MISMATCH
   */
  public static void verifyConsistency(long oldSize, long newSize, List<Hash> proof, Hash oldRoot, Hash newRoot)
      throws ProofException {
    if (oldSize < 0 || oldSize > newSize) {
      throw new ProofException(LedgerErrorCode.SIZE_ORDER,
          "old tree size " + oldSize + " is not between 0 and the new size " + newSize);
    }
    if (oldSize == newSize || oldSize == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "consistency proof from size "
            + oldSize + " to " + newSize + " must be empty, has " + proof.size() + " hashes");
      }
      if (oldSize == 0 && !oldRoot.equals(MerkleHash.empty())) {
        throw new ProofException(LedgerErrorCode.OLD_ROOT_MISMATCH,
            "the root of the empty tree is " + MerkleHash.empty() + ", got " + oldRoot);
      }
      if (oldSize == newSize && !oldRoot.equals(newRoot)) {
        throw new ProofException(LedgerErrorCode.NEW_ROOT_MISMATCH,
            "two trees of size " + oldSize + " with different roots " + oldRoot + " and " + newRoot);
      }
      return;
    }
    int expected = consistencyProofLength(oldSize, newSize);
    if (proof.size() != expected) {
      throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "consistency proof from size "
          + oldSize + " to " + newSize + " has " + proof.size() + " hashes, expected " + expected);
    }
    List<Hash> path = proof;
    if (Long.bitCount(oldSize) == 1) { // old tree is a complete subtree: its root is the implicit first hash
      path = new ArrayList<>(proof.size() + 1);
      path.add(oldRoot);
      path.addAll(proof);
    }
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    Hash fr = path.get(0);
    Hash sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      Hash c = path.get(i);
      if (sn == 0) { // unreachable after the length check
        throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "consistency proof too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.node(c, fr);
        sr = MerkleHash.node(c, sr);
        if ((fn & 1) == 0) {
          do {
            fn >>>= 1;
            sn >>>= 1;
          } while ((fn & 1) == 0 && fn != 0);
        }
      } else {
        sr = MerkleHash.node(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) { // unreachable after the length check
      throw new ProofException(LedgerErrorCode.WRONG_PROOF_LENGTH, "consistency proof too short");
    }
    if (!fr.equals(oldRoot)) {
      throw new ProofException(LedgerErrorCode.OLD_ROOT_MISMATCH, "consistency proof from size "
          + oldSize + " to " + newSize + " leads to old root " + fr + ", expected " + oldRoot);
    }
    if (!sr.equals(newRoot)) {
      throw new ProofException(LedgerErrorCode.NEW_ROOT_MISMATCH, "consistency proof from size "
          + oldSize + " to " + newSize + " leads to new root " + sr + ", expected " + newRoot);
    }
  }
}
