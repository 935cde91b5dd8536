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
  void refusesALinkedFolder(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("force-app");
    apexClass(app, "A");
    Path outside = Files.createDirectories(dir.resolve("outside/classes"));
    Files.writeString(outside.resolve("B.cls"), "public class B {}\n");
    Path link = Files.createSymbolicLink(app.resolve("main/default/more"), outside);
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
    Path widgets = Files.createDirectories(app.resolve("main/default/widgets"));
    Files.writeString(widgets.resolve("Gear.widget-meta.xml"), "<Widget xmlns=\"" + NS + "\"/>");
    Files.writeString(app.resolve("main/default/classes/.hidden"), "dot-files are ignored by default");
    MetadataPackage pkg = MetadataPackage.fromSource(List.of(app), Optional.empty());
    assertThat(pkg.packageXml().members()).containsExactly(new Manifest.Member("ApexClass", "Kept"));
    assertThat(pkg.unknownFiles()).extracting(MetadataPackage.PackageFile::path)
        .containsExactly("main/default/widgets/Gear.widget-meta.xml");
    assertThat(pkg.files()).containsKeys("classes/Kept.cls", "main/default/widgets/Gear.widget-meta.xml")
        .doesNotContainKeys("classes/Ignored.cls", "classes/.hidden");
    assertThat(pkg.apiVersion()).isEqualTo(SourceConverter.DEFAULT_API_VERSION);
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static List<String> components(MetadataPackage pkg) {
    return pkg.components().stream().map(c -> c.type() + ":" + c.fullName()).toList();
  }

  @Test
  void namesFolderContentsByTheirFolderPathAndListsFoldersUnderTheirContentsType(@TempDir Path dir) throws Exception {
    Path reports = dir.resolve("main/default/reports");
    write(reports.resolve("Sales.reportFolder-meta.xml"), "<ReportFolder xmlns=\"" + NS + "\"/>");
    write(reports.resolve("Sales/Europe.reportFolder-meta.xml"), "<ReportFolder xmlns=\"" + NS + "\"/>");
    write(reports.resolve("Sales/Europe/Q1.report-meta.xml"), "<Report xmlns=\"" + NS + "\"/>");
    Path email = dir.resolve("main/default/email");
    write(email.resolve("Support.emailFolder-meta.xml"), "<EmailFolder xmlns=\"" + NS + "\"/>");
    write(email.resolve("Support/Hi.email"), "Hello");
    write(email.resolve("Support/Hi.email-meta.xml"), "<EmailTemplate xmlns=\"" + NS + "\"/>");
    Path documents = dir.resolve("main/default/documents");
    write(documents.resolve("Brand.documentFolder-meta.xml"), "<DocumentFolder xmlns=\"" + NS + "\"/>");
    write(documents.resolve("Brand/logo.svg"), "<svg/>");
    write(documents.resolve("Brand/logo.document-meta.xml"), "<Document xmlns=\"" + NS + "\"/>");

    MetadataPackage pkg = MetadataPackage.fromSource(List.of(dir), Optional.empty());

    assertThat(components(pkg)).containsExactly("Document:Brand/logo", "DocumentFolder:Brand", "EmailFolder:Support",
        "EmailTemplate:Support/Hi", "Report:Sales/Europe/Q1", "ReportFolder:Sales", "ReportFolder:Sales/Europe");
    assertThat(pkg.files().keySet()).containsExactlyInAnyOrder("reports/Sales-meta.xml", "reports/Sales/Europe-meta.xml",
        "reports/Sales/Europe/Q1.report", "email/Support-meta.xml", "email/Support/Hi.email",
        "email/Support/Hi.email-meta.xml", "documents/Brand-meta.xml", "documents/Brand/logo.svg",
        "documents/Brand/logo.svg-meta.xml");
    assertThat(pkg.packageXml().members()).containsExactly(new Manifest.Member("Document", "Brand"),
        new Manifest.Member("Document", "Brand/logo"), new Manifest.Member("EmailTemplate", "Support"),
        new Manifest.Member("EmailTemplate", "Support/Hi"), new Manifest.Member("Report", "Sales/"),
        new Manifest.Member("Report", "Sales/Europe/"), new Manifest.Member("Report", "Sales/Europe/Q1"));
    assertThat(pkg.unknownFiles()).isEmpty();
  }

  @Test
  void aManifestSelectsAFolderByEitherTypeAndPackageXmlNamesItAsTheCliDoes(@TempDir Path dir) throws Exception {
    Path reports = dir.resolve("reports");
    write(reports.resolve("Sales.reportFolder-meta.xml"), "<ReportFolder xmlns=\"" + NS + "\"/>");
    write(reports.resolve("Sales/Pipeline.report-meta.xml"), "<Report xmlns=\"" + NS + "\"/>");
    write(reports.resolve("Sales/Forecast.report-meta.xml"), "<Report xmlns=\"" + NS + "\"/>");
    write(dir.resolve("documents/Brand.documentFolder-meta.xml"), "<DocumentFolder xmlns=\"" + NS + "\"/>");
    Manifest manifest = Manifest.of(Optional.of("62.0"), List.of(new Manifest.Member("Report", "Sales/"),
        new Manifest.Member("Report", "Sales/Pipeline"), new Manifest.Member("DocumentFolder", "Brand")));

    MetadataPackage pkg = MetadataPackage.fromSource(List.of(dir), Optional.of(manifest));

    assertThat(components(pkg)).containsExactly("DocumentFolder:Brand", "Report:Sales/Pipeline", "ReportFolder:Sales");
    assertThat(pkg.files()).doesNotContainKey("reports/Sales/Forecast.report");
    // sf 2.146.3 writes the manifest's folders as it writes its own: DocumentFolder Brand as Document Brand.
    assertThat(pkg.packageXml().members()).containsExactly(new Manifest.Member("Document", "Brand"),
        new Manifest.Member("Report", "Sales/"), new Manifest.Member("Report", "Sales/Pipeline"));
  }

  @Test
  void passesThroughWhatTheSalesforceCliCannotPlaceInAFolder(@TempDir Path dir) throws Exception {
    // Outside a reports directory, a nested document folder, the EmailTemplateFolder alias's suffix.
    Path stray = write(dir.resolve("main/default/misc/Stray.report-meta.xml"), "<Report xmlns=\"" + NS + "\"/>");
    write(dir.resolve("main/default/documents/Brand/Print/terms.txt"), "terms");
    Path deep = write(dir.resolve("main/default/documents/Brand/Print/terms.document-meta.xml"),
        "<Document xmlns=\"" + NS + "\"/>");
    Path alias = write(dir.resolve("main/default/email/Old.emailTemplateFolder-meta.xml"),
        "<EmailTemplateFolder xmlns=\"" + NS + "\"/>");

    MetadataPackage pkg = MetadataPackage.fromSource(List.of(dir), Optional.empty());

    assertThat(pkg.components()).isEmpty();
    assertThat(pkg.unknownFiles()).extracting(MetadataPackage.PackageFile::source).containsExactlyInAnyOrder(
        stray.toString(), deep.toString(), dir.resolve("main/default/documents/Brand/Print/terms.txt").toString(),
        alias.toString());
  }

  @Test
  void refusesADocumentWithoutOneContentFile(@TempDir Path dir) throws Exception {
    Path meta = write(dir.resolve("documents/Brand/logo.document-meta.xml"), "<Document xmlns=\"" + NS + "\"/>");
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.COMPONENT_INVALID))
        .hasMessageContaining(meta + ": a document needs one content file logo.EXT beside it, found none");
    write(dir.resolve("documents/Brand/logo.png"), "png");
    write(dir.resolve("documents/Brand/logo.svg"), "<svg/>");
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir), Optional.empty()))
        .isInstanceOf(PackageException.class).hasMessageContaining("found [logo.png, logo.svg]");
  }

  @Test
  void refusesAnEmailTemplateWithoutItsContent(@TempDir Path dir) throws Exception {
    Path meta = write(dir.resolve("email/Support/Hi.email-meta.xml"), "<EmailTemplate xmlns=\"" + NS + "\"/>");
    assertThatThrownBy(() -> MetadataPackage.fromSource(List.of(dir), Optional.empty()))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.COMPONENT_INVALID))
        .hasMessageContaining(meta + ": the content file Hi.email is missing beside it");
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
