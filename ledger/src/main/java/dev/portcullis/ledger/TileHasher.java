package dev.portcullis.ledger;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * RFC 9162 §2.1.1 leaf and node hashing straight between byte arrays, for the verifier's hot loop: one reused
 * {@link MessageDigest}, no {@link Hash} objects, every digest written in place. Not thread-safe; one per
 * thread.
 */
final class TileHasher {
  private final MessageDigest md = MerkleHash.newSha256();
  private final byte[] scratch = new byte[TilePath.FULL_WIDTH / 2 * Hash.SIZE];

  /** SHA-256(0x00 ‖ src[off, off+len)) into dst[dstOff, dstOff+32). */
  void leaf(byte[] src, int off, int len, byte[] dst, int dstOff) {
    md.update((byte) 0x00);
    md.update(src, off, len);
    finish(dst, dstOff);
  }

  /** SHA-256(0x01 ‖ left ‖ right) into dst[dstOff, dstOff+32); dst may overlap the inputs. */
  void node(byte[] left, int leftOff, byte[] right, int rightOff, byte[] dst, int dstOff) {
    md.update((byte) 0x01);
    md.update(left, leftOff, Hash.SIZE);
    md.update(right, rightOff, Hash.SIZE);
    finish(dst, dstOff);
  }

  /**
   * The Merkle tree hash of {@code count} consecutive 32-byte hashes at {@code hashes[off…]}, {@code count} a
   * power of two from 1 to 256 (a complete subtree), into dst[dstOff, dstOff+32): count − 1 node hashes.
   */
  void perfectRoot(byte[] hashes, int off, int count, byte[] dst, int dstOff) {
    if (count == 1) {
      System.arraycopy(hashes, off, dst, dstOff, Hash.SIZE);
      return;
    }
    int n = count / 2;
    for (int j = 0; j < n; j++) {
      node(hashes, off + 2 * j * Hash.SIZE, hashes, off + (2 * j + 1) * Hash.SIZE, scratch, j * Hash.SIZE);
    }
    for (; n > 1; n /= 2) {
      for (int j = 0; j < n / 2; j++) {
        node(scratch, 2 * j * Hash.SIZE, scratch, (2 * j + 1) * Hash.SIZE, scratch, j * Hash.SIZE);
      }
    }
    System.arraycopy(scratch, 0, dst, dstOff, Hash.SIZE);
  }

  private void finish(byte[] dst, int dstOff) {
    try {
      md.digest(dst, dstOff, Hash.SIZE);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
    }
  }
}
