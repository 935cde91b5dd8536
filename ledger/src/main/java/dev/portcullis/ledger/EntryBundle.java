package dev.portcullis.ledger;

/**
 * Parses a C2SP tlog-tiles entry bundle as this ledger writes it: each entry as a big-endian uint16 length
 * followed by that many bytes, exactly {@code width} entries, nothing after the last. Streaming: the visitor sees
 * each entry in place, nothing is copied.
 */
final class EntryBundle {
  private EntryBundle() {
  }

  /** Receives each entry of a bundle, in order, as a slice of the bundle's bytes. */
  @FunctionalInterface
  interface EntryVisitor {
    void entry(int position, byte[] bundle, int offset, int length);
  }

  /**
   * Why a bundle does not parse.
   *
   * @param position the position in the bundle (0..width) at which parsing stopped
   * @param reason what is wrong, with byte offsets
   */
  record Malformed(int position, String reason) {}

  /** Visits the {@code width} entries of {@code bundle}; returns null if it parsed, else what was wrong. */
  static Malformed parse(byte[] bundle, int width, EntryVisitor visitor) {
    int at = 0;
    for (int i = 0; i < width; i++) {
      if (at == bundle.length) {
        return new Malformed(i, "the bundle ends after " + i + " entries, expected " + width);
      }
      if (bundle.length - at < 2) {
        return new Malformed(i, "entry " + i + ": the length prefix at byte " + at + " is cut off by the end of the "
            + bundle.length + "-byte bundle");
      }
      int length = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
      if (length > bundle.length - at - 2) {
        return new Malformed(i, "entry " + i + ": length prefix " + length + " at byte " + at
            + " runs past the end of the " + bundle.length + "-byte bundle");
      }
      visitor.entry(i, bundle, at + 2, length);
      at += 2 + length;
    }
    if (at != bundle.length) {
      return new Malformed(width, (bundle.length - at) + " trailing bytes after entry " + (width - 1)
          + " (byte " + at + " of " + bundle.length + "): the bundle holds more than " + width + " entries");
    }
    return null;
  }
}
