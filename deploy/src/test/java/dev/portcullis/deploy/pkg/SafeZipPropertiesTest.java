package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the zip reader: what the writer writes reads back; unsafe names and garbage are refused cleanly. */
class SafeZipPropertiesTest {
  @Provide
  Arbitrary<String> segment() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_', '-', '.', '%', ' ', 'É').ofMinLength(1).ofMaxLength(8)
        .filter(s -> !s.equals(".") && !s.equals(".."));
  }

  @Provide
  Arbitrary<String> safePath() {
    return segment().list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
  }

  @Provide
  Arbitrary<Map<String, byte[]>> entries() {
    return Arbitraries.maps(safePath(), Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).ofMinSize(1).ofMaxSize(12)
        // a path cannot be both a file and a folder of another file
        .filter(m -> m.keySet().stream().noneMatch(a -> m.keySet().stream().anyMatch(b -> b.startsWith(a + "/"))));
  }

  @Property(tries = 200)
  void whatTheWriterWritesReadsBack(@ForAll("entries") Map<String, byte[]> entries) {
    byte[] zip = SafeZip.write(new TreeMap<>(entries));
    Map<String, byte[]> read = SafeZip.read(new ByteArrayInputStream(zip), SafeZip.Limits.DEFAULT, "p.zip");
    assertThat(read.keySet()).containsExactlyElementsOf(new TreeMap<>(entries).keySet());
    entries.forEach((k, v) -> assertThat(read.get(k)).isEqualTo(v));
  }

  @Provide
  Arbitrary<String> unsafePath() {
    Arbitrary<List<String>> parts = segment().list().ofMinSize(0).ofMaxSize(3);
    Arbitrary<String> bad = Arbitraries.of("..", ".", "");
    return Combinators.combine(parts, bad, parts, Arbitraries.of("", "/", "C:/")).as((before, b, after, prefix) -> {
      StringBuilder s = new StringBuilder(prefix.equals("/") || prefix.equals("C:/") ? prefix : "");
      before.forEach(p -> s.append(p).append('/'));
      s.append(b);
      after.forEach(p -> s.append('/').append(p));
      return s.append(b.isEmpty() && after.isEmpty() ? "/x" : "").toString();
    }).filter(p -> SafeZip.pathProblem(p) != null);
  }

  @Property(tries = 200)
  void unsafeNamesAreRefusedNamingTheEntry(@ForAll("unsafePath") String name) throws Exception {
    byte[] zip = SafeZipTest.zip(Map.of(name, new byte[] {1}));
    assertThatThrownBy(() -> SafeZip.read(new ByteArrayInputStream(zip), SafeZip.Limits.DEFAULT, "p.zip"))
        .isInstanceOf(PackageException.class)
        .hasMessageContaining("p.zip: entry ");
  }

  @Property(tries = 300)
  void anyBytesEitherReadOrFailWithAPackageException(@ForAll byte[] garbage, @ForAll("entries") Map<String, byte[]> entries,
      @ForAll boolean corruptAZip) {
    byte[] input = garbage;
    if (corruptAZip) {
      input = SafeZip.write(new TreeMap<>(entries));
      for (int i = 0; i < garbage.length && i < input.length; i++) {
        int at = Math.floorMod(garbage[i] * 31 + i * 7, input.length);
        input[at] ^= garbage[i];
      }
    }
    try {
      SafeZip.read(new ByteArrayInputStream(input), SafeZip.Limits.DEFAULT, "p.zip");
    } catch (PackageException e) {
      assertThat(e.getMessage()).startsWith("p.zip");
    }
  }
}
