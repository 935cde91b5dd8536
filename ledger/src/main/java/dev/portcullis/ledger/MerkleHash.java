package dev.portcullis.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 9162 §2.1.1 (= RFC 6962 §2.1) Merkle tree hashing with SHA-256:
 * <pre>
 *   empty tree = SHA-256("")
 *   leaf       = SHA-256(0x00 ‖ entry)
 *   node       = SHA-256(0x01 ‖ left ‖ right)
 * </pre>
 * The 0x00/0x01 prefixes separate the domains, so a leaf can never be passed off as an interior node.
 * One {@link MessageDigest} per thread is reused ({@code MessageDigest} is not thread-safe; creating
 * one costs more than hashing 64 bytes).
 */
public final class MerkleHash {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(MerkleHash::newSha256);
  private static final Hash EMPTY = Hash.wrap(newSha256().digest());

  private MerkleHash() {
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** The hash of the empty tree, SHA-256 of no bytes ({@code e3b0c442…b855}). */
  public static Hash empty() {
    return EMPTY;
  }

  /** The leaf hash of an entry: SHA-256(0x00 ‖ entry). */
  public static Hash leaf(byte[] entry) {
    return leaf(entry, 0, entry.length);
  }

  /** The leaf hash of {@code entry[offset, offset+length)}. */
  public static Hash leaf(byte[] entry, int offset, int length) {
    MessageDigest md = SHA256.get();
    md.update(LEAF_PREFIX);
    md.update(entry, offset, length);
    return Hash.wrap(md.digest());
  }

  /** An interior node: SHA-256(0x01 ‖ left ‖ right). */
  public static Hash node(Hash left, Hash right) {
    MessageDigest md = SHA256.get();
    md.update(NODE_PREFIX);
    left.updateDigest(md);
    right.updateDigest(md);
    return Hash.wrap(md.digest());
  }
}
