package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Compares two Metadata API trees the way the fixtures promise: paths, manifest members, canonical XML, zips by entry. */
final class MetadataTrees {
  private MetadataTrees() {}

  static void assertEquivalent(Map<String, byte[]> expected, Map<String, byte[]> actual) throws IOException {
    assertThat(new TreeMap<>(actual).keySet()).as("package paths").containsExactlyElementsOf(new TreeMap<>(expected).keySet());
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      String path = e.getKey();
      byte[] want = e.getValue();
      byte[] got = actual.get(path);
      if (path.equals("package.xml")) {
        assertThat(Manifest.parse(got, "actual " + path)).as(path).isEqualTo(Manifest.parse(want, "expected " + path));
      } else if (PackageHash.isMetadataXml(path, MetadataRegistry.standard())) {
        assertThat(SafeXml.canonical(got, "actual " + path))
            .as(path).isEqualTo(SafeXml.canonical(SafeXml.parse(want, "expected " + path)));
      } else if (SafeZip.looksLikeZip(want)) {
        Map<String, byte[]> wantEntries = SafeZip.read(new ByteArrayInputStream(want), SafeZip.Limits.DEFAULT, path);
        Map<String, byte[]> gotEntries = SafeZip.read(new ByteArrayInputStream(got), SafeZip.Limits.DEFAULT, path);
        assertThat(gotEntries.keySet()).as(path + " entries").containsExactlyInAnyOrderElementsOf(wantEntries.keySet());
        wantEntries.forEach((name, bytes) -> assertThat(gotEntries.get(name)).as(path + "!" + name).isEqualTo(bytes));
      } else {
        assertThat(new String(got, StandardCharsets.UTF_8)).as(path).isEqualTo(new String(want, StandardCharsets.UTF_8));
        assertThat(got).as(path).isEqualTo(want);
      }
    }
  }
}
