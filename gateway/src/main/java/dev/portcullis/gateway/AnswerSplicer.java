package dev.portcullis.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of an answer that a filter has received but not yet passed on, addressed by their
 * offset in the whole answer. A filter passes them on unchanged ({@link #copyTo}), replaces a span
 * ({@link #replace}: a redacted value, a rewritten URL) or drops it ({@link #dropTo}), always
 * forward: what was passed on is never revisited. Everything not replaced or dropped goes out byte
 * for byte as it came in.
 *
 * <p>Only the bytes from the first one not yet passed on are kept: a filter holds back at most the
 * token (or text node) it may still change.
 */
final class AnswerSplicer {
  private byte[] held = new byte[256];
  /** How many bytes of {@link #held} are in use. */
  private int length;
  /** The answer offset of {@code held[0]}. */
  private long base;
  /** Every byte before this offset was passed on or dropped. */
  private long passed;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Appends the next bytes of the answer. */
  void append(byte[] bytes, int offset, int count) {
    if (length + count > held.length) {
      held = Arrays.copyOf(held, Math.max(held.length * 2, length + count));
    }
    System.arraycopy(bytes, offset, held, length, count);
    length += count;
  }

  /** The offset just after the last byte appended. */
  long end() {
    return base + length;
  }

  /**
   * The first offset at or after {@code from} whose byte is not one of {@code skipped} (bytes as the
   * chars U+0000..U+00FF), or {@link #end()}.
   */
  long skip(long from, String skipped) {
    long at = Math.max(from, passed);
    while (at < end() && skipped.indexOf(held[(int) (at - base)] & 0xff) >= 0) {
      at++;
    }
    return at;
  }

  /** The byte at {@code offset}, which must be held. */
  byte at(long offset) {
    return held[(int) (offset - base)];
  }

  /** Passes on the bytes up to {@code offset} unchanged. */
  void copyTo(long offset) {
    if (offset > passed) {
      out.write(held, (int) (passed - base), (int) (offset - passed));
      passed = offset;
    }
  }

  /** Passes on the bytes before {@code from}, then {@code replacement} instead of those up to {@code to}. */
  void replace(long from, long to, byte[] replacement) {
    copyTo(from);
    out.write(replacement, 0, replacement.length);
    passed = Math.max(passed, to);
  }

  /** Drops the bytes up to {@code offset}: they are never passed on. */
  void dropTo(long offset) {
    passed = Math.max(passed, offset);
  }

  /** Passes on everything appended so far, unchanged (an answer no longer filtered). */
  void copyAll() {
    copyTo(end());
  }

  /** The bytes passed on since the last call; forgets the bytes before the first one still held. */
  ByteBuffer take() {
    ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
    out.reset();
    int consumed = (int) (Math.min(passed, end()) - base);
    if (consumed > 0) {
      System.arraycopy(held, consumed, held, 0, length - consumed);
      length -= consumed;
      base += consumed;
    }
    if (held.length > 64 * 1024 && length < held.length / 4) { // a long token has gone: give its room back
      held = Arrays.copyOf(held, Math.max(256, length * 2));
    }
    return bytes;
  }
}
