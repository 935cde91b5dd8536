package dev.portcullis.policy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * The SHA-256 that names a bundle: over its policy files sorted by relative path (UTF-8, {@code /}
 * separators, byte order), each as a 4-byte big-endian path length, the path, an 8-byte big-endian
 * content length and the content. The lengths make the encoding unambiguous, so no two different
 * bundles share an input; the order makes it independent of how the directory lists its files.
 * Test files are not part of it: they do not change any decision.
 */
final class BundleHash {
  /** Relative paths in UTF-8 byte order. */
  static final java.util.Comparator<String> ORDER = (a, b) -> java.util.Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private BundleHash() {}

  static String of(SortedMap<String, byte[]> policyFiles) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    for (Map.Entry<String, byte[]> file : policyFiles.entrySet()) {
      byte[] path = file.getKey().getBytes(StandardCharsets.UTF_8);
      sha256.update(ByteBuffer.allocate(4).putInt(path.length).array());
      sha256.update(path);
      sha256.update(ByteBuffer.allocate(8).putLong(file.getValue().length).array());
      sha256.update(file.getValue());
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}
