package dev.portcullis.ledger;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A SHA-256 value: exactly 32 bytes, immutable (the array is copied in and out).
 * {@link #equals} compares in constant time ({@link MessageDigest#isEqual}), so comparing a computed
 * root with an expected one does not leak how many leading bytes matched.
 */
public final class Hash {
  /** Length of every hash in bytes. */
  public static final int SIZE = 32;

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}, which must be exactly 32 bytes long. */
  public static Hash of(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a hash is " + SIZE + " bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  /** Copies 32 bytes of {@code buf} starting at {@code offset}. */
  public static Hash of(byte[] buf, int offset) {
    if (offset < 0 || offset > buf.length - SIZE) {
      throw new IllegalArgumentException("no 32-byte hash at offset " + offset + " of a " + buf.length + "-byte buffer");
    }
    return new Hash(Arrays.copyOfRange(buf, offset, offset + SIZE));
  }

  /** Takes ownership of a freshly computed digest (no copy). */
  static Hash wrap(byte[] digest) {
    if (digest.length != SIZE) {
      throw new IllegalArgumentException("a hash is " + SIZE + " bytes, got " + digest.length);
    }
    return new Hash(digest);
  }

  /** Parses 64 hexadecimal digits. */
  public static Hash fromHex(String hex) {
    if (hex.length() != 2 * SIZE) {
      throw new IllegalArgumentException("a hash is 64 hex digits, got " + hex.length() + " characters");
    }
    return new Hash(HexFormat.of().parseHex(hex));
  }

  /** Parses standard base64 (RFC 4648 §4, padded), as in checkpoints and the transparency-dev vectors. */
  public static Hash fromBase64(String b64) {
    return of(Base64.getDecoder().decode(b64));
  }

  /** A copy of the 32 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, SIZE);
  }

  /** Feeds the bytes to a digest without copying. */
  void updateDigest(MessageDigest md) {
    md.update(bytes);
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A copy with bit {@code bit} (0 = most significant bit of byte 0) flipped; for tests of tamper detection. */
  public Hash withBitFlipped(int bit) {
    byte[] copy = bytes.clone();
    copy[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
    return new Hash(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
