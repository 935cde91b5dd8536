package dev.portcullis.salesforce.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Objects;

/**
 * Reads {@code source} as base64 (RFC 4648 §4, with padding, no line breaks), a block at a time, so
 * a zip can be sent inside a SOAP envelope without a second copy of it in memory. The source must
 * yield exactly {@code expectedLength} bytes (the request's Content-Length was computed from it); a
 * file that grew or shrank meanwhile is an {@link IOException}, never a silently different upload.
 */
final class Base64EncodingInputStream extends InputStream {
  /** A multiple of 3, so only the last block carries padding. */
  private static final int BLOCK = 3 * 16 * 1024;

  private final InputStream source;
  private final long expectedLength;
  private final Base64.Encoder encoder = Base64.getEncoder();
  private byte[] encoded = new byte[0];
  private int position;
  private long consumed;
  private boolean finished;

  Base64EncodingInputStream(InputStream source, long expectedLength) {
    this.source = Objects.requireNonNull(source, "source");
    this.expectedLength = expectedLength;
  }

  /** The length of the base64 text of {@code n} bytes: 4 characters per started group of 3. */
  static long encodedLength(long n) {
    return (n + 2) / 3 * 4;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position == encoded.length && !fill()) {
      return -1;
    }
    int n = Math.min(len, encoded.length - position);
    System.arraycopy(encoded, position, b, off, n);
    position += n;
    return n;
  }

  private boolean fill() throws IOException {
    if (finished) {
      return false;
    }
    byte[] block = source.readNBytes(BLOCK);
    consumed += block.length;
    if (consumed > expectedLength) {
      throw new IOException("the zip is longer than the " + expectedLength + " bytes it had when the request was built");
    }
    if (block.length < BLOCK) {
      finished = true;
      if (consumed != expectedLength) {
        throw new IOException("the zip is " + consumed + " bytes, not the " + expectedLength + " it had when the request was built");
      }
    }
    encoded = encoder.encode(block);
    position = 0;
    return encoded.length > 0 || fill();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
