package dev.portcullis.ledger;

import java.util.Objects;

/**
 * The hash of the complete subtree of 2<sup>level</sup> leaves starting at leaf {@code index·2^level}:
 * one value a {@link HashSource} returns, and what {@link CompactRange#append} hands out for storing.
 */
public record SubtreeHash(int level, long index, Hash hash) {
  public SubtreeHash {
    if (level < 0 || level > 63) {
      throw new IllegalArgumentException("level must be 0..63, got " + level);
    }
    if (index < 0 || (level > 0 && index > (Long.MAX_VALUE >>> level))) {
      throw new IllegalArgumentException("subtree index " + index + " out of range at level " + level);
    }
    Objects.requireNonNull(hash, "hash");
  }
}
