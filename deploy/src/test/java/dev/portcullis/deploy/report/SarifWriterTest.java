package dev.portcullis.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.ComponentVersions;
import dev.portcullis.deploy.diff.DiffException;
import dev.portcullis.deploy.diff.SemanticDiff;
import dev.portcullis.deploy.diff.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SarifWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SarifWriter WRITER = SarifWriter.create("1.2.3", "https://portcullis.dev/docs/DEPLOY.md");

  @Test
  void everyKindOfInputIsValidSarif() throws IOException {
    String sarif = WRITER.toJson(Fixtures.everything());

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    JsonNode run = JSON.readTree(sarif).path("runs").get(0);
    assertThat(ids(run.path("tool").path("driver").path("rules"))).containsExactly(
        "component.added", "component.deleted", "user-permission.granted", "user-permission.revoked",
        "session-timeout.raised", "oauth-scope.added", "url.insecure-http", "apex.sharing-omitted",
        "policy/deploy.dangerous-grant-needs-approval", "deploy/component-failure", "deploy/test-failure",
        "deploy/coverage");
    // 8 changes, 1 hold (the allow is no result), 3 deploy problems.
    assertThat(run.path("results")).hasSize(12);
    assertThat(run.path("properties").path("portcullis/decision").asText()).isEqualTo("held");
    assertThat(run.path("properties").path("portcullis/deploymentId").asText()).isEqualTo("dep-0042");
  }

  @Test
  void theSchemaRejectsWhatIsNotSarif() {
    String valid = WRITER.toJson(Fixtures.everything());

    assertThat(SarifSchema.errors(mutate(valid, "\"version\": \"2.1.0\"", "\"version\": \"2.0.0\""))).isNotEmpty();
    assertThat(SarifSchema.errors(mutate(valid, "\"level\": \"error\"", "\"level\": \"fatal\""))).isNotEmpty();
    assertThat(SarifSchema.errors(mutate(valid, "\"startLine\": 3", "\"startLine\": 0"))).isNotEmpty();
    assertThat(SarifSchema.errors(mutate(valid, "\"informationUri\": \"https://portcullis.dev/docs/DEPLOY.md\"",
        "\"informationUri\": \"not a uri\""))).isNotEmpty();
    assertThat(SarifSchema.errors(mutate(valid, "\"ruleIndex\": 0", "\"ruleIndex\": \"0\""))).isNotEmpty();
    assertThat(SarifSchema.errors("{\"version\": \"2.1.0\"}")).isNotEmpty();
  }

  /** {@code json} with the first {@code from} replaced, which must be there. */
  private static String mutate(String json, String from, String to) {
    assertThat(json).contains(from);
    return json.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
  }

  @Test
  void nothingToReportIsStillAValidRunWithEmptyResults() throws IOException {
    String sarif = WRITER.toJson(new Findings(List.of(), List.of(), Optional.empty(), "", Fixtures.PROJECT));

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    JsonNode log = JSON.readTree(sarif);
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    assertThat(log.path("runs")).hasSize(1);
    assertThat(log.path("runs").get(0).path("results").isArray()).isTrue();
    assertThat(log.path("runs").get(0).path("results")).isEmpty();
    assertThat(log.path("runs").get(0).path("tool").path("driver").path("rules")).isEmpty();
  }

  @Test
  void driverAndRunCarryWhatGitHubReads() throws IOException {
    JsonNode run = JSON.readTree(WRITER.toJson(Fixtures.everything())).path("runs").get(0);
    JsonNode driver = run.path("tool").path("driver");

    assertThat(driver.path("name").asText()).isEqualTo("portcullis");
    assertThat(driver.path("version").asText()).isEqualTo("1.2.3");
    assertThat(driver.path("informationUri").asText()).isEqualTo("https://portcullis.dev/docs/DEPLOY.md");
    assertThat(run.path("originalUriBaseIds").has("%SRCROOT%")).isTrue();
    for (JsonNode rule : driver.path("rules")) {
      assertThat(rule.path("shortDescription").path("text").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
      assertThat(rule.path("fullDescription").path("text").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
      assertThat(rule.path("help").path("text").asText()).isNotBlank();
      assertThat(rule.path("defaultConfiguration").path("level").asText()).isIn("error", "warning", "note");
    }
    for (JsonNode result : run.path("results")) {
      int index = result.path("ruleIndex").asInt();
      assertThat(driver.path("rules").get(index).path("id").asText()).isEqualTo(result.path("ruleId").asText());
      assertThat(result.path("message").path("text").asText()).isNotBlank();
      assertThat(result.path("locations")).hasSize(1);
      JsonNode physical = result.path("locations").get(0).path("physicalLocation");
      assertThat(physical.path("artifactLocation").path("uriBaseId").asText()).isEqualTo("%SRCROOT%");
      assertThat(physical.path("region").path("startLine").asInt()).isPositive();
      assertThat(physical.path("region").path("startColumn").asInt()).isPositive();
      assertThat(result.path("partialFingerprints").path("primaryLocationLineHash").asText())
          .isEqualTo(result.path("partialFingerprints").path(SarifWriter.FINGERPRINT_KEY).asText())
          .matches("[0-9a-f]{32}:[0-9]+");
    }
  }

  @Test
  void severityMapsToLevelAndSecuritySeverity() throws IOException {
    List<Change> changes = new ArrayList<>();
    ChangeKind[] kinds = {ChangeKind.USER_PERMISSION_GRANTED, ChangeKind.OAUTH_SCOPE_ADDED,
        ChangeKind.TRUSTED_SITE_ADDED, ChangeKind.FIELD_ACCESS_GRANTED, ChangeKind.FIELD_ACCESS_REVOKED};
    Severity[] severities = Severity.values();
    for (int i = 0; i < severities.length; i++) {
      changes.add(Fixtures.change(kinds[i], "PermissionSet", "P" + i, "s", severities[i], "m" + i, "p" + i,
          Change.Side.AFTER, 1, 1));
    }
    String sarif = WRITER.toJson(new Findings(changes, List.of(), Optional.empty(), "", Fixtures.PROJECT));
    JsonNode run = JSON.readTree(sarif).path("runs").get(0);

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    List<String> levels = new ArrayList<>();
    run.path("results").forEach(result -> levels.add(result.path("level").asText()));
    assertThat(levels).containsExactly("error", "error", "warning", "note", "note");
    List<String> scores = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    run.path("tool").path("driver").path("rules").forEach(rule -> {
      scores.add(rule.path("properties").path("security-severity").asText("absent"));
      defaults.add(rule.path("defaultConfiguration").path("level").asText());
      assertThat(rule.path("properties").path("tags").get(0).asText()).isEqualTo("security");
    });
    // Rules in ChangeKind order: user-permission.granted, field-access.granted, field-access.revoked,
    // oauth-scope.added, trusted-site.added.
    assertThat(ids(run.path("tool").path("driver").path("rules"))).containsExactly("user-permission.granted",
        "field-access.granted", "field-access.revoked", "oauth-scope.added", "trusted-site.added");
    assertThat(scores).containsExactly("9.5", "3.0", "absent", "8.0", "5.5");
    assertThat(defaults).containsExactly("error", "note", "note", "error", "warning");
  }

  @Test
  void aKindsRuleCarriesItsHighestSeverityInTheRun() throws IOException {
    List<Change> changes = List.of(
        Fixtures.change(ChangeKind.USER_PERMISSION_GRANTED, "Profile", "A", "RunReports", Severity.LOW, "low", "a",
            Change.Side.AFTER, 1, 1),
        Fixtures.change(ChangeKind.USER_PERMISSION_GRANTED, "Profile", "A", "ViewAllData", Severity.HIGH, "high", "a",
            Change.Side.AFTER, 2, 1));
    JsonNode run = JSON.readTree(WRITER.toJson(new Findings(changes, List.of(), Optional.empty(), "",
        Fixtures.PROJECT))).path("runs").get(0);

    JsonNode rule = run.path("tool").path("driver").path("rules").get(0);
    assertThat(rule.path("properties").path("security-severity").asText()).isEqualTo("8.0");
    assertThat(rule.path("defaultConfiguration").path("level").asText()).isEqualTo("error");
    assertThat(run.path("results").get(0).path("level").asText()).isEqualTo("note");
    assertThat(run.path("results").get(0).path("properties").path("security-severity").asText()).isEqualTo("3.0");
  }

  @Test
  void everyChangeKindHasARuleThatValidates() throws IOException {
    List<Change> changes = new ArrayList<>();
    for (ChangeKind kind : ChangeKind.values()) {
      changes.add(Fixtures.change(kind, "Profile", "Admin", kind.id(), Severity.MEDIUM, "about " + kind.id(),
          "profiles/Admin.profile", Change.Side.AFTER, 4, 2));
    }
    String sarif = WRITER.toJson(new Findings(changes, List.of(), Optional.empty(), "", Fixtures.PROJECT));

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    JsonNode rules = JSON.readTree(sarif).path("runs").get(0).path("tool").path("driver").path("rules");
    assertThat(rules).hasSize(ChangeKind.values().length);
    assertThat(rules.get(0).path("name").asText()).isEqualTo("ComponentAdded");
  }

  @Test
  void locationsAreRelativeForwardSlashedAndEncoded() throws IOException {
    Findings.Project windows = new Findings.Project("C:\\Users\\dev\\shop\\", "sfdx-project.json");
    List<Change> changes = List.of(
        at("C:\\Users\\dev\\shop\\force-app\\main\\default\\profiles\\Admin.profile-meta.xml"),
        at("c:/users/DEV/shop/force-app/main/default/layouts/Account-Account Layout.layout-meta.xml"),
        at("force-app\\main\\default\\classes\\..\\classes\\.\\Refunds.cls"),
        at("D:\\elsewhere\\secret.txt"),
        at("..\\..\\etc\\passwd"),
        at("/etc/passwd"),
        at("force-app/main/default/objects/Invoice__c/fields/Amount%:x.field-meta.xml"),
        at("force-app/main/default/staticresources/Logo\u00e9.resource-meta.xml"));
    String sarif = WRITER.toJson(new Findings(changes, List.of(), Optional.empty(), "", windows));

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    assertThat(uris(sarif)).containsExactly(
        "force-app/main/default/profiles/Admin.profile-meta.xml",
        "force-app/main/default/layouts/Account-Account%20Layout.layout-meta.xml",
        "force-app/main/default/classes/Refunds.cls",
        "sfdx-project.json",
        "sfdx-project.json",
        "sfdx-project.json",
        "force-app/main/default/objects/Invoice__c/fields/Amount%25%3Ax.field-meta.xml",
        "force-app/main/default/staticresources/Logo%C3%A9.resource-meta.xml");
  }

  @Test
  void findingsWithoutAFileOfTheirOwnPointAtTheManifestLineOne() throws IOException {
    Findings findings = new Findings(List.of(
        Fixtures.change(ChangeKind.USER_PERMISSION_REVOKED, "Profile", "Admin", "ViewSetup", Severity.INFO, "m", "",
            Change.Side.BEFORE, 40, 5),
        Fixtures.change(ChangeKind.COMPONENT_DELETED, "PermissionSet", "Old", "", Severity.MEDIUM, "m",
            "destructiveChanges.xml", Change.Side.BEFORE, 12, 3)),
        List.of(PolicyOutcome.deny("deploy.freeze", "frozen")), Optional.empty(), "",
        new Findings.Project("/work/shop", "manifest/package.xml"));

    JsonNode results = JSON.readTree(WRITER.toJson(findings)).path("runs").get(0).path("results");

    assertThat(location(results.get(0))).isEqualTo("manifest/package.xml:1:1");
    // A deletion keeps its manifest, but the line counted lines of the org's copy.
    assertThat(location(results.get(1))).isEqualTo("destructiveChanges.xml:1:1");
    assertThat(location(results.get(2))).isEqualTo("manifest/package.xml:1:1");
    assertThat(results.get(2).path("level").asText()).isEqualTo("error");
    assertThat(results.get(2).path("ruleId").asText()).isEqualTo("policy/deploy.freeze");
  }

  @Test
  void fingerprintsDependOnWhatAFindingIsAboutNotWhereItIs() throws IOException {
    Change here = Fixtures.change(ChangeKind.OAUTH_SCOPE_ADDED, "ConnectedApp", "Erp", "Full", Severity.HIGH,
        "ConnectedApp Erp adds OAuth scope Full", "a/Erp.connectedApp-meta.xml", Change.Side.AFTER, 12, 9);
    Change movedAndReworded = Fixtures.change(ChangeKind.OAUTH_SCOPE_ADDED, "ConnectedApp", "Erp", "Full",
        Severity.HIGH, "reworded", "b/Erp.connectedApp-meta.xml", Change.Side.AFTER, 80, 1);
    Change otherScope = Fixtures.change(ChangeKind.OAUTH_SCOPE_ADDED, "ConnectedApp", "Erp", "Api", Severity.MEDIUM,
        "ConnectedApp Erp adds OAuth scope Api", "a/Erp.connectedApp-meta.xml", Change.Side.AFTER, 12, 9);

    String first = fingerprint(List.of(here), 0);
    assertThat(fingerprint(List.of(movedAndReworded), 0)).isEqualTo(first);
    assertThat(fingerprint(List.of(otherScope), 0)).isNotEqualTo(first);
    // The same fact twice in one run: distinct values, the second counted.
    assertThat(fingerprint(List.of(here, here), 1)).isEqualTo(first.replace(":1", ":2"));
    // Deterministic: the same findings give the same bytes.
    assertThat(WRITER.toJson(Fixtures.everything())).isEqualTo(WRITER.toJson(Fixtures.everything()));
  }

  @Test
  void policyFingerprintsDifferByRuleAndEffect() throws IOException {
    Findings findings = new Findings(List.of(), List.of(PolicyOutcome.deny("a", "x"), PolicyOutcome.hold("a", "x", 1,
        "g"), PolicyOutcome.deny("b", "x")), Optional.empty(), "", Fixtures.PROJECT);

    JsonNode results = JSON.readTree(WRITER.toJson(findings)).path("runs").get(0).path("results");

    Set<String> values = new HashSet<>();
    results.forEach(result -> values.add(result.path("partialFingerprints").path("portcullis/v1").asText()));
    assertThat(values).hasSize(3);
    assertThat(results.get(1).path("message").path("text").asText())
        .isEqualTo("Policy rule a holds the deployment for approval: x (needs 1 approval from g)");
  }

  @Test
  void secretValuesNeverReachTheOutput() throws DiffException, IOException {
    String named = """
        <?xml version="1.0" encoding="UTF-8"?>
        <NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
            <endpoint>https://erp.example.com</endpoint>
            <label>Erp</label>
            <password>hunter2-DO-NOT-LEAK</password>
            <principalType>NamedUser</principalType>
            <protocol>Password</protocol>
            <username>svc</username>
        </NamedCredential>
        """;
    String oauth = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
            <callbackUrl>https://app.example.com/callback</callbackUrl>
            <consumerKey>3MVG9key</consumerKey>
            <consumerSecret>CONSUMER-SECRET-DO-NOT-LEAK</consumerSecret>
            <externalClientApplication>Foo</externalClientApplication>
            <label>Foo</label>
        </ExtlClntAppGlobalOauthSettings>
        """;
    List<Change> changes = new ArrayList<>(SemanticDiff.create().diff(List.of(
        ComponentVersions.added("NamedCredential", "Erp", named, "force-app/main/default/namedCredentials/Erp.xml"),
        ComponentVersions.added("ExtlClntAppGlobalOauthSettings", "Foo_glbloauth", oauth, "eca/Foo.xml"))));
    // Even a change that carried a value would not print it: before and after are never written.
    changes.add(new Change(ChangeKind.SETTING_CHANGED, "Settings", "Security", "x", "", "old-VALUE-DO-NOT-LEAK",
        "new-VALUE-DO-NOT-LEAK", Severity.LOW, "Settings Security changes x", new Change.Location("s", Change.Side.AFTER,
        1, 1)));
    Findings findings = new Findings(changes, List.of(), Optional.empty(), "", Fixtures.PROJECT);

    assertThat(changes).extracting(Change::kind).contains(ChangeKind.SECRET_IN_PACKAGE);
    String sarif = WRITER.toJson(findings);
    String text = TerminalReport.plain().render(findings);
    assertThat(SarifSchema.errors(sarif)).isEmpty();
    for (String output : List.of(sarif, text)) {
      assertThat(output).doesNotContain("hunter2", "CONSUMER-SECRET", "VALUE-DO-NOT-LEAK");
    }
  }

  @Test
  void writesUtf8ToAStream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WRITER.write(Fixtures.everything(), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(WRITER.toJson(Fixtures.everything())).endsWith("}\n")
        .doesNotContain("\r");
  }

  @Test
  void toolIdentityIsChecked() {
    assertThatThrownBy(() -> SarifWriter.create("1.0", "docs/DEPLOY.md"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute URI");
    assertThatThrownBy(() -> SarifWriter.create(" ", "https://x.example"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
  }

  private static Change at(String file) {
    return Fixtures.change(ChangeKind.COMPONENT_CHANGED, "Layout", file, "", Severity.LOW, "changes", file,
        Change.Side.AFTER, 3, 7);
  }

  private static List<String> ids(JsonNode rules) {
    List<String> ids = new ArrayList<>();
    rules.forEach(rule -> ids.add(rule.path("id").asText()));
    return ids;
  }

  private static List<String> uris(String sarif) throws IOException {
    List<String> uris = new ArrayList<>();
    JSON.readTree(sarif).path("runs").get(0).path("results").forEach(result -> uris.add(
        result.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText()));
    return uris;
  }

  private static String location(JsonNode result) {
    JsonNode physical = result.path("locations").get(0).path("physicalLocation");
    return physical.path("artifactLocation").path("uri").asText() + ":"
        + physical.path("region").path("startLine").asInt() + ":" + physical.path("region").path("startColumn").asInt();
  }

  private static String fingerprint(List<Change> changes, int result) throws IOException {
    return JSON.readTree(WRITER.toJson(new Findings(changes, List.of(), Optional.empty(), "", Fixtures.PROJECT)))
        .path("runs").get(0).path("results").get(result).path("partialFingerprints").path("portcullis/v1").asText();
  }
}
