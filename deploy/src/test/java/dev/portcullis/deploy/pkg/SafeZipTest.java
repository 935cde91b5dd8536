package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Each refusal of the zip reader, with the entry named. */
class SafeZipTest {
  static byte[] zip(Map<String, byte[]> entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> read(byte[] zip, SafeZip.Limits limits) {
    return SafeZip.read(new ByteArrayInputStream(zip), limits, "test.zip");
  }

  private static Map<String, byte[]> one(String name) {
    return Map.of(name, "x".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void refusesPathsThatClimbOutOrAreAbsolute() {
    for (String name : new String[] {"../evil.cls", "classes/../../evil", "/etc/passwd", "C:/win.ini", "a\\..\\b",
        "classes/./Foo.cls", "classes//Foo.cls"}) {
      assertThatThrownBy(() -> read(zip(one(name)), SafeZip.Limits.DEFAULT))
          .as(name)
          .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.UNSAFE_PATH))
          .hasMessageContaining("test.zip: entry " + name);
    }
  }

  @Test
  void refusesDuplicateEntries() throws Exception {
    Map<String, byte[]> entries = new TreeMap<>();
    entries.put("classes/A.cls", "1".getBytes(StandardCharsets.UTF_8));
    entries.put("classes/B.cls", "2".getBytes(StandardCharsets.UTF_8));
    byte[] bytes = zip(entries);
    // Rename B to A in the local header and the central directory: ZipOutputStream will not write a duplicate.
    String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("classes/B.cls", "classes/A.cls");
    assertThatThrownBy(() -> read(text.getBytes(StandardCharsets.ISO_8859_1), SafeZip.Limits.DEFAULT))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.DUPLICATE_ENTRY))
        .hasMessageContaining("entry classes/A.cls appears twice");
  }

  @Test
  void capsEntryCountEntrySizeTotalSizeAndRatio() throws Exception {
    Map<String, byte[]> three = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      three.put("f" + i, new byte[] {(byte) i});
    }
    assertThatThrownBy(() -> read(zip(three), new SafeZip.Limits(2, 100, 1000, 100)))
        .hasMessageContaining("more than 2 entries (at f2)");
    assertThatThrownBy(() -> read(zip(Map.of("big", new byte[200])), new SafeZip.Limits(10, 100, 1000, 1000)))
        .hasMessageContaining("entry big inflates to more than 100 bytes");
    assertThatThrownBy(() -> read(zip(three), new SafeZip.Limits(10, 100, 2, 1000)))
        .hasMessageContaining("more than 2 bytes in all (at f2)");
    byte[] zeros = new byte[8 << 20];
    assertThatThrownBy(() -> read(zip(Map.of("bomb.txt", zeros)), new SafeZip.Limits(10, 64L << 20, 64L << 20, 100)))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.ZIP_LIMIT))
        .hasMessageContaining("entry bomb.txt inflates more than 100 times");
  }

  @Test
  void refusesSomethingThatIsNotAZip() {
    assertThatThrownBy(() -> read("hello".getBytes(StandardCharsets.UTF_8), SafeZip.Limits.DEFAULT))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.ZIP_LIMIT))
        .hasMessageContaining("test.zip: not a zip");
  }

  @Test
  void writingIsDeterministic() {
    TreeMap<String, byte[]> entries = new TreeMap<>(Map.of("a/b.txt", new byte[] {1, 2}, "c.txt", new byte[] {3}));
    assertThat(SafeZip.write(entries)).isEqualTo(SafeZip.write(new TreeMap<>(entries)));
  }
}
