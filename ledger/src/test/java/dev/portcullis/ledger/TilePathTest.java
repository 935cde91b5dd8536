package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TilePathTest {
  // C2SP tlog-tiles (ledger-anchors.md §1.7): "1234067 -> x001/x234/067", "1000 -> x001/000".
  @Test
  void specExamples() {
    assertThat(TilePath.tile(0, 1234067, 256).format()).isEqualTo("tile/0/x001/x234/067");
    assertThat(TilePath.tile(0, 1000, 256).format()).isEqualTo("tile/0/x001/000");
    assertThat(TilePath.tile(1, 0, 17).format()).isEqualTo("tile/1/000.p/17");
    assertThat(TilePath.entryBundle(1234067, 8).format()).isEqualTo("tile/entries/x001/x234/067.p/8");
    assertThat(TilePath.tile(63, 5, 256).format()).isEqualTo("tile/63/005");
    assertThat(TilePath.parse("tile/0/x001/x234/067")).isEqualTo(TilePath.tile(0, 1234067, 256));
    assertThat(TilePath.parse("tile/entries/x001/000.p/255")).isEqualTo(TilePath.entryBundle(1000, 255));
    assertThat(TilePath.parse("tile/2/999")).isEqualTo(TilePath.tile(2, 999, 256));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "/tile/0/000", "tile/0/000/", "tile//000", "tile/0//000", "tiles/0/000", "tile/0", "tile/0/", "tile/00/000",
      "tile/64/000", "tile/-1/000", "tile/a/000", "tile/0/00", "tile/0/0000", "tile/0/x000", "tile/0/001/002",
      "tile/0/y001/002", "tile/0/x001/x002", "tile/0/x000/001", "tile/0/00a", "tile/0/000.p/0", "tile/0/000.p/256",
      "tile/0/000.p/010", "tile/0/000.p/", "tile/0/000.p", "tile/0/000.q/5", "tile/0/000.p/5/", "tile/0/.p/5",
      "tile/0/x009/x223/x372/x036/x854/x775/808", "tile/0/x001/x002/x003/x004/x005/x006/x007/008",
      "tile/entries/000.p/256", "tile/entry/000", "tile/0/+01", "tile/0/ 01", "tile/0/x01/002"})
  void rejectsMalformedPaths(String path) {
    assertThatIllegalArgumentException().isThrownBy(() -> TilePath.parse(path)).withMessageContaining("bad tile path");
  }

  @Test
  void largestIndexRoundTrips() {
    TilePath p = TilePath.tile(0, Long.MAX_VALUE, 256);
    assertThat(p.format()).isEqualTo("tile/0/x009/x223/x372/x036/x854/x775/807");
    assertThat(TilePath.parse(p.format())).isEqualTo(p);
  }

  @Provide
  Arbitrary<TilePath> paths() {
    Arbitrary<Long> index = Arbitraries.oneOf(Arbitraries.longs().between(0, 2_000_000),
        Arbitraries.longs().greaterOrEqual(0), Arbitraries.of(0L, 999L, 1000L, 999_999L, 1_000_000L));
    Arbitrary<Integer> width = Arbitraries.oneOf(Arbitraries.integers().between(1, 256), Arbitraries.just(256));
    return net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 63),
        index, width).as((e, l, i, w) -> new TilePath(e, e ? 0 : l, i, w));
  }

  @Property(tries = 1000)
  void formatThenParseRoundTrips(@ForAll("paths") TilePath p) {
    String s = p.format();
    assertThat(TilePath.parse(s)).isEqualTo(p);
    assertThat(s).matches("tile/(entries|[0-9]+)/(x[0-9]{3}/)*[0-9]{3}(\\.p/[0-9]+)?");
    assertThat(s.contains(".p/")).isEqualTo(!p.isFull());
  }

  @Property(tries = 1000)
  void parseAcceptsOnlyCanonicalStrings(@ForAll("mutations") String s) {
    try {
      TilePath p = TilePath.parse(s);
      assertThat(p.format()).isEqualTo(s);
    } catch (IllegalArgumentException expected) {
      assertThat(expected).hasMessageContaining("bad tile path");
    }
  }

  @Provide
  Arbitrary<String> mutations() {
    return paths().flatMap(p -> Arbitraries.integers().between(0, p.format().length() - 1).flatMap(pos ->
        Arbitraries.of('/', 'x', '0', '9', '.', 'p', 'a').map(c -> {
          String s = p.format();
          return s.substring(0, pos) + c + s.substring(pos + 1);
        })));
  }

  @Property
  void coverageWidthsFollowTheSpecFormula(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long size,
      @ForAll @IntRange(min = 0, max = 7) int level) {
    List<TilePath.LevelTiles> c = TilePath.coverage(size);
    long count = size >>> (8 * level);
    if (count == 0) {
      assertThat(c).hasSizeLessThanOrEqualTo(level);
    } else {
      assertThat(c.get(level)).isEqualTo(new TilePath.LevelTiles(level, count / 256, (int) (count % 256)));
    }
  }

  @Test
  void coverageByHand() {
    assertThat(TilePath.coverage(0)).isEmpty();
    assertThat(TilePath.coverage(1)).containsExactly(lt(0, 0, 1));
    assertThat(TilePath.coverage(255)).containsExactly(lt(0, 0, 255));
    assertThat(TilePath.coverage(256)).containsExactly(lt(0, 1, 0), lt(1, 0, 1));
    assertThat(TilePath.coverage(257)).containsExactly(lt(0, 1, 1), lt(1, 0, 1));
    assertThat(TilePath.coverage(65535)).containsExactly(lt(0, 255, 255), lt(1, 0, 255));
    assertThat(TilePath.coverage(65536)).containsExactly(lt(0, 256, 0), lt(1, 1, 0), lt(2, 0, 1));
    assertThat(TilePath.coverage(65537)).containsExactly(lt(0, 256, 1), lt(1, 1, 0), lt(2, 0, 1));
    // spec example: 70,000 -> 273 full L0 + width 112, 1 full L1 + width 17, partial L2 width 1
    assertThat(TilePath.coverage(70000)).containsExactly(lt(0, 273, 112), lt(1, 1, 17), lt(2, 0, 1));
    assertThat(TilePath.coverage(1L << 56)).hasSize(8).last().isEqualTo(lt(7, 0, 1));
  }

  private static TilePath.LevelTiles lt(int level, long full, int width) {
    return new TilePath.LevelTiles(level, full, width);
  }
}
