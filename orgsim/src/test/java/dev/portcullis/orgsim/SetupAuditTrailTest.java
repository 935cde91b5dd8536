package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.MetadataClient.Soap;
import dev.portcullis.orgsim.SimulatorClient.Reply;
import dev.portcullis.salesforce.OrgEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Setup Audit Trail (Object Reference, sforce_api_objects_setupaudittrail.htm): deploys through the
 * Metadata API's SOAP binding write rows as the deploying user, hand-made changes are recorded through
 * the simulator's hook, the fixture seeds some, and REST SOQL, describe and the read-only refusals
 * behave as Salesforce's do.
 */
class SetupAuditTrailTest {
  static final String RECENT = "SELECT Id, Action, Section, CreatedDate, CreatedBy.Username, Display FROM SetupAuditTrail"
      + " WHERE CreatedDate > 2026-01-01T00:00:00Z ORDER BY CreatedDate DESC";
  static final String ADA = "ada.admin@acme.example";

  RunningSimulator sim;
  String token;
  MetadataClient metadata;

  @BeforeEach
  void start() throws Exception {
    sim = new RunningSimulator(b -> b.environment(OrgEnvironment.SANDBOX));
    token = sim.login();
    metadata = new MetadataClient(sim.client, sim.org.url(), token);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  JsonNode query(String soql) throws Exception {
    Reply reply = sim.client.get(sim.org.url(), "/services/data/v62.0/query?q=" + SimulatorClient.enc(soql), token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** The rows created after {@code after} (an ISO instant), newest first, as action | section | username | display. */
  List<String> rowsAfter(String after) throws Exception {
    JsonNode records = query("SELECT Action, Section, CreatedBy.Username, Display FROM SetupAuditTrail WHERE CreatedDate > "
        + after + " ORDER BY CreatedDate DESC, Id DESC").get("records");
    List<String> rows = new ArrayList<>();
    for (JsonNode r : records) {
      rows.add(r.get("Action").asText() + " | " + r.get("Section").asText() + " | "
          + r.get("CreatedBy").get("Username").asText() + " | " + r.get("Display").asText());
    }
    return rows;
  }

  Soap deploy(Map<String, String> files, String options) throws Exception {
    Soap queued = metadata.deploy(MetadataClient.zip(files), "<singlePackage>true</singlePackage>" + options);
    assertThat(queued.status()).as(queued.body()).isEqualTo(200);
    return metadata.await(queued.text("result/id"));
  }

  static String permissionSet(String label, Map<String, Boolean> userPermissions, String more) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\""
        + "http://soap.sforce.com/2006/04/metadata\">" + more + "<label>" + label + "</label>");
    userPermissions.forEach((name, enabled) -> xml.append("<userPermissions><enabled>").append(enabled)
        .append("</enabled><name>").append(name).append("</name></userPermissions>"));
    return xml.append("</PermissionSet>\n").toString();
  }

  @Test
  void aDeployThroughSoapWritesOneRowPerChangeAndPerPermissionAsTheDeployingUser() throws Exception {
    sim.clock.advance(Duration.ofMinutes(1));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/AuditMe.cls", "public class AuditMe {}\n");
    files.put("classes/AuditMe.cls-meta.xml", MetadataClient.APEX_META);
    Map<String, Boolean> permissions = new LinkedHashMap<>();
    permissions.put("ViewAllData", false); // was enabled: revoked
    permissions.put("ModifyAllData", true); // was not there: granted
    permissions.put("ApiEnabled", true); // unchanged
    files.put("permissionsets/Integration_API.permissionset", permissionSet("Integration API", permissions,
        "<description>API access for the CI integration user</description>"));
    files.put("package.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/"
        + "metadata\"><types><members>AuditMe</members><name>ApexClass</name></types><types><members>Integration_API"
        + "</members><name>PermissionSet</name></types><version>62.0</version></Package>\n");
    Soap done = deploy(files, "");
    assertThat(done.text("result/status")).as(done.body()).isEqualTo("Succeeded");

    assertThat(rowsAfter("2026-11-28T12:00:00Z")).containsExactlyInAnyOrder(
        "createdApexClass | Apex Class | ci@acme.example | Created AuditMe Apex Class code",
        "PermSetEnableUserPerm | Manage Users | ci@acme.example | Changed permission set Integration API: Modify All Data"
            + " permission was changed from disabled to enabled",
        "PermSetDisableUserPerm | Manage Users | ci@acme.example | Changed permission set Integration API: View All Data"
            + " permission was changed from enabled to disabled",
        // The seeded permission set read invoices; the package no longer grants it.
        "PermSetEntityPermChanged | Manage Users | ci@acme.example | Changed permission set Integration API: Invoice__c"
            + " object permissions were changed from Read, View All to No Access");

    JsonNode row = query(RECENT).get("records").get(0);
    assertThat(row.get("attributes").get("type").asText()).isEqualTo("SetupAuditTrail");
    assertThat(row.get("Id").asText()).startsWith("0Ym").hasSize(18);
    assertThat(row.get("CreatedDate").asText()).isEqualTo("2026-11-28T12:01:00.000+0000");
    assertThat(row.get("CreatedBy").get("Username").asText()).isEqualTo(RunningSimulator.CI);

    // The same package again changes nothing, so Salesforce records nothing.
    sim.clock.advance(Duration.ofMinutes(1));
    assertThat(deploy(files, "").text("result/status")).isEqualTo("Succeeded");
    assertThat(rowsAfter("2026-11-28T12:01:00Z")).isEmpty();

    // Deleting the class is a row too.
    Map<String, String> destructive = new LinkedHashMap<>();
    destructive.put("package.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/"
        + "2006/04/metadata\"><version>62.0</version></Package>\n");
    destructive.put("destructiveChanges.xml", MetadataClient.packageXml("ApexClass", "AuditMe"));
    assertThat(deploy(destructive, "").text("result/status")).isEqualTo("Succeeded");
    assertThat(rowsAfter("2026-11-28T12:01:00Z"))
        .containsExactly("deletedApexClass | Apex Class | ci@acme.example | Deleted AuditMe Apex Class code");
  }

  @Test
  void checkOnlyAndFailedDeploysChangeNothingAndWriteNothing() throws Exception {
    sim.clock.advance(Duration.ofMinutes(1));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/CheckOnly.cls", "public class CheckOnly {}\n");
    files.put("classes/CheckOnly.cls-meta.xml", MetadataClient.APEX_META);
    files.put("package.xml", MetadataClient.packageXml("ApexClass", "CheckOnly"));
    assertThat(deploy(files, "<checkOnly>true</checkOnly>").text("result/status")).isEqualTo("Succeeded");

    Map<String, String> broken = new LinkedHashMap<>(files);
    broken.put("classes/CheckOnly.cls-meta.xml", "<ApexClass><not-closed></ApexClass>");
    assertThat(deploy(broken, "").text("result/status")).isEqualTo("Failed");

    assertThat(rowsAfter("2026-11-28T12:00:00Z")).isEmpty();
  }

  @Test
  void theFixtureSeedsHandMadeChangesDatedRelativeToTheClock() throws Exception {
    JsonNode records = query("SELECT Action, CreatedDate, CreatedBy.Name, CreatedBy.Username, Display FROM SetupAuditTrail"
        + " ORDER BY CreatedDate").get("records");
    assertThat(records).hasSize(4);
    assertThat(records).allSatisfy(r -> {
      assertThat(r.get("CreatedBy").get("Username").asText()).isEqualTo(ADA);
      assertThat(r.get("CreatedBy").get("Name").asText()).isEqualTo("Ada Admin");
    });
    assertThat(records.get(0).get("CreatedDate").asText()).isEqualTo("2026-11-16T12:00:00.000+0000");
    assertThat(records.get(1).get("Action").asText()).isEqualTo("PermSetEnableUserPerm");
    assertThat(records.get(1).get("CreatedDate").asText()).isEqualTo("2026-11-25T12:00:00.000+0000");
    assertThat(records.get(3).get("Display").asText()).isEqualTo("Remote Proxy insert CPI: https://billing.acme.example");
  }

  @Test
  void handMadeChangesAreRecordedAndOrderingAndFiltersWork() throws Exception {
    sim.clock.advance(Duration.ofHours(1));
    String first = sim.org.recordSetupChange(ADA, "PermSetEnableUserPerm", "Manage Users",
        "Changed permission set Data Steward: Author Apex permission was changed from disabled to enabled");
    sim.clock.advance(Duration.ofMinutes(5));
    String second = sim.org.recordSetupChange(RunningSimulator.CI, "changedApexClass", "Apex Class",
        "Changed AccountService Apex Class code");
    sim.clock.advance(Duration.ofMinutes(5));
    String third = sim.org.recordSetupChange(ADA, "changedsessiontimeout", "Session Settings",
        "Changed session timeout from 2 hours to 12 hours");
    assertThat(List.of(first, second, third)).allSatisfy(id -> assertThat(id).startsWith("0Ym").hasSize(18));

    JsonNode newest = query(RECENT + " LIMIT 2").get("records");
    assertThat(newest).extracting(r -> r.get("Id").asText()).containsExactly(third, second);

    JsonNode oldestFirst = query("SELECT Id FROM SetupAuditTrail WHERE CreatedDate >= 2026-11-28T13:00:00Z"
        + " ORDER BY CreatedDate ASC").get("records");
    assertThat(oldestFirst).extracting(r -> r.get("Id").asText()).containsExactly(first, second, third);

    JsonNode byAda = query("SELECT Id, Section FROM SetupAuditTrail WHERE CreatedBy.Username = '" + ADA
        + "' AND CreatedDate > 2026-11-28T12:00:00Z ORDER BY CreatedDate DESC").get("records");
    assertThat(byAda).extracting(r -> r.get("Id").asText()).containsExactly(third, first);

    JsonNode byAction = query("SELECT Display FROM SetupAuditTrail WHERE Action IN ('changedApexClass')"
        + " AND CreatedDate = TODAY").get("records");
    assertThat(byAction).extracting(r -> r.get("Display").asText())
        .containsExactly("Changed AccountService Apex Class code");

    JsonNode count = query("SELECT COUNT() FROM SetupAuditTrail WHERE Section = 'Manage Users'");
    assertThat(count.get("totalSize").asInt()).isEqualTo(3); // two seeded rows and the first above

    JsonNode one = sim.client.get(sim.org.url(), "/services/data/v62.0/sobjects/SetupAuditTrail/" + second, token).json();
    assertThat(one.get("Action").asText()).isEqualTo("changedApexClass");
    assertThat(one.get("DelegateUser").isNull()).isTrue();
    assertThat(one.get("CreatedById").asText()).isEqualTo(sim.org.userId(RunningSimulator.CI));
  }

  @Test
  void theHttpHookRecordsAHandMadeChangeForTheDemo() throws Exception {
    sim.clock.advance(Duration.ofMinutes(1));
    Reply made = sim.client.send(sim.org.url(), "POST", "/_orgsim/setup-audit-trail", null, "{\"username\":\"" + ADA
        + "\",\"action\":\"PermSetEnableUserPerm\",\"section\":\"Manage Users\",\"display\":\"Changed permission"
        + " set Data Steward: Author Apex permission was changed from disabled to enabled\",\"delegate_user\":\"sam\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String id = made.json().get("id").asText();
    JsonNode row = query("SELECT Id, DelegateUser, CreatedBy.Username FROM SetupAuditTrail WHERE Id = '" + id + "'")
        .get("records").get(0);
    assertThat(row.get("DelegateUser").asText()).isEqualTo("sam");
    assertThat(row.get("CreatedBy").get("Username").asText()).isEqualTo(ADA);

    Reply missing = sim.client.send(sim.org.url(), "POST", "/_orgsim/setup-audit-trail", null, "{\"username\":\"" + ADA + "\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get(0).get("message").asText()).contains("action", "section", "display");
    Reply stranger = sim.client.send(sim.org.url(), "POST", "/_orgsim/setup-audit-trail", null,
        "{\"username\":\"x@y\",\"action\":\"a\",\"section\":\"s\",\"display\":\"d\"}");
    assertThat(stranger.status()).isEqualTo(400);
    assertThat(stranger.json().get(0).get("message").asText()).contains("has no user 'x@y'");
  }

  @Test
  void theHookRefusesAUserTheOrgDoesNotHave() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sim.org.recordSetupChange("nobody@acme.example",
        "changedApexClass", "Apex Class", "Changed X Apex Class code"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody@acme.example");
  }

  @Test
  void theApiCannotCreateUpdateOrDeleteARow() throws Exception {
    String id = query("SELECT Id FROM SetupAuditTrail LIMIT 1").get("records").get(0).get("Id").asText();
    Reply create = metadata.rest("POST", "/services/data/v62.0/sobjects/SetupAuditTrail",
        "{\"Action\":\"changedApexClass\",\"Section\":\"Apex Class\",\"Display\":\"forged\"}");
    assertThat(create.status()).isEqualTo(400);
    assertThat(create.json().get(0).get("errorCode").asText()).isEqualTo("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY");
    assertThat(create.json().get(0).get("message").asText()).isEqualTo("entity type cannot be inserted: Setup Audit Trail");

    Reply update = metadata.rest("PATCH", "/services/data/v62.0/sobjects/SetupAuditTrail/" + id, "{\"Display\":\"forged\"}");
    assertThat(update.status()).isEqualTo(400);
    assertThat(update.json().get(0).get("message").asText()).isEqualTo("entity type cannot be updated: Setup Audit Trail");

    Reply delete = metadata.rest("DELETE", "/services/data/v62.0/sobjects/SetupAuditTrail/" + id, null);
    assertThat(delete.status()).isEqualTo(400);
    assertThat(delete.json().get(0).get("errorCode").asText()).isEqualTo("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY");

    assertThat(query("SELECT COUNT() FROM SetupAuditTrail WHERE Display = 'forged'").get("totalSize").asInt()).isZero();
    assertThat(query("SELECT COUNT() FROM SetupAuditTrail").get("totalSize").asInt()).isEqualTo(4);
  }

  @Test
  void describeShowsAReadOnlyObjectWithTheReferenceFields() throws Exception {
    Reply reply = sim.client.get(sim.org.url(), "/services/data/v62.0/sobjects/SetupAuditTrail/describe", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode d = reply.json();
    assertThat(d.get("name").asText()).isEqualTo("SetupAuditTrail");
    assertThat(d.get("keyPrefix").asText()).isEqualTo("0Ym");
    assertThat(d.get("label").asText()).isEqualTo("Setup Audit Trail");
    assertThat(d.get("createable").asBoolean()).isFalse();
    assertThat(d.get("updateable").asBoolean()).isFalse();
    assertThat(d.get("deletable").asBoolean()).isFalse();
    assertThat(d.get("queryable").asBoolean()).isTrue();
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    d.get("fields").forEach(f -> fields.put(f.get("name").asText(), f));
    assertThat(fields).containsOnlyKeys("Id", "Action", "CreatedByContext", "CreatedById", "CreatedByIssuer",
        "CreatedDate", "DelegateUser", "Display", "ResponsibleNamespacePrefix", "Section", "SystemModstamp");
    assertThat(fields.values()).allSatisfy(f -> {
      assertThat(f.get("createable").asBoolean()).as(f.get("name").asText()).isFalse();
      assertThat(f.get("updateable").asBoolean()).as(f.get("name").asText()).isFalse();
    });
    assertThat(fields.get("CreatedById").get("referenceTo")).extracting(JsonNode::asText).containsExactly("User");
    assertThat(fields.get("CreatedById").get("relationshipName").asText()).isEqualTo("CreatedBy");
    assertThat(fields.get("Action").get("nillable").asBoolean()).isFalse();
    assertThat(fields.get("DelegateUser").get("nillable").asBoolean()).isTrue();
    assertThat(fields.get("CreatedDate").get("type").asText()).isEqualTo("datetime");

    JsonNode global = sim.client.get(sim.org.url(), "/services/data/v62.0/sobjects", token).json();
    assertThat(global.get("sobjects")).extracting(s -> s.get("name").asText()).contains("SetupAuditTrail");
  }
}
