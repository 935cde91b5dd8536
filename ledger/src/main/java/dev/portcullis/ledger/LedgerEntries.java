package dev.portcullis.ledger;

import java.util.Arrays;

/**
 * Reads entries back out of a log's entry bundles (C2SP tlog-tiles {@code tile/entries/…}), for the tree of a
 * given size. A partial bundle that has been superseded by its full bundle (the sequencer deletes such partials)
 * is read from the full bundle's prefix, which holds the same entries.
 */
public final class LedgerEntries {
  private LedgerEntries() {
  }

  /** Receives one entry and its index. */
  @FunctionalInterface
  public interface EntryConsumer {
    void accept(long index, byte[] entry);
  }

  /** The entry at {@code index} of the tree of {@code size}. */
  public static byte[] read(LedgerReader reader, long index, long size) {
    byte[][] found = new byte[1][];
    forEach(reader, index, index + 1, size, (i, entry) -> found[0] = entry);
    return found[0];
  }

  /**
   * Calls {@code consumer} for every entry with index in [{@code from}, {@code to}) of the tree of {@code size}, in
   * order, reading each bundle once.
   *
   * @throws LedgerException {@link LedgerErrorCode#INDEX_OUT_OF_RANGE} for a range outside the tree,
   *     {@link LedgerErrorCode#MISSING_TILE} or {@link LedgerErrorCode#ENTRY_BUNDLE_MALFORMED} naming the bundle
   */
  public static void forEach(LedgerReader reader, long from, long to, long size, EntryConsumer consumer) {
    if (from < 0 || from > to || to > size) {
      throw new LedgerException(LedgerErrorCode.INDEX_OUT_OF_RANGE, "entries " + from + ".." + to
          + " are not within the tree of size " + size);
    }
    for (long bundle = from / TilePath.FULL_WIDTH; bundle * TilePath.FULL_WIDTH < to; bundle++) {
      int width = (int) Math.min(TilePath.FULL_WIDTH, size - bundle * TilePath.FULL_WIDTH);
      TilePath path = TilePath.entryBundle(bundle, width);
      byte[] data = reader.read(path);
      int parseWidth = width;
      if (data == null && width < TilePath.FULL_WIDTH) {
        data = reader.read(TilePath.entryBundle(bundle, TilePath.FULL_WIDTH));
        parseWidth = TilePath.FULL_WIDTH;
      }
      if (data == null) {
        throw new LedgerException(LedgerErrorCode.MISSING_TILE, "entry bundle " + path.format()
            + " (entries " + bundle * TilePath.FULL_WIDTH + ".." + (bundle * TilePath.FULL_WIDTH + width - 1)
            + ") does not exist");
      }
      long first = bundle * TilePath.FULL_WIDTH;
      int limit = width;
      EntryBundle.Malformed malformed = EntryBundle.parse(data, parseWidth, (position, bytes, offset, length) -> {
        long index = first + position;
        if (position < limit && index >= from && index < to) {
          consumer.accept(index, Arrays.copyOfRange(bytes, offset, offset + length));
        }
      });
      if (malformed != null) {
        throw new LedgerException(LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, path.format() + ": " + malformed.reason());
      }
    }
  }
}
