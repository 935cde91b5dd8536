package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.SimulatorClient.Reply;
import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries over HTTP. These need the real SOQL parser (module salesforce); while it is a stub they
 * are skipped, and the evaluator is covered by {@link QueryEvaluatorTest}.
 */
class QueryServiceTest {
  static RunningSimulator sim;
  static String token;
  static final String V = "/services/data/v66.0";

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b.queryBatchSize(2));
    token = sim.login();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void needsParser() {
    boolean parser;
    try {
      SoqlParser.parse("SELECT Id FROM Account");
      parser = true;
    } catch (SoqlException e) {
      parser = false;
    }
    assumeTrue(parser, "the SOQL parser is not implemented in this build");
  }

  Reply query(String resource, String soql, Map<String, String> headers) throws Exception {
    return sim.client.get(sim.org.url(), V + "/" + resource + "?q=" + SimulatorClient.enc(soql), token, headers);
  }

  @Test
  void pagesWithNextRecordsUrl() throws Exception {
    Reply first = query("query", "SELECT Id, Name FROM Contact ORDER BY LastName", Map.of());
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("totalSize").asInt()).isEqualTo(4);
    assertThat(first.json().get("done").asBoolean()).isFalse();
    String next = first.json().get("nextRecordsUrl").asText();
    assertThat(next).matches("/services/data/v66\\.0/query/01g[A-Za-z0-9]{15}-2");
    List<String> names = new ArrayList<>();
    first.json().get("records").forEach(r -> names.add(r.get("Name").asText()));
    Reply second = sim.client.get(sim.org.url(), next, token);
    assertThat(second.json().get("done").asBoolean()).isTrue();
    assertThat(second.json().has("nextRecordsUrl")).isFalse();
    second.json().get("records").forEach(r -> names.add(r.get("Name").asText()));
    assertThat(names).containsExactly("Wile Coyote", "Peter Gibbons", "Road Runner", "Hank Scorpio");
    assertThat(sim.org.requestCount(Endpoint.QUERY_MORE)).isPositive();
    RestApiTest.assertError(sim.client.get(sim.org.url(), V + "/query/01gXXXXXXXXXXXXXXX-2", token), 400, "INVALID_QUERY_LOCATOR");
  }

  @Test
  void queryOptionsHeaderSetsTheBatchSize() throws Exception {
    Reply reply = query("query", "SELECT Id FROM Contact", Map.of("Sforce-Query-Options", "batchSize=200"));
    assertThat(reply.json().get("done").asBoolean()).isTrue();
    assertThat(reply.json().get("records").size()).isEqualTo(4);
  }

  @Test
  void queryAllShowsDeletedRows() throws Exception {
    String id = sim.client.send(sim.org.url(), "POST", V + "/sobjects/Account", token, "{\"Name\":\"Doomed\"}").json().get("id").asText();
    sim.client.send(sim.org.url(), "DELETE", V + "/sobjects/Account/" + id, token, null);
    String soql = "SELECT Id, IsDeleted FROM Account WHERE Name = 'Doomed'";
    assertThat(query("query", soql, Map.of()).json().get("totalSize").asInt()).isZero();
    Reply all = query("queryAll", soql, Map.of());
    assertThat(all.json().get("totalSize").asInt()).isEqualTo(1);
    assertThat(all.json().get("records").get(0).get("IsDeleted").asBoolean()).isTrue();
  }

  @Test
  void columnsShape() throws Exception {
    Reply reply = sim.client.get(sim.org.url(), V + "/query?q=" + SimulatorClient.enc("SELECT Id, Name, Account.Name FROM Contact LIMIT 5") + "&columns=true", token);
    assertThat(reply.status()).isEqualTo(200);
    JsonNode json = reply.json();
    assertThat(json.get("entityName").asText()).isEqualTo("Contact");
    assertThat(json.get("idSelected").asBoolean()).isTrue();
    assertThat(json.get("keyPrefix").asText()).isEqualTo("003");
    JsonNode id = json.get("columnMetadata").get(0);
    assertThat(id.get("columnName").asText()).isEqualTo("Id");
    assertThat(id.get("apexType").asText()).isEqualTo("Id");
    assertThat(id.get("aggregate").asBoolean()).isFalse();
    assertThat(id.get("joinColumns").isArray()).isTrue();
    JsonNode account = json.get("columnMetadata").get(2);
    assertThat(account.get("columnName").asText()).isEqualTo("Account");
    assertThat(account.get("joinColumns").get(0).get("columnName").asText()).isEqualTo("Name");
  }

  @Test
  void errorsAsSalesforceWordsThem() throws Exception {
    Reply malformed = query("query", "SELECT Id FORM Account", Map.of());
    RestApiTest.assertError(malformed, 400, "MALFORMED_QUERY");
    Reply field = query("query", "SELECT Foo FROM Account", Map.of());
    RestApiTest.assertError(field, 400, "INVALID_FIELD");
    assertThat(field.json().get(0).get("message").asText())
        .startsWith("\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'.");
    RestApiTest.assertError(query("query", "SELECT Id FROM ScratchOrgInfo limit 1", Map.of()), 400, "INVALID_TYPE");
  }

  @Test
  void organizationQueryAsSfSendsIt() throws Exception {
    Reply reply = query("query", "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization", Map.of());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("records").get(0).get("IsSandbox").asBoolean()).isFalse();
  }

  @Test
  void relationshipsSubqueriesCountAndRelativeDates() throws Exception {
    Reply reply = query("query", "SELECT Name, Account.Name, (SELECT LastName FROM Contacts) FROM Account a "
        + "WHERE a.CreatedDate = LAST_N_DAYS:30 AND Name LIKE 'Acme%' ORDER BY Name NULLS LAST LIMIT 10", Map.of());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode acme = reply.json().get("records").get(0);
    assertThat(acme.get("Contacts").get("totalSize").asInt()).isEqualTo(2);
    Reply count = query("query", "SELECT COUNT() FROM Account WHERE NOT Industry IN ('Energy')", Map.of());
    assertThat(count.body()).isEqualTo("{\"totalSize\":2,\"done\":true,\"records\":[]}");
    Reply contacts = query("query", "SELECT Name, Account.Name FROM Contact WHERE Account.Industry = 'Energy'", Map.of());
    assertThat(contacts.json().get("records").get(0).get("Account").get("Name").asText()).isEqualTo("Globex Inc");
  }
}
