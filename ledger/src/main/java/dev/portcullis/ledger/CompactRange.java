package dev.portcullis.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming Merkle tree hasher for the sequencer: O(log n) state, amortised one node hash per leaf.
 *
 * <p>Invariant: for the current {@code size}, {@code peaks} holds, highest level first, the hash of
 * the complete subtree for each set bit of {@code size} — the binary decomposition of [0, size) into
 * maximal aligned power-of-two ranges. The RFC 9162 root is the right fold of those peaks,
 * {@code node(p0, node(p1, … node(p_{k-2}, p_{k-1})))}, because the RFC split point "largest power of two
 * smaller than n" is exactly the highest peak, recursively.
 *
 * <p>Appending leaf {@code s} pushes it as a level-0 peak and merges while the new peak has a left sibling
 * of the same level (i.e. while bit {@code level} of {@code s} is 1); each merge completes one subtree,
 * which {@link #append} returns so the caller can store it (tlog-tiles keeps exactly these).
 *
 * <p>Not thread-safe: one sequencer owns an instance.
 */
public final class CompactRange {
  private long size;
  private final ArrayList<Hash> peaks;

  private CompactRange(long size, ArrayList<Hash> peaks) {
    this.size = size;
    this.peaks = peaks;
  }

  /** The range of an empty tree. */
  public static CompactRange empty() {
    return new CompactRange(0, new ArrayList<>());
  }

  /**
   * Resumes a tree of {@code size} leaves from stored complete-subtree hashes (one read per set bit of size),
   * e.g. after a restart.
   */
  public static CompactRange restore(long size, HashSource source) {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must be >= 0, got " + size);
    }
    ArrayList<Hash> peaks = new ArrayList<>(Long.bitCount(size));
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      long width = 1L << level;
      if ((size & width) != 0) {
        peaks.add(source.hash(level, start >>> level));
        start += width;
      }
    }
    return new CompactRange(size, peaks);
  }

  public long size() {
    return size;
  }

  /**
   * Appends the leaf hash of entry {@code size()} and returns the complete subtrees this finished:
   * the leaf itself (level 0) and every interior node that now became complete, bottom-up.
   */
  public List<SubtreeHash> append(Hash leafHash) {
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("tree is full");
    }
    long index = size;
    List<SubtreeHash> done = new ArrayList<>(1 + Long.numberOfTrailingZeros(~index));
    done.add(new SubtreeHash(0, index, leafHash));
    Hash h = leafHash;
    int level = 0;
    while ((index & 1) == 1) {
      h = MerkleHash.node(peaks.removeLast(), h);
      level++;
      index >>>= 1;
      done.add(new SubtreeHash(level, index, h));
    }
    peaks.add(h);
    size++;
    return done;
  }

  /** The RFC 9162 root of the first {@code size()} leaves; the empty-tree hash when size is 0. */
  public Hash root() {
    if (peaks.isEmpty()) {
      return MerkleHash.empty();
    }
    Hash h = peaks.getLast();
    for (int i = peaks.size() - 2; i >= 0; i--) {
      h = MerkleHash.node(peaks.get(i), h);
    }
    return h;
  }
}
