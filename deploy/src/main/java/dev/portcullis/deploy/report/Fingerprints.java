package dev.portcullis.deploy.report;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable identities of findings across runs: SHA-256 over the parts that say what a finding is
 * about (for a change: kind, type, full name, subject, aspect), never where it sits in a file, so
 * that an edit above it or a reformatted document keeps it the same finding. Each part is
 * length-prefixed, so no two different part lists hash alike by concatenation.
 */
final class Fingerprints {
  private Fingerprints() {}

  /** The first 128 bits of the hash of {@code parts}, as 32 lower-case hex digits. */
  static String of(String... parts) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
      sha256.update(bytes);
    }
    byte[] digest = sha256.digest();
    return HexFormat.of().formatHex(digest, 0, 16);
  }
}
