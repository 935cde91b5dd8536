package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ComponentVersions;
import dev.portcullis.deploy.diff.SemanticDiff;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.deploy.report.Findings;
import dev.portcullis.deploy.report.SarifWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: a finding inside a decomposed object's child (a field, a validation rule) points at the child's own
 * source file and at the line of the element there, not at the object's file and the line in the recomposed
 * document; a finding in the object's own elements keeps pointing at the object's file.
 */
class ChildFileLocationTest {
  static final String OBJECT = "force-app/main/default/objects/Invoice__c/";

  @TempDir Path dir;
  Path root;

  @BeforeEach
  void project() throws Exception {
    root = dir.resolve("shop");
    Files.createDirectories(root.resolve(OBJECT + "fields"));
    Files.createDirectories(root.resolve(OBJECT + "validationRules"));
    Files.writeString(root.resolve("sfdx-project.json"), """
        {"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}
        """);
    Files.writeString(root.resolve(OBJECT + "Invoice__c.object-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
            <deploymentStatus>Deployed</deploymentStatus>
            <label>Invoice</label>
            <sharingModel>Private</sharingModel>
        </CustomObject>
        """);
    Files.writeString(root.resolve(OBJECT + "fields/Amount__c.field-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
            <fullName>Amount__c</fullName>
            <label>Amount</label>
            <type>Currency</type>
        </CustomField>
        """);
    // Laid out unlike the CLI (comment, two-space indent, two elements on a line): lines still map exactly.
    Files.writeString(root.resolve(OBJECT + "fields/Tax_Id__c.field-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- the customer's tax id -->

        <CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
          <fullName>Tax_Id__c</fullName> <label>Tax Id</label>
          <length>20</length>
          <type>Text</type>
        </CustomField>
        """);
    Files.writeString(root.resolve(OBJECT + "validationRules/Positive_Amount.validationRule-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">
            <fullName>Positive_Amount</fullName>
            <active>false</active>
            <errorConditionFormula>Amount__c &lt; 0</errorConditionFormula>
            <errorMessage>The amount must not be negative</errorMessage>
        </ValidationRule>
        """);
  }

  /**
   * The org's copy: the field Tax_Id__c encrypted (the package drops its encryption), the rule active (the package
   * deactivates it), the sharing model Read, and Amount__c as the package has it.
   */
  static final String ORG = """
      <?xml version="1.0" encoding="UTF-8"?>
      <CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
          <deploymentStatus>Deployed</deploymentStatus>
          <label>Invoice</label>
          <sharingModel>Read</sharingModel>
          <fields>
              <fullName>Amount__c</fullName>
              <label>Amount</label>
              <type>Currency</type>
          </fields>
          <fields>
              <fullName>Tax_Id__c</fullName>
              <encryptionScheme>ProbabilisticEncryption</encryptionScheme>
              <label>Tax Id</label>
              <length>20</length>
              <type>Text</type>
          </fields>
          <validationRules>
              <fullName>Positive_Amount</fullName>
              <active>true</active>
              <errorConditionFormula>Amount__c &lt; 0</errorConditionFormula>
              <errorMessage>The amount must not be negative</errorMessage>
          </validationRules>
      </CustomObject>
      """;

  List<Change> changes(MetadataPackage pkg) throws Exception {
    MetadataPackage.Component object = pkg.components().stream()
        .filter(c -> c.type().equals("CustomObject")).findFirst().orElseThrow();
    ComponentVersions versions = ComponentVersions.changed("CustomObject", "Invoice__c", ORG,
        DeployInspection.content(pkg, object), DeployInspection.sourceFile(object))
        .withChildFiles(DeployInspection.childFiles(pkg, object.files().getFirst()));
    return SemanticDiff.create().diff(List.of(versions));
  }

  static Change about(List<Change> changes, String subject) {
    return changes.stream().filter(c -> c.subject().equals(subject)).findFirst().orElseThrow();
  }

  @Test
  void aFieldAndAValidationRuleChangePointAtTheirOwnFilesAndLines() throws Exception {
    List<Change> changes = changes(MetadataPackage.fromProject(root));

    Change field = about(changes, "Invoice__c.Tax_Id__c");
    assertThat(field.location().file()).endsWith(OBJECT + "fields/Tax_Id__c.field-meta.xml");
    // the <CustomField ...> start tag is on line 4 of its file; StAX's column is just after the tag
    assertThat(field.location().line()).isEqualTo(4);
    assertThat(field.location().column()).isEqualTo(
        "<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">".length() + 1);
    assertThat(field.location().side()).isEqualTo(Change.Side.AFTER);

    Change rule = about(changes, "Invoice__c.Positive_Amount");
    assertThat(rule.location().file()).endsWith(OBJECT + "validationRules/Positive_Amount.validationRule-meta.xml");
    assertThat(rule.location().line()).isEqualTo(2);

    // Amount__c is as the org has it: no finding.
    assertThat(changes).noneMatch(c -> c.subject().equals("Invoice__c.Amount__c"));
  }

  @Test
  void aChangeOfTheObjectsOwnElementKeepsTheObjectsFileAndLine() throws Exception {
    Change own = about(changes(MetadataPackage.fromProject(root)), "sharingModel");
    assertThat(own.location().file()).endsWith(OBJECT + "Invoice__c.object-meta.xml");
    assertThat(own.location().line()).isEqualTo(5); // <sharingModel> in the recomposed objects/Invoice__c.object
  }

  @Test
  void eachChildsRangeIsExactlyItsInlinedElement() throws Exception {
    MetadataPackage pkg = MetadataPackage.fromProject(root);
    List<MetadataPackage.ChildSource> children = pkg.childSources("objects/Invoice__c.object");
    assertThat(children).extracting(c -> Path.of(c.source()).getFileName().toString())
        .containsExactly("Amount__c.field-meta.xml", "Tax_Id__c.field-meta.xml",
            "Positive_Amount.validationRule-meta.xml");
    String recomposed = new String(pkg.files().get("objects/Invoice__c.object"), java.nio.charset.StandardCharsets.UTF_8);
    List<String> lines = recomposed.lines().toList();
    for (MetadataPackage.ChildSource child : children) { // each range is exactly the inlined element
      assertThat(lines.get(child.firstLine() - 1)).matches(" {4}<(fields|validationRules)>");
      assertThat(lines.get(child.lastLine() - 1)).matches(" {4}</(fields|validationRules)>");
    }
  }

  @Test
  void sarifCarriesTheChildFileAndLine() throws Exception {
    List<Change> changes = changes(MetadataPackage.fromProject(root));
    String sarif = SarifWriter.create("1.0.0", "https://portcullis.dev/docs/DEPLOY.md").toJson(new Findings(changes,
        List.of(), Optional.empty(), "", new Findings.Project(root.toString(), "sfdx-project.json")));
    JsonNode results = new ObjectMapper().readTree(sarif).path("runs").path(0).path("results");
    boolean found = false;
    for (JsonNode result : results) {
      JsonNode physical = result.path("locations").path(0).path("physicalLocation");
      if (physical.path("artifactLocation").path("uri").asText()
          .equals(OBJECT + "validationRules/Positive_Amount.validationRule-meta.xml")) {
        assertThat(physical.path("region").path("startLine").asInt()).isEqualTo(2);
        found = true;
      }
    }
    assertThat(found).as("a result located in the validation rule's file: " + sarif).isTrue();
  }
}
