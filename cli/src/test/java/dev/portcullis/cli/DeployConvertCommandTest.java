package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis deploy convert} through Main, as a user runs it. */
class DeployConvertCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";

  private static Path project(Path root) throws Exception {
    Path classes = Files.createDirectories(root.resolve("force-app/main/default/classes"));
    Files.writeString(classes.resolve("Hello.cls"), "public class Hello {}\n");
    Files.writeString(classes.resolve("Hello.cls-meta.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ApexClass xmlns=\""
        + NS + "\">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n");
    Path widgets = Files.createDirectories(root.resolve("force-app/main/default/widgets"));
    Files.writeString(widgets.resolve("Gear.widget-meta.xml"), "<Widget xmlns=\"" + NS + "\"/>\n");
    Files.writeString(root.resolve("sfdx-project.json"),
        "{\"packageDirectories\": [{\"path\": \"force-app\", \"default\": true}], \"sourceApiVersion\": \"62.0\"}");
    return root;
  }

  @Test
  void convertsWritesPackageXmlAndReportsUnknownTypes(@TempDir Path dir) throws Exception {
    Path root = project(dir.resolve("p"));
    Path out = dir.resolve("out");
    MainTest.Run run = MainTest.run("deploy", "convert", "--source-dir", root.resolve("force-app").toString(),
        "--output-dir", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Converted 1 components").contains("package sha256 ")
        .contains("passed through (type not converted): ").contains("main/default/widgets/Gear.widget-meta.xml");
    assertThat(out.resolve("classes/Hello.cls")).hasContent("public class Hello {}");
    assertThat(out.resolve("main/default/widgets/Gear.widget-meta.xml")).exists();
    assertThat(Files.readString(out.resolve("package.xml")))
        .contains("<members>Hello</members>").contains("<name>ApexClass</name>").contains("<version>62.0</version>")
        .doesNotContain("Gear");
  }

  @Test
  void jsonAndProjectDefault(@TempDir Path dir) throws Exception {
    Path root = project(dir.resolve("p"));
    MainTest.Run run = MainTest.run("deploy", "convert", "--project", root.toString(), "--output-dir",
        dir.resolve("out").toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode node = JSON.readTree(run.out());
    assertThat(node.get("components").asInt()).isEqualTo(1);
    assertThat(node.get("sha256").asText()).hasSize(64);
    assertThat(node.at("/unknown/0/path").asText()).isEqualTo("main/default/widgets/Gear.widget-meta.xml");
  }

  @Test
  void refusesADoctypeNamingTheFileAndExitsTwo(@TempDir Path dir) throws Exception {
    Path root = project(dir.resolve("p"));
    Path meta = root.resolve("force-app/main/default/classes/Hello.cls-meta.xml");
    Files.writeString(meta, "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
        + "<ApexClass xmlns=\"" + NS + "\"><apiVersion>&e;</apiVersion></ApexClass>\n");
    MainTest.Run run = MainTest.run("deploy", "convert", "--source-dir", root.resolve("force-app").toString(),
        "--output-dir", dir.resolve("out").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("XML_DOCTYPE").contains(meta.toString()).contains("DOCTYPE declaration is refused");
  }

  @Test
  void refusesADoctypeInAPlainMetadataFileWithTheCliClassPath(@TempDir Path dir) throws Exception {
    // On the cli class path other StAX providers are present; the identity's streaming parser must still refuse.
    Path root = project(dir.resolve("p"));
    Path profiles = Files.createDirectories(root.resolve("force-app/main/default/profiles"));
    Path profile = Files.writeString(profiles.resolve("Admin.profile-meta.xml"), "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE Profile [<!ENTITY x \"y\">]>\n<Profile xmlns=\"" + NS + "\"><custom>&x;</custom></Profile>\n");
    Path out = dir.resolve("out");
    MainTest.Run run = MainTest.run("deploy", "convert", "--source-dir", root.resolve("force-app").toString(),
        "--output-dir", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("XML_DOCTYPE").contains(profile.toString());
    assertThat(out).doesNotExist();
  }

  @Test
  void refusesANonEmptyOutputDirectory(@TempDir Path dir) throws Exception {
    Path root = project(dir.resolve("p"));
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("stale.txt"), "old");
    MainTest.Run run = MainTest.run("deploy", "convert", "--source-dir", root.resolve("force-app").toString(),
        "--output-dir", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("is not empty");
  }
}
