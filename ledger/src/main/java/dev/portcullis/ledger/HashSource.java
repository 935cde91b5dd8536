package dev.portcullis.ledger;

/**
 * Where proof generation reads hashes from: the hashes of <em>complete</em> subtrees, exactly what
 * C2SP tlog-tiles stores (level-0 tiles hold leaf hashes, a level-{@code l} tile hash at position
 * {@code i} is the subtree of 256<sup>l</sup> leaves).
 *
 * <p>Contract: {@code hash(level, index)} returns MTH(D[index·2<sup>level</sup> : (index+1)·2<sup>level</sup>]),
 * the Merkle tree hash of the complete subtree of 2<sup>level</sup> leaves starting at leaf
 * {@code index·2^level}. Callers only ask for subtrees that lie entirely inside the tree size they work on,
 * so an implementation never has to hash an incomplete right edge: {@link MerkleProofs} does that itself
 * from complete subtrees. A storage-backed implementation may hold only some levels (e.g. every 8th, as
 * tiles do) and compute the others from the level below; it reports an I/O problem as an unchecked exception
 * ({@link java.io.UncheckedIOException}). Implementations used by several threads must be thread-safe.
 *
 * <p>Cost note for a tile-backed source: tiles store tree levels 0, 8, 16, …; a hash at level 8q + r (r in 1..7) is
 * the MTH of 2<sup>r</sup> stored hashes of level 8q, i.e. up to 127 node hashes. An inclusion proof needs one hash
 * per level, so computing them afresh costs ~250 SHA-256 per tile level crossed; keep the 511-node tree of recently
 * used tiles (or the whole upper tiles) cached to stay near the in-memory proof rate.
 */
@FunctionalInterface
public interface HashSource {
  /**
   * @param level 0 for leaf hashes, up to 63
   * @param index position of the subtree among the subtrees of that level, from 0
   */
  Hash hash(int level, long index);
}
