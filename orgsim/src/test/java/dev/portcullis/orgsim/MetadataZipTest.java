package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Safe reading of deploy zips and of the XML inside them (docs/ORGSIM.md, "Metadata API"; ARCHITECTURE.md "Failing safely"). */
class MetadataZipTest {
  private static final MetadataZip.Limits SMALL = new MetadataZip.Limits(5, 4 << 20, 6 << 20, 100);

  @ParameterizedTest
  @ValueSource(strings = {"../evil.cls", "classes/../../evil", "/etc/passwd", "C:/x", "classes\\x.cls", "./package.xml"})
  void unsafePathsAreRefusedNamingTheEntry(String name) throws Exception {
    assertThatThrownBy(() -> MetadataZip.read(zip(Map.of(name, "x")), SMALL))
        .isInstanceOf(MetadataZip.UnsafeZipException.class).hasMessageContaining(name);
  }

  @Test
  void duplicateEntriesAreRefusedEvenInAnotherCase() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry("classes/A.cls"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("classes/a.cls")); // ZipOutputStream refuses exact duplicates itself
      out.closeEntry();
    }
    assertThatThrownBy(() -> MetadataZip.read(bytes.toByteArray(), SMALL))
        .hasMessage("duplicate zip entry 'classes/a.cls'");
  }

  @Test
  void tooManyEntriesTooLargeEntriesAndBombsAreRefused() throws Exception {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      many.put("f" + i, "x");
    }
    assertThatThrownBy(() -> MetadataZip.read(zip(many), SMALL)).hasMessage("the zip holds more than 5 entries");
    String big = "a".repeat(5 << 20); // compresses far past 100:1
    assertThatThrownBy(() -> MetadataZip.read(zip(Map.of("big.txt", big)), SMALL))
        .hasMessageContaining("zip entry 'big.txt' inflates past");
    assertThatThrownBy(() -> MetadataZip.read(zip(Map.of("bomb.txt", "a".repeat(3 << 20))), SMALL))
        .hasMessageContaining("zip entry 'bomb.txt' inflates").hasMessageContaining("a zip bomb");
    Map<String, String> total = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      total.put("part" + i, randomText(2 << 20, i));
    }
    assertThatThrownBy(() -> MetadataZip.read(zip(total), SMALL)).hasMessageContaining("the zip inflates past");
  }

  @Test
  void notAZipIsRefused() {
    assertThatThrownBy(() -> MetadataZip.read("PK but not really".getBytes(StandardCharsets.UTF_8), SMALL))
        .hasMessageStartingWith("not a valid zip file");
  }

  @Test
  void writtenZipsReadBackAndDirectoriesAreSkipped() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry("classes/"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("classes/A.cls"));
      out.write("a".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    assertThat(MetadataZip.read(bytes.toByteArray(), SMALL)).extracting(MetadataZip.Entry::name).containsExactly("classes/A.cls");
    List<MetadataZip.Entry> entries = List.of(new MetadataZip.Entry("x/y.txt", new byte[] {1, 2}));
    assertThat(MetadataZip.read(MetadataZip.write(entries), SMALL).get(0).content()).containsExactly(1, 2);
  }

  @Test
  void xmlWithADoctypeOrEntitiesIsRefused() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ApexClass>&e;</ApexClass>";
    assertThatThrownBy(() -> MetadataXml.parse(xxe.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataXml.MalformedXmlException.class).hasMessageContaining("DOCTYPE");
    String billion = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><l>&b;</l>";
    assertThatThrownBy(() -> MetadataXml.parse(billion.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataXml.MalformedXmlException.class);
  }

  @Test
  void anXxeInsideADeployedComponentIsAComponentFailureNotARead() throws Exception {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE ApexClass [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        + "<ApexClass xmlns=\"http://soap.sforce.com/2006/04/metadata\"><status>&e;</status></ApexClass>";
    List<MetadataZip.Entry> entries = List.of(entry("classes/X.cls", "public class X {}"), entry("classes/X.cls-meta.xml", xxe),
        entry("package.xml", MetadataClient.packageXml("ApexClass", "X")));
    MetadataPackage.Contents contents = MetadataPackage.read(entries, true);
    assertThat(contents.components()).isEmpty();
    assertThat(contents.problems()).singleElement().satisfies(p -> {
      assertThat(p.fileName()).isEqualTo("classes/X.cls-meta.xml");
      assertThat(p.problem()).startsWith("Error parsing file:").doesNotContain("root:");
    });
  }

  /** Whatever the bytes, reading either succeeds or fails with an UnsafeZipException: never anything else. */
  @Property(tries = 300)
  void arbitraryBytesNeverEscapeAsAnythingButUnsafeZip(@ForAll byte[] bytes) {
    try {
      MetadataZip.read(bytes, SMALL);
    } catch (MetadataZip.UnsafeZipException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /** Corrupting a valid zip anywhere is also only ever an UnsafeZipException (or a readable zip). */
  @Property(tries = 300)
  void corruptedZipsFailClosed(@ForAll("zips") byte[] zip, @ForAll("positions") int position, @ForAll byte value) {
    byte[] corrupted = zip.clone();
    corrupted[Math.floorMod(position, corrupted.length)] = value;
    try {
      MetadataZip.read(corrupted, SMALL);
    } catch (MetadataZip.UnsafeZipException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /**
   * Any zip contents, read as a package: never throws, and every component is either deployed or
   * reported with the name of a file that is in the zip (or the package.xml that named it).
   */
  @Property(tries = 300)
  void packagesOfArbitraryFilesNeverThrowAndEveryProblemNamesAFile(@ForAll("entries") List<MetadataZip.Entry> entries,
      @ForAll boolean singlePackage) {
    MetadataPackage.Contents contents = MetadataPackage.read(entries, singlePackage);
    List<String> names = new ArrayList<>(entries.stream().map(MetadataZip.Entry::name).toList());
    names.add("package.xml");
    for (MetadataPackage.Problem p : contents.problems()) {
      assertThat(p.fileName()).isIn(names);
      assertThat(p.problem()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<byte[]> zips() {
    return entries().map(list -> {
      Map<String, String> files = new LinkedHashMap<>();
      list.forEach(e -> files.putIfAbsent(e.name(), e.text()));
      try {
        return zip(files);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 100_000);
  }

  @Provide
  Arbitrary<List<MetadataZip.Entry>> entries() {
    Arbitrary<String> folder = Arbitraries.of("classes", "objects", "profiles", "lwc", "bogus", "zip", "permissionsets");
    Arbitrary<String> leaf = Arbitraries.of("A.cls", "A.cls-meta.xml", "B.object", "Admin.profile", "x/y.js", "package.xml",
        "P.permissionset", "A.txt");
    Arbitrary<String> name = Arbitraries.oneOf(Combinators.combine(folder, leaf).as((f, l) -> f + "/" + l),
        Arbitraries.of("package.xml", "destructiveChanges.xml", "zip/package.xml"));
    Arbitrary<String> content = Arbitraries.oneOf(
        Arbitraries.of(MetadataClient.APEX_META, MetadataClient.packageXml("ApexClass", "A"),
            MetadataClient.packageXml("ApexClass", "*"), MetadataClient.packageXml("Bogus", "A"),
            "<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\"/>", "<CustomObject/>", "<unclosed>",
            "<?xml version=\"1.0\"?><!DOCTYPE x []><x/>"),
        Arbitraries.strings().ofMaxLength(40));
    return Combinators.combine(name, content).as((n, c) -> new MetadataZip.Entry(n, c.getBytes(StandardCharsets.UTF_8)))
        .list().ofMaxSize(8).uniqueElements(MetadataZip.Entry::name);
  }

  private static MetadataZip.Entry entry(String name, String text) {
    return new MetadataZip.Entry(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomText(int length, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] zip(Map<String, String> files) throws Exception {
    return MetadataClient.zip(files);
  }

}
