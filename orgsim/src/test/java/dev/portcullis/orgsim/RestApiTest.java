package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.SimulatorClient.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RestApiTest {
  static RunningSimulator sim;
  static String token;
  static final String V = "/services/data/v66.0";

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b);
    token = sim.login();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  Reply get(String path) throws Exception {
    return sim.client.get(sim.org.url(), path, token);
  }

  Reply send(String method, String path, String json) throws Exception {
    return sim.client.send(sim.org.url(), method, path, token, json);
  }

  static void assertError(Reply reply, int status, String errorCode) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json().isArray()).isTrue();
    assertThat(reply.json().get(0).get("errorCode").asText()).isEqualTo(errorCode);
  }

  @Test
  void versionsAreServedWithoutAuthentication() throws Exception {
    Reply reply = sim.client.get(sim.org.url(), "/services/data", null);
    assertThat(reply.status()).isEqualTo(200);
    JsonNode versions = reply.json();
    assertThat(versions.get(0).get("version").asText()).isEqualTo("20.0");
    assertThat(versions.get(0).get("label").asText()).isEqualTo("Winter '11");
    JsonNode last = versions.get(versions.size() - 1);
    assertThat(last.get("version").asText()).isEqualTo("66.0");
    assertThat(last.get("label").asText()).isEqualTo("Spring '26");
    assertThat(last.get("url").asText()).isEqualTo("/services/data/v66.0");
    assertThat(sim.client.get(sim.org.url(), "/services/data/", null).status()).isEqualTo(200);
  }

  @Test
  void resourcesLimitsAndLimitHeader() throws Exception {
    Reply resources = get(V);
    assertThat(resources.status()).isEqualTo(200);
    assertThat(resources.json().get("sobjects").asText()).isEqualTo(V + "/sobjects");
    assertThat(resources.json().get("identity").asText()).endsWith("/id/" + sim.org.orgId() + "/" + sim.org.userId(RunningSimulator.CI));
    assertThat(resources.headers().firstValue("Sforce-Limit-Info")).get().asString().matches("api-usage=\\d+/15000");
    Reply limits = get(V + "/limits");
    assertThat(limits.json().get("DailyApiRequests").get("Max").asInt()).isEqualTo(15000);
    assertError(get("/services/data/v99.0/limits"), 404, "NOT_FOUND");
  }

  @Test
  void describeGlobalAndDescribe() throws Exception {
    Reply global = get(V + "/sobjects");
    List<String> names = new ArrayList<>();
    global.json().get("sobjects").forEach(s -> names.add(s.get("name").asText()));
    assertThat(names).contains("Account", "Contact", "Opportunity", "User", "Profile", "PermissionSet", "Organization");
    Reply describe = get(V + "/sobjects/Contact/describe");
    assertThat(describe.status()).isEqualTo(200);
    assertThat(describe.json().get("name").asText()).isEqualTo("Contact");
    assertThat(describe.json().get("keyPrefix").asText()).isEqualTo("003");
    JsonNode ssn = null;
    JsonNode account = null;
    for (JsonNode f : describe.json().get("fields")) {
      if (f.get("name").asText().equals("SSN__c")) {
        ssn = f;
      }
      if (f.get("name").asText().equals("AccountId")) {
        account = f;
      }
    }
    assertThat(ssn).isNotNull();
    assertThat(ssn.get("custom").asBoolean()).isTrue();
    assertThat(ssn.get("type").asText()).isEqualTo("string");
    assertThat(account.get("type").asText()).isEqualTo("reference");
    assertThat(account.get("referenceTo").get(0).asText()).isEqualTo("Account");
    assertThat(account.get("relationshipName").asText()).isEqualTo("Account");
    Reply accountDescribe = get(V + "/sobjects/account/describe");
    assertThat(accountDescribe.json().get("childRelationships").get(0).get("relationshipName").asText()).isEqualTo("Contacts");
    assertError(get(V + "/sobjects/Foo/describe"), 404, "NOT_FOUND");
  }

  @Test
  void crudRoundTrip() throws Exception {
    Reply created = send("POST", V + "/sobjects/Account", "{\"Name\":\"Acme Test\",\"NumberOfEmployees\":12,\"AnnualRevenue\":1.5}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(id).startsWith("001").hasSize(18);
    assertThat(created.json().get("success").asBoolean()).isTrue();
    assertThat(created.json().get("errors").isEmpty()).isTrue();

    Reply read = get(V + "/sobjects/Account/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("attributes").get("type").asText()).isEqualTo("Account");
    assertThat(read.json().get("attributes").get("url").asText()).isEqualTo(V + "/sobjects/Account/" + id);
    assertThat(read.json().get("Name").asText()).isEqualTo("Acme Test");
    assertThat(read.json().get("NumberOfEmployees").asInt()).isEqualTo(12);
    assertThat(read.json().get("OwnerId").asText()).isEqualTo(sim.org.userId(RunningSimulator.CI));
    assertThat(read.json().get("CreatedDate").asText()).isEqualTo("2026-11-28T12:00:00.000+0000");

    Reply some = get(V + "/sobjects/Account/" + id.substring(0, 15) + "?fields=Name,Industry");
    assertThat(some.json().has("Name")).isTrue();
    assertThat(some.json().has("Industry")).isTrue();
    assertThat(some.json().has("OwnerId")).isFalse();

    Reply patched = send("PATCH", V + "/sobjects/Account/" + id, "{\"Industry\":\"Banking\"}");
    assertThat(patched.status()).isEqualTo(204);
    assertThat(patched.body()).isEmpty();
    assertThat(get(V + "/sobjects/Account/" + id).json().get("Industry").asText()).isEqualTo("Banking");

    Reply deleted = send("DELETE", V + "/sobjects/Account/" + id, null);
    assertThat(deleted.status()).isEqualTo(204);
    assertError(get(V + "/sobjects/Account/" + id), 404, "NOT_FOUND");
    assertError(send("DELETE", V + "/sobjects/Account/" + id, null), 404, "ENTITY_IS_DELETED");
    assertThat(sim.org.requestCount(Endpoint.CREATE)).isPositive();
    assertThat(sim.org.requestCount(Endpoint.DELETE)).isEqualTo(2);
  }

  @Test
  void createErrors() throws Exception {
    Reply unknownField = send("POST", V + "/sobjects/Account", "{\"Name\":\"X\",\"Foo\":1}");
    assertError(unknownField, 400, "INVALID_FIELD");
    assertThat(unknownField.json().get(0).get("message").asText()).isEqualTo("No such column 'Foo' on sobject of type Account");
    Reply missing = send("POST", V + "/sobjects/Contact", "{\"FirstName\":\"X\"}");
    assertError(missing, 400, "REQUIRED_FIELD_MISSING");
    assertThat(missing.json().get(0).get("fields").get(0).asText()).isEqualTo("LastName");
    assertError(send("POST", V + "/sobjects/Account", "{\"Name\":\"X\",\"Id\":\"001000000000001\"}"), 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
    assertError(send("POST", V + "/sobjects/Account", "{not json"), 400, "JSON_PARSER_ERROR");
    assertError(send("POST", V + "/sobjects/Contact", "{\"LastName\":\"X\",\"AccountId\":\"nope\"}"), 400, "MALFORMED_ID");
    assertError(send("POST", V + "/sobjects/Foo", "{}"), 404, "NOT_FOUND");
  }

  @Test
  void contactWithSensitiveFieldAndLookup() throws Exception {
    String account = send("POST", V + "/sobjects/Account", "{\"Name\":\"Parent\"}").json().get("id").asText();
    Reply contact = send("POST", V + "/sobjects/Contact",
        "{\"FirstName\":\"Jane\",\"LastName\":\"Doe\",\"AccountId\":\"" + account + "\",\"SSN__c\":\"900-00-0001\",\"Birthdate\":\"1990-02-03\"}");
    assertThat(contact.status()).isEqualTo(201);
    JsonNode read = get(V + "/sobjects/Contact/" + contact.json().get("id").asText()).json();
    assertThat(read.get("Name").asText()).isEqualTo("Jane Doe");
    assertThat(read.get("SSN__c").asText()).isEqualTo("900-00-0001");
    assertThat(read.get("Birthdate").asText()).isEqualTo("1990-02-03");
    assertThat(read.get("AccountId").asText()).isEqualTo(account);
  }

  @Test
  void toolingProbesAnswerAsSfExpects() throws Exception {
    Reply sandbox = get(V + "/tooling/query?q=" + SimulatorClient.enc(
        "SELECT Id,Status FROM SandboxProcess WHERE SandboxOrganization='" + sim.org.orgId().substring(0, 15) + "' ORDER BY CreatedDate DESC"));
    assertError(sandbox, 400, "INVALID_TYPE");
    assertThat(sandbox.json().get(0).get("message").asText()).contains("sObject type 'SandboxProcess' is not supported.");
    assertError(get(V + "/tooling/sobjects/SourceMember/describe"), 404, "NOT_FOUND");
    assertThat(sim.org.requestCount(Endpoint.TOOLING)).isEqualTo(2);
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    assertError(get("/services/nothing"), 404, "NOT_FOUND");
    Reply put = send("PUT", V + "/sobjects/Account", "{}");
    assertError(put, 405, "METHOD_NOT_ALLOWED");
    assertThat(put.json().get(0).get("message").asText()).isEqualTo("HTTP Method 'PUT' not allowed. Allowed are GET,POST");
  }
}
