package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Portcullis converts the fixture projects to what {@code sf project convert source} wrote for them
 * ({@code src/test/resources/projects/README.md} says how {@code expected/} was made).
 */
class SourceConverterFixtureTest {
  static Path project(String name) {
    try {
      return Paths.get(SourceConverterFixtureTest.class.getResource("/projects/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void dreamhouseMatchesTheSalesforceCli() throws Exception {
    Path root = project("dreamhouse-lwc");
    MetadataPackage pkg = MetadataPackage.fromSource(List.of(root.resolve("force-app")), Optional.empty());
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.unknownFiles()).isEmpty();
    assertThat(pkg.apiVersion()).isEqualTo("65.0");
  }

  @Test
  void aManifestSelectsComponentsAsTheSalesforceCliDoes() throws Exception {
    Path root = project("dreamhouse-lwc");
    Manifest manifest = Manifest.parse(java.nio.file.Files.readAllBytes(root.resolve("manifest-subset.xml")), "manifest-subset.xml");
    MetadataPackage pkg = MetadataPackage.fromSource(List.of(root.resolve("force-app")), Optional.of(manifest));
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected-manifest-subset")), pkg.zipEntries());
    assertThat(pkg.apiVersion()).isEqualTo("64.0");
    assertThat(pkg.components()).extracting(c -> c.type() + ":" + c.fullName()).containsExactly("ApexClass:PagedResult",
        "CustomField:Property__c.Price__c", "CustomField:Property__c.Status__c", "LightningComponentBundle:brokerCard");
  }

  @Test
  void lwcRecipesMatchesTheSalesforceCli() throws Exception {
    Path root = project("lwc-recipes");
    MetadataPackage pkg = MetadataPackage.fromProject(root);
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.packageXml().members()).doesNotContain(new Manifest.Member("CustomObject", "Account"));
  }

  @Test
  void securityTypesMatchTheSalesforceCli() throws Exception {
    Path root = project("security-types");
    MetadataPackage pkg = MetadataPackage.fromSource(
        List.of(root.resolve("force-app"), root.resolve("second-app")), Optional.empty());
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.unknownFiles()).isEmpty();
  }

  @Test
  void topLevelDecomposedTypesAndOtherCommonTypesMatchTheSalesforceCli() throws Exception {
    Path root = project("mixed-types");
    MetadataPackage pkg = MetadataPackage.fromProject(root);
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.unknownFiles()).isEmpty();
    // a field translation is merged into its object translation and is no package.xml member; a bot version is
    assertThat(pkg.packageXml().members()).extracting(m -> m.type() + ":" + m.fullName())
        .contains("CustomObjectTranslation:Account-es", "Bot:MyBot", "BotVersion:MyBot.v1", "ExperienceBundle:Site1",
            "GenAiFunction:F1", "WaveTemplateBundle:WT1")
        .noneMatch(member -> member.startsWith("CustomFieldTranslation:"));
    // the org's side of a diff reads the Metadata API form: the same components come back from it
    MetadataPackage read = MetadataPackage.fromMetadataDirectory(root.resolve("expected"));
    assertThat(read.unknownFiles()).isEmpty();
    assertThat(read.components()).extracting(c -> c.type() + ":" + c.fullName())
        .containsExactlyElementsOf(pkg.components().stream().map(c -> c.type() + ":" + c.fullName()).toList());
  }

  @Test
  void folderTypesMatchTheSalesforceCli() throws Exception {
    Path root = project("folder-types");
    MetadataPackage pkg = MetadataPackage.fromProject(root);
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.unknownFiles()).isEmpty();
    assertThat(pkg.components()).extracting(c -> c.type() + ":" + c.fullName()).containsExactly(
        "Dashboard:Exec/Overview", "DashboardFolder:Exec", "Document:Brand/logo", "Document:Brand/terms",
        "DocumentFolder:Brand", "EmailFolder:Legacy", "EmailFolder:Support", "EmailTemplate:Legacy/Old_Notice",
        "EmailTemplate:Support/Welcome", "Report:Sales/Europe/Q1_Bookings", "Report:Sales/Pipeline",
        "Report:unfiled$public/Orphan", "ReportFolder:Sales", "ReportFolder:Sales/Europe");
  }

  @Test
  void theSalesforceCliOutputForFolderTypesReadsBackAsTheSameComponents() throws Exception {
    Path root = project("folder-types");
    MetadataPackage converted = MetadataPackage.fromProject(root);
    MetadataPackage read = MetadataPackage.fromMetadataDirectory(root.resolve("expected"));
    assertThat(read.unknownFiles()).isEmpty();
    assertThat(read.components()).extracting(c -> c.type() + ":" + c.fullName())
        .containsExactlyElementsOf(converted.components().stream().map(c -> c.type() + ":" + c.fullName()).toList());
    assertThat(read.components()).filteredOn(c -> c.fullName().equals("Brand/logo")).singleElement()
        .satisfies(c -> assertThat(c.files()).containsExactlyInAnyOrder("documents/Brand/logo.png", "documents/Brand/logo.png-meta.xml"));
  }

  @Test
  void decomposedCustomLabelsMatchTheSalesforceCli() throws Exception {
    Path root = project("decomposed-labels");
    MetadataPackage pkg = MetadataPackage.fromProject(root);
    MetadataTrees.assertEquivalent(MetadataDirectoryReader.files(root.resolve("expected")), pkg.zipEntries());
    assertThat(pkg.packageXml().members()).extracting(Manifest.Member::fullName).containsExactly("Alpha", "Zeta");
  }
}
