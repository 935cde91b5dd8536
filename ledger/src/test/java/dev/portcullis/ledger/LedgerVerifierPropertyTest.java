package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** For random log sizes, a clean log verifies and one random bit flipped in any file is always detected. */
class LedgerVerifierPropertyTest {

  @Property(tries = 60)
  void anyFlippedBitIsDetected(@ForAll @IntRange(min = 1, max = 1300) int size,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long pick, @ForAll @IntRange(min = 0, max = 7) int bit)
      throws IOException {
    Path dir = Files.createTempDirectory("ledger-prop");
    try {
      TestLedgerWriter.write(dir, size, size / 2);
      List<Path> files = files(dir, size);
      Path file = files.get((int) Long.remainderUnsigned(pick, files.size()));
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0) {
        return; // a bundle of empty entries has bytes; only a zero-length file could be empty, and none is
      }
      int offset = (int) Long.remainderUnsigned(pick >>> 20, bytes.length);
      bytes[offset] ^= (byte) (1 << bit);
      Files.write(file, bytes);

      LedgerVerifier.Result result = LedgerVerifierTest.verifier(dir).threads(2).build().verify();

      assertThat(result.ok()).as("flip of bit %d at byte %d of %s in a log of %d", bit, offset,
          dir.relativize(file), size).isFalse();
    } finally {
      delete(dir);
    }
  }

  @Property(tries = 20)
  void cleanLogsOfAnySizeVerify(@ForAll @IntRange(min = 0, max = 3000) int size) throws IOException {
    Path dir = Files.createTempDirectory("ledger-prop");
    try {
      Checkpoint c = TestLedgerWriter.write(dir, size);
      LedgerVerifier.Result result = LedgerVerifierTest.verifier(dir).build().verify();
      assertThat(result.problems()).isEmpty();
      assertThat(result.rootHash()).isEqualTo(Hash.of(c.rootHash()));
    } finally {
      delete(dir);
    }
  }

  /**
   * The files the tree of {@code size} consists of: checkpoint, history, and its tiles and bundles (not the partial
   * tiles left from earlier sizes, which tlog-tiles clients never read again).
   */
  private static List<Path> files(Path dir, long size) throws IOException {
    Set<String> needed = new HashSet<>(List.of(LedgerReader.CHECKPOINT, LedgerReader.CHECKPOINT_HISTORY));
    for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
      long tiles = lt.fullTiles() + (lt.partialWidth() > 0 ? 1 : 0);
      for (long t = 0; t < tiles; t++) {
        int width = t < lt.fullTiles() ? TilePath.FULL_WIDTH : lt.partialWidth();
        needed.add(TilePath.tile(lt.level(), t, width).format());
        if (lt.level() == 0) {
          needed.add(TilePath.entryBundle(t, width).format());
        }
      }
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile)
          .filter(f -> needed.contains(dir.relativize(f).toString().replace('\\', '/'))).sorted().toList());
      assertThat(files).hasSameSizeAs(needed);
      return files;
    }
  }

  static void delete(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
