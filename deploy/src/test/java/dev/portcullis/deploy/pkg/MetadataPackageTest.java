package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading MDAPI directories and zips, destructive changes, and the package identity. */
class MetadataPackageTest {
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String manifest(String type, String... members) {
    StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"" + NS + "\">\n  <types>\n");
    for (String m : members) {
      s.append("    <members>").append(m).append("</members>\n");
    }
    return s.append("    <name>").append(type).append("</name>\n  </types>\n  <version>62.0</version>\n</Package>\n").toString();
  }

  @Test
  void sourceAndTheCliConvertedFormHaveTheSameIdentity() {
    for (String name : List.of("dreamhouse-lwc", "security-types", "lwc-recipes", "decomposed-labels")) {
      Path root = SourceConverterFixtureTest.project(name);
      List<Path> dirs = name.equals("security-types")
          ? List.of(root.resolve("force-app"), root.resolve("second-app")) : List.of(root.resolve("force-app"));
      MetadataPackage fromSource = MetadataPackage.fromSource(dirs, Optional.empty());
      MetadataPackage fromCli = MetadataPackage.fromMetadataDirectory(root.resolve("expected"));
      assertThat(fromCli.sha256()).as(name).isEqualTo(fromSource.sha256());
      // Children in a Metadata API file are named by their <fullName>; the fixture's Account.Region__c has
      // none (its name was only its source file name), so it cannot be listed from the converted form.
      assertThat(fromCli.components().stream().map(c -> c.type() + ":" + c.fullName()).toList()).as(name)
          .containsAll(fromSource.packageXml().members().stream().map(m -> m.type() + ":" + m.fullName())
              .filter(m -> !m.equals("CustomField:Account.Region__c")).toList());
    }
  }

  @Test
  void identityIsStableAcrossRezippingAndLineEndings() throws Exception {
    Path root = SourceConverterFixtureTest.project("dreamhouse-lwc");
    MetadataPackage pkg = MetadataPackage.fromSource(List.of(root.resolve("force-app")), Optional.empty());
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    pkg.writeZip(zip);
    MetadataPackage again = MetadataPackage.fromZip(new ByteArrayInputStream(zip.toByteArray()), "again.zip");
    assertThat(again.sha256()).isEqualTo(pkg.sha256());

    // The same entries, under a root folder, in reverse order, with CRLF line endings: same identity.
    TreeMap<String, byte[]> entries = new TreeMap<>(pkg.zipEntries());
    Map<String, byte[]> rezipped = new java.util.LinkedHashMap<>();
    entries.descendingMap().forEach((path, bytes) -> rezipped.put("unpackaged/" + path, PackageHash.isText(bytes)
        ? new String(bytes, StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8) : bytes));
    MetadataPackage crlf = MetadataPackage.fromZip(new ByteArrayInputStream(SafeZipTest.zip(rezipped)), "crlf.zip");
    assertThat(crlf.sha256()).isEqualTo(pkg.sha256());

    // One changed character is another package.
    rezipped.put("unpackaged/classes/PagedResult.cls", utf8("public class PagedResult {}\n"));
    assertThat(MetadataPackage.fromZip(new ByteArrayInputStream(SafeZipTest.zip(rezipped)), "changed.zip").sha256())
        .isNotEqualTo(pkg.sha256());
  }

  @Test
  void readsDestructiveChangesOfEachPhase(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("package.xml"), utf8(manifest("ApexClass", "Keep")));
    Files.createDirectories(dir.resolve("classes"));
    Files.write(dir.resolve("classes/Keep.cls"), utf8("public class Keep {}"));
    Files.write(dir.resolve("classes/Keep.cls-meta.xml"), utf8("<ApexClass xmlns=\"" + NS + "\"><apiVersion>62.0</apiVersion></ApexClass>"));
    Files.write(dir.resolve("destructiveChangesPre.xml"), utf8(manifest("CustomField", "Account.Old__c")));
    Files.write(dir.resolve("destructiveChanges.xml"), utf8(manifest("ApexClass", "Gone", "AlsoGone")));
    Files.write(dir.resolve("destructiveChangesPost.xml"), utf8(manifest("PermissionSet", "Legacy")));
    MetadataPackage pkg = MetadataPackage.fromMetadataDirectory(dir);
    assertThat(pkg.deletions(MetadataPackage.DestructivePhase.PRE)).containsExactly(new Manifest.Member("CustomField", "Account.Old__c"));
    assertThat(pkg.deletions(MetadataPackage.DestructivePhase.DEFAULT))
        .containsExactly(new Manifest.Member("ApexClass", "AlsoGone"), new Manifest.Member("ApexClass", "Gone"));
    assertThat(pkg.deletions(MetadataPackage.DestructivePhase.POST)).containsExactly(new Manifest.Member("PermissionSet", "Legacy"));
    assertThat(pkg.components()).extracting(MetadataPackage.Component::fullName).containsExactly("Keep");
    assertThat(pkg.components().get(0).files()).containsExactly("classes/Keep.cls", "classes/Keep.cls-meta.xml");
    assertThat(pkg.zipEntries()).containsKeys("destructiveChanges.xml", "destructiveChangesPre.xml", "destructiveChangesPost.xml");

    // Deleting something else changes the identity.
    String before = pkg.sha256();
    Files.write(dir.resolve("destructiveChangesPost.xml"), utf8(manifest("PermissionSet", "Other")));
    assertThat(MetadataPackage.fromMetadataDirectory(dir).sha256()).isNotEqualTo(before);
  }

  @Test
  void listsChildrenOfObjectsAndSharingRulesAndReportsUnknownFiles(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("package.xml"), utf8(manifest("CustomObject", "Ticket__c")));
    Files.createDirectories(dir.resolve("objects"));
    Files.write(dir.resolve("objects/Ticket__c.object"), utf8("<CustomObject xmlns=\"" + NS + "\"><fields><fullName>A__c</fullName>"
        + "</fields><validationRules><fullName>V</fullName></validationRules></CustomObject>"));
    Files.createDirectories(dir.resolve("sharingRules"));
    Files.write(dir.resolve("sharingRules/Account.sharingRules"), utf8("<SharingRules xmlns=\"" + NS + "\"><sharingOwnerRules>"
        + "<fullName>Owners</fullName></sharingOwnerRules></SharingRules>"));
    Files.createDirectories(dir.resolve("gadgets"));
    Files.write(dir.resolve("gadgets/X.gadget"), utf8("<Gadget/>"));
    MetadataPackage pkg = MetadataPackage.fromMetadataDirectory(dir);
    assertThat(pkg.components()).extracting(c -> c.type() + ":" + c.fullName()).containsExactly(
        "CustomField:Ticket__c.A__c", "CustomObject:Ticket__c", "SharingOwnerRule:Account.Owners", "SharingRules:Account",
        "ValidationRule:Ticket__c.V");
    assertThat(pkg.unknownFiles()).extracting(MetadataPackage.PackageFile::path).containsExactly("gadgets/X.gadget");
    assertThat(pkg.files()).containsKey("gadgets/X.gadget");
  }

  @Test
  void refusesADoctypeInPackageXmlNamingTheEntry() throws Exception {
    byte[] zip = SafeZipTest.zip(Map.of("package.xml", utf8("<?xml version=\"1.0\"?><!DOCTYPE Package [<!ENTITY x \"y\">]>"
        + "<Package xmlns=\"" + NS + "\"><version>&x;</version></Package>")));
    assertThatThrownBy(() -> MetadataPackage.fromZip(new ByteArrayInputStream(zip), "deploy.zip"))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.XML_DOCTYPE))
        .hasMessageStartingWith("deploy.zip!package.xml:1:");
  }

  @Test
  void refusesAZipWithoutPackageXmlAndAManifestOfAnotherRoot() throws Exception {
    assertThatThrownBy(() -> MetadataPackage.fromZip(new ByteArrayInputStream(SafeZipTest.zip(Map.of("classes/A.cls", utf8("x")))), "d.zip"))
        .hasMessageContaining("d.zip!package.xml: missing");
    assertThatThrownBy(() -> MetadataPackage.fromZip(new ByteArrayInputStream(SafeZipTest.zip(Map.of("package.xml", utf8("<Other/>")))), "d.zip"))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.MANIFEST_INVALID));
  }
}
