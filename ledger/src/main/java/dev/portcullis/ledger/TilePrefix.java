package dev.portcullis.ledger;

import java.util.Arrays;

/**
 * A partial tile read from a wider version of the same tile. A tile only grows: hash tile (L, N) of width W holds
 * the first W hashes of any wider version of it, and entry bundle N of width W the first W entries of any wider
 * bundle N (C2SP tlog-tiles: a tile is a function of the leaves it covers). So a narrower width that was never
 * written as its own file (the publisher writes only the widest width of a tile that several commits widened
 * before it ran, and deletes partial files once the full tile exists) is read as the prefix of a wider one.
 */
final class TilePrefix {
  private TilePrefix() {}

  /**
   * The bytes of {@code wanted} cut from {@code wider}, the same tile at width {@code widerWidth} >= the wanted
   * width; null if {@code wider} does not have that shape (then the wider file is not trusted for this).
   */
  static byte[] cut(TilePath wanted, byte[] wider, int widerWidth) {
    int width = wanted.width();
    if (wider == null || widerWidth < width) {
      return null;
    }
    if (!wanted.entries()) {
      return wider.length == widerWidth * Hash.SIZE ? Arrays.copyOf(wider, width * Hash.SIZE) : null;
    }
    int[] end = {0};
    EntryBundle.Malformed malformed = EntryBundle.parse(wider, widerWidth, (position, bytes, offset, length) -> {
      if (position < width) {
        end[0] = offset + length;
      }
    });
    return malformed != null ? null : Arrays.copyOf(wider, end[0]);
  }

  /** The widest width tile (level, index) has in the tree of {@code size} leaves (0 when it has none yet). */
  static int widthIn(TilePath path, long size) {
    if (size < 0) {
      return 0;
    }
    int shift = TilePath.HEIGHT * path.level();
    long count = shift >= Long.SIZE ? 0 : size >>> shift;
    long full = count >>> TilePath.HEIGHT;
    if (path.index() < full) {
      return TilePath.FULL_WIDTH;
    }
    return path.index() == full ? (int) (count & (TilePath.FULL_WIDTH - 1)) : 0;
  }

  /**
   * The narrowest width above {@code width} and at most {@code maxWidth} among the file names of a tile's partial
   * directory ({@code <N>.p/<W>}), or 0 when there is none.
   */
  static int narrowestWider(String[] names, int width, int maxWidth) {
    int best = 0;
    if (names != null) {
      for (String name : names) {
        if (name.matches("[1-9][0-9]{0,2}")) {
          int w = Integer.parseInt(name);
          if (w > width && w <= maxWidth && (best == 0 || w < best)) {
            best = w;
          }
        }
      }
    }
    return best;
  }
}
