package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.Endpoint;
import dev.portcullis.policy.PolicyBundle;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code redact_fields} through the proxy, against orgsim's default fixture (every Contact has an SSN). */
class GatewayRedactionTest extends GatewayTestBase {
  static final String POLICY = """
      rules:
        - id: reads-without-ssns
          effect: allow
          when: principal.kind != ""
          reason: reads, with SSNs redacted
          session:
            scopes: [api:read]
          obligations:
            redact_fields: [contact.ssn__C]
      """;

  @Override
  PolicyBundle policy() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("redaction-policies"));
    Files.writeString(policies.resolve("p.yaml"), POLICY);
    return PolicyBundle.load(policies);
  }

  @Test
  void aQueryOnContactReturnsTheColumnWithoutItsValues() throws Exception {
    String token = session("api:read");
    HttpResponse<String> response = get(query("SELECT Id, LastName, SSN__c FROM Contact ORDER BY LastName"), token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    JsonNode records = json.readTree(response.body()).get("records");
    assertThat(records).hasSize(4);
    for (JsonNode record : records) {
      assertThat(record.has("SSN__c")).isTrue();
      assertThat(record.get("SSN__c").isNull()).isTrue();
      assertThat(record.get("LastName").asText()).isNotEmpty();
    }
    assertThat(response.body()).doesNotContain("900-");
    assertThat(decisions.getLast().reason()).contains("redacting [contact.ssn__C]");
  }

  @Test
  void contactsInASubqueryAndBehindARelationshipAreRedacted() throws Exception {
    String token = session("api:read");
    HttpResponse<String> response = get(query(
        "SELECT Name, (SELECT LastName, SSN__c FROM Contacts) FROM Account WHERE Name = 'Acme Corporation'"), token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode contacts = json.readTree(response.body()).at("/records/0/Contacts/records");
    assertThat(contacts).hasSize(2);
    contacts.forEach(contact -> assertThat(contact.get("SSN__c").isNull()).isTrue());
    assertThat(response.body()).doesNotContain("900-");
  }

  @Test
  void aRecordReadIsRedactedWhateverTheEncodingAsked() throws Exception {
    String token = session("api:read");
    String id = json.readTree(get(query("SELECT Id FROM Contact WHERE LastName = 'Coyote'"), token).body())
        .at("/records/0/Id").asText();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(
            "/services/data/v62.0/sobjects/Contact/" + id)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    JsonNode record = json.readTree(response.body());
    assertThat(record.get("LastName").asText()).isEqualTo("Coyote");
    assertThat(record.get("SSN__c").isNull()).isTrue();
  }

  @Test
  void filteringSortingOrAggregatingOnARedactedFieldIsRefusedBeforeTheOrgIsAsked() throws Exception {
    String token = session("api:read");
    for (String soql : new String[] {
        "SELECT Id FROM Contact WHERE SSN__c = '900-12-3456'",
        "SELECT Id FROM Contact ORDER BY SSN__c",
        "SELECT SSN__c, COUNT(Id) FROM Contact GROUP BY SSN__c",
        "SELECT MAX(SSN__c) FROM Contact",
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE SSN__c LIKE '900%')"}) {
      HttpResponse<String> response = get(query(soql), token);
      assertThat(response.statusCode()).as(soql).isEqualTo(403);
      assertThat(response.body()).as(soql).contains("PORTCULLIS_DENIED").contains("redacted field");
    }
    HttpResponse<String> byExternalId = get("/services/data/v62.0/sobjects/Contact/SSN__c/900-12-3456", token);
    assertThat(byExternalId.statusCode()).isEqualTo(403);
    assertThat(byExternalId.body()).contains("redacted field");
    assertThat(sandbox.requestCount(Endpoint.QUERY)).isZero();
  }

  @Test
  void answersWithoutRecordsPassUnchanged() throws Exception {
    String token = session("api:read");
    HttpResponse<String> response = get(query("SELECT Name FROM Account ORDER BY Name"), token);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("records")).hasSize(3);

    HttpResponse<String> error = get(query("SELECT Nope__c FROM Account"), token);
    assertThat(error.statusCode()).isEqualTo(400);
    assertThat(json.readTree(error.body()).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
  }
}
