package dev.portcullis.ledger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Partial tiles read from wider ones. In C2SP tlog-tiles a partial tile {@code <N>.p/<W>} holds the first W
 * hashes (or entries) of tile N, so it is the prefix of every wider tile of the same index, the full one included:
 * the bytes cut from a wider tile are exactly the bytes the narrower file would hold. The ledger does not keep
 * every width on disk (superseded partials are deleted once the full tile exists, and the publisher skips a
 * partial that a later committed batch already widened), so readers ask for a width that may only exist inside a
 * wider tile.
 */
final class PartialTiles {
  private PartialTiles() {
  }

  /** The tile of the same kind, level and index at full width. */
  static TilePath full(TilePath path) {
    return path.entries() ? TilePath.entryBundle(path.index(), TilePath.FULL_WIDTH)
        : TilePath.tile(path.level(), path.index(), TilePath.FULL_WIDTH);
  }

  /**
   * The bytes of the partial tile {@code path} cut from {@code wider}, a tile of the same index at least as wide;
   * null when {@code wider} is too short or an entry length in it runs past its end.
   */
  static byte[] prefix(TilePath path, byte[] wider) {
    if (!path.entries()) {
      int bytes = path.width() * Hash.SIZE;
      return wider.length < bytes ? null : Arrays.copyOf(wider, bytes);
    }
    int at = 0;
    for (int i = 0; i < path.width(); i++) {
      if (wider.length - at < 2) {
        return null;
      }
      int length = ((wider[at] & 0xff) << 8) | (wider[at + 1] & 0xff);
      if (length > wider.length - at - 2) {
        return null;
      }
      at += 2 + length;
    }
    return Arrays.copyOf(wider, at);
  }

  /**
   * The widths of the partial files in {@code partials} (a {@code <N>.p} directory) wider than {@code width} and at
   * most {@code maxWidth}, narrowest first; names that are not canonical widths are ignored.
   */
  static List<Integer> widerOnDisk(Path partials, int width, int maxWidth) throws IOException {
    List<Integer> widths = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(partials)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.isEmpty() || name.length() > 3 || name.charAt(0) == '0' || !name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        int w = Integer.parseInt(name);
        if (w > width && w <= maxWidth && w < TilePath.FULL_WIDTH) {
          widths.add(w);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    widths.sort(null);
    return widths;
  }

  /** The width tile {@code path}'s index has in the tree of {@code size} (0 if the tree does not reach it). */
  static int widthAt(TilePath path, long size) {
    long leaves = size;
    int level = path.entries() ? 0 : path.level();
    for (int l = 0; l < level; l++) {
      leaves >>>= TilePath.HEIGHT;
    }
    long first = path.index() * TilePath.FULL_WIDTH;
    if (leaves <= first) {
      return 0;
    }
    return (int) Math.min(TilePath.FULL_WIDTH, leaves - first);
  }
}
