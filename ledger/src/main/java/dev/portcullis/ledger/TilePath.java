package dev.portcullis.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A C2SP tlog-tiles resource path: a hash tile {@code tile/<L>/<N>[.p/<W>]} or an entry bundle
 * {@code tile/entries/<N>[.p/<W>]} (reference: ledger-anchors.md §1.7, C2SP tlog-tiles v0.1.0).
 *
 * <p>{@code <N>} is the tile index written as zero-padded 3-digit groups, all but the last prefixed with
 * {@code x} (spec example: 1234067 → {@code x001/x234/067}); {@code <W>} is the width of a partial tile,
 * 1..255; a full tile has width {@value #FULL_WIDTH} and no {@code .p/} suffix. Parsing is strict: only the
 * canonical form of each path is accepted (no leading zero group, no leading zeros in {@code L} or {@code W}).
 *
 * @param entries true for an entry bundle ({@code level} is then 0)
 * @param level tile level 0..63 (tree level 8·level)
 * @param index tile index, from 0
 * @param width 1..255 for a partial tile, 256 for a full one
 */
public record TilePath(boolean entries, int level, long index, int width) {
  /** Hashes (or entries) in a full tile. */
  public static final int FULL_WIDTH = 256;
  /** Tree levels per tile level. */
  public static final int HEIGHT = 8;
  private static final int MAX_LEVEL = 63;

  public TilePath {
    if (level < 0 || level > MAX_LEVEL || (entries && level != 0)) {
      throw new IllegalArgumentException("tile level must be 0.." + MAX_LEVEL + " (0 for entry bundles), got " + level);
    }
    if (index < 0) {
      throw new IllegalArgumentException("tile index must be >= 0, got " + index);
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException("tile width must be 1.." + FULL_WIDTH + ", got " + width);
    }
  }

  /** A hash tile. */
  public static TilePath tile(int level, long index, int width) {
    return new TilePath(false, level, index, width);
  }

  /** An entry bundle. */
  public static TilePath entryBundle(long index, int width) {
    return new TilePath(true, 0, index, width);
  }

  /** True unless this is a partial tile. */
  public boolean isFull() {
    return width == FULL_WIDTH;
  }

  /** The path, e.g. {@code tile/0/x001/x234/067.p/8} (no leading slash; prepend the log prefix and a slash). */
  public String format() {
    StringBuilder sb = new StringBuilder("tile/");
    sb.append(entries ? "entries" : Integer.toString(level)).append('/');
    String digits = Long.toString(index);
    int pad = (3 - digits.length() % 3) % 3;
    digits = "0".repeat(pad) + digits;
    for (int i = 0; i < digits.length(); i += 3) {
      if (i + 3 < digits.length()) {
        sb.append('x').append(digits, i, i + 3).append('/');
      } else {
        sb.append(digits, i, i + 3);
      }
    }
    if (!isFull()) {
      sb.append(".p/").append(width);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return format();
  }

  /**
   * Parses a path in exactly the form {@link #format()} writes.
   *
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  public static TilePath parse(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length < 3 || !parts[0].equals("tile")) {
      throw bad(path, "expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]");
    }
    boolean entries = parts[1].equals("entries");
    int level = 0;
    if (!entries) {
      if (!isCanonicalDecimal(parts[1]) || parts[1].length() > 2) {
        throw bad(path, "level '" + parts[1] + "' is not a decimal number 0.." + MAX_LEVEL);
      }
      level = Integer.parseInt(parts[1]);
      if (level > MAX_LEVEL) {
        throw bad(path, "level " + level + " is above " + MAX_LEVEL);
      }
    }
    int end = parts.length;
    int width = FULL_WIDTH;
    if (parts[end - 2].endsWith(".p")) {
      String w = parts[end - 1];
      if (!isCanonicalDecimal(w) || w.length() > 3) {
        throw bad(path, "partial width '" + w + "' is not a decimal number 1..255");
      }
      width = Integer.parseInt(w);
      if (width < 1 || width > FULL_WIDTH - 1) {
        throw bad(path, "partial width " + width + " is outside 1..255");
      }
      end--;
      parts[end - 1] = parts[end - 1].substring(0, parts[end - 1].length() - 2);
    }
    long index = 0;
    int groups = end - 2;
    if (groups > 7) {
      throw bad(path, "tile index has too many groups");
    }
    for (int g = 0; g < groups; g++) {
      String e = parts[2 + g];
      boolean last = g == groups - 1;
      if (!last) {
        if (!e.startsWith("x")) {
          throw bad(path, "index element '" + e + "' must start with 'x' (all but the last do)");
        }
        e = e.substring(1);
      }
      if (e.length() != 3 || !isDecimal(e)) {
        throw bad(path, "index element '" + parts[2 + g] + "' is not " + (last ? "" : "x + ") + "three digits");
      }
      if (g == 0 && groups > 1 && e.equals("000")) {
        throw bad(path, "index has a leading zero group");
      }
      int v = Integer.parseInt(e);
      if (index > (Long.MAX_VALUE - v) / 1000) {
        throw bad(path, "tile index is too large");
      }
      index = index * 1000 + v;
    }
    return new TilePath(entries, level, index, width);
  }

  private static boolean isDecimal(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** A canonical decimal number: digits only, no leading zero unless it is "0". */
  private static boolean isCanonicalDecimal(String s) {
    return isDecimal(s) && (s.length() == 1 || s.charAt(0) != '0');
  }

  private static IllegalArgumentException bad(String path, String why) {
    return new IllegalArgumentException("bad tile path '" + path + "': " + why);
  }

  /**
   * What tiles at one tile level a tree of a given size has.
   *
   * @param level tile level (tree level 8·level)
   * @param fullTiles number of full tiles, indices 0..fullTiles−1
   * @param partialWidth width of the partial tile with index {@code fullTiles}, or 0 if there is none
   */
  public record LevelTiles(int level, long fullTiles, int partialWidth) {}

  /**
   * The tiles a tree of {@code size} leaves has, level by level, from level 0 up to the highest level holding a
   * hash (empty for size 0). Per the spec, the width at level l is floor(size/256<sup>l</sup>) mod 256.
   */
  public static List<LevelTiles> coverage(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("tree size must be >= 0, got " + size);
    }
    List<LevelTiles> out = new ArrayList<>();
    long count = size;
    for (int level = 0; count > 0; level++) {
      out.add(new LevelTiles(level, count >>> HEIGHT, (int) (count & (FULL_WIDTH - 1))));
      count >>>= HEIGHT;
    }
    return out;
  }
}
