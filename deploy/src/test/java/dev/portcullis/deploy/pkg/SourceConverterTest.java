package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's refusals and edge cases, each naming the file. */
class SourceConverterTest {
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";

  private static Path apexClass(Path dir, String name) throws Exception {
    Path classes = Files.createDirectories(dir.resolve("main/default/classes"));
    Files.writeString(classes.resolve(name + ".cls"), "public class " + name + " {}\n");
    return Files.writeString(classes.resolve(name + ".cls-meta.xml"),
        "<ApexClass xmlns=\"" + NS + "\"><apiVersion>62.0</apiVersion></ApexClass>\n");
  }

  @Test
  void refusesSymbolicLinks(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("force-app");
    apexClass(app, "A");
    Path secret = Files.writeString(dir.resolve("secret.key"), "-----BEGIN PRIVATE KEY-----\n");
    Path resources = Files.createDirectories(app.resolve("main/default/staticresources"));
    Files.writeString(resources.resolve("key.resource-meta.xml"), "<StaticResource xmlns=\"" + NS + "\"/>");
    Path link = Files.createSymbolicLink(resources.resolve("key.txt"), secret);
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(app), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.UNSAFE_PATH))
        .hasMessageContaining(link + ": a symbolic link");
  }

  @Test
  void refusesTheSameComponentFromTwoPackageDirectories(@TempDir Path dir) throws Exception {
    Path first = apexClass(dir.resolve("a"), "Twice");
    Path second = apexClass(dir.resolve("b"), "Twice");
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir.resolve("a"), dir.resolve("b")), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.DUPLICATE_ENTRY))
        .hasMessageContaining(second.toString()).hasMessageContaining(first.toString());
  }

  @Test
  void refusesAMetaFileWithoutItsContent(@TempDir Path dir) throws Exception {
    Path meta = apexClass(dir, "Lonely");
    Files.delete(dir.resolve("main/default/classes/Lonely.cls"));
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.COMPONENT_INVALID))
        .hasMessageContaining(meta + ": the content file Lonely.cls is missing");
  }

  @Test
  void passesUnknownFilesThroughAndHonoursForceignore(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("force-app");
    apexClass(app, "Kept");
    apexClass(app, "Ignored");
    Files.writeString(dir.resolve("sfdx-project.json"), "{\"packageDirectories\": [{\"path\": \"force-app\"}]}");
    Files.writeString(dir.resolve(".forceignore"), "# comment\n**/Ignored.cls*\n");
    Path reports = Files.createDirectories(app.resolve("main/default/reports/Sales"));
    Files.writeString(reports.resolve("Pipeline.report-meta.xml"), "<Report xmlns=\"" + NS + "\"/>");
    Files.writeString(app.resolve("main/default/classes/.hidden"), "dot-files are ignored by default");
    MetadataPackage pkg = MetadataPackage.fromSource(List.of(app), Optional.empty());
    assertThat(pkg.packageXml().members()).containsExactly(new Manifest.Member("ApexClass", "Kept"));
    assertThat(pkg.unknownFiles()).extracting(MetadataPackage.PackageFile::path)
        .containsExactly("main/default/reports/Sales/Pipeline.report-meta.xml");
    assertThat(pkg.files()).containsKeys("classes/Kept.cls", "main/default/reports/Sales/Pipeline.report-meta.xml")
        .doesNotContainKeys("classes/Ignored.cls", "classes/.hidden");
    assertThat(pkg.apiVersion()).isEqualTo(SourceConverter.DEFAULT_API_VERSION);
  }

  @Test
  void refusesMalformedXmlItMustRecomposeNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
    Path fields = Files.createDirectories(dir.resolve("objects/Ticket__c/fields"));
    Path broken = Files.writeString(fields.resolve("A__c.field-meta.xml"),
        "<CustomField xmlns=\"" + NS + "\">\n  <label>A</label\n</CustomField>");
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.XML_MALFORMED))
        .hasMessageStartingWith(broken + ":3:");
  }
}
