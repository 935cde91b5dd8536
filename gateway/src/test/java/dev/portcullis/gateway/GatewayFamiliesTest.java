package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.broker.SalesforceTokens;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk API 1.0 and 2.0, GraphQL, UI API, Apex REST and Streaming through the proxy, decided by the
 * default pack, against a recording upstream (orgsim does not speak these APIs).
 */
class GatewayFamiliesTest extends GatewayTestBase {
  static final String JOB = "7508c00000Tq3ZXAAZ";
  static final String SSN = "900-00-0001";

  RecordingUpstream upstream;

  @Override
  SalesforceTokens salesforceTokens(KeyPair keys) throws Exception {
    upstream = new RecordingUpstream(GatewayFamiliesTest::answer);
    return upstream.tokens();
  }

  @AfterEach
  void stopUpstream() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
  }

  /** What Salesforce would answer, each with an SSN where the API returns record data. */
  static RecordingUpstream.Answer answer(RecordingUpstream.Received call) {
    String path = call.path();
    if (path.endsWith("/graphql")) {
      return json("{\"data\":{\"uiapi\":{\"query\":{\"Contact\":{\"edges\":[{\"node\":{\"Id\":\"003000000000001AAA\","
          + "\"LastName\":{\"value\":\"Doe\"},\"SSN__c\":{\"value\":\"" + SSN + "\"}}}]}}}},\"errors\":[]}");
    }
    if (path.contains("/ui-api/")) {
      return json("{\"apiName\":\"Contact\",\"id\":\"003000000000001AAA\",\"fields\":{\"LastName\":{\"displayValue\":null,"
          + "\"value\":\"Doe\"},\"SSN__c\":{\"displayValue\":null,\"value\":\"" + SSN + "\"}}}");
    }
    if (path.startsWith("/cometd/")) {
      return json("[{\"channel\":\"/data/ContactChangeEvent\",\"data\":{\"schema\":\"x\",\"payload\":{"
          + "\"ChangeEventHeader\":{\"entityName\":\"Contact\",\"changedFields\":[\"SSN__c\"]},\"SSN__c\":\"" + SSN
          + "\"},\"event\":{\"replayId\":7}}},{\"channel\":\"/meta/connect\",\"successful\":true}]");
    }
    if (path.startsWith("/services/async/")) {
      return new RecordingUpstream.Answer(201, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><jobInfo"
          + " xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\"><id>" + JOB + "</id><state>Open</state></jobInfo>");
    }
    return json("{\"id\":\"" + JOB + "\",\"state\":\"Open\"}");
  }

  static RecordingUpstream.Answer json(String body) {
    return new RecordingUpstream.Answer(200, "application/json;charset=UTF-8", body);
  }

  HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body, boolean chunked)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT);
    headers.forEach(request::header);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
        : HttpRequest.BodyPublishers.ofByteArray(body);
    return http.send(request.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    return send(method, path, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), false);
  }

  String upstreamToken(String user) {
    return RecordingUpstream.token(sandbox.orgId(), user);
  }

  static byte[] csv(int rows) {
    StringBuilder csv = new StringBuilder("Name,Description\n");
    for (int i = 0; i < rows; i++) {
      csv.append("Account ").append(i).append(",\"row ").append(i).append(" of the upload\"\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void bulk2IngestJobsNeedTheBulkScopeAndHardDeleteIsRefused() throws Exception {
    String create = "{\"object\":\"Account\",\"operation\":\"insert\",\"lineEnding\":\"LF\"}";
    HttpResponse<String> noScope = send("POST", "/services/data/v62.0/jobs/ingest", session("api:read api:write"), create);
    assertThat(noScope.statusCode()).isEqualTo(403);
    assertThat(noScope.body()).contains("PORTCULLIS_DENIED").contains("no bulk scope");

    String bulk = session("api:read api:write bulk");
    HttpResponse<String> created = send("POST", "/services/data/v62.0/jobs/ingest", bulk, create);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(upstream.received).singleElement().satisfies(call -> {
      assertThat(call.text()).isEqualTo(create);
      assertThat(call.authorization()).isEqualTo("Bearer " + upstreamToken("bulk@acme.example"));
    });
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Account", List.of("operation:insert")));

    HttpResponse<String> hardDelete = send("POST", "/services/data/v62.0/jobs/ingest", bulk,
        "{\"object\":\"Account\",\"operation\":\"hardDelete\"}");
    assertThat(hardDelete.statusCode()).isEqualTo(403);
    assertThat(hardDelete.body()).contains("Recycle Bin");
    assertThat(upstream.received).hasSize(1);
  }

  @Test
  void aBulk2UploadStreamsThroughAsSent() throws Exception {
    byte[] data = csv(60_000); // about 2 MB, sent chunked
    HttpResponse<String> response = send("PUT", "/services/data/v62.0/jobs/ingest/" + JOB + "/batches",
        Map.of("Authorization", "Bearer " + session("api:read api:write bulk"), "Content-Type", "text/csv"), data, true);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(upstream.received).singleElement().satisfies(call -> {
      assertThat(call.method()).isEqualTo("PUT");
      assertThat(call.body()).isEqualTo(data);
    });
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("bulk", "bulk_upload", "", List.of("job:" + JOB)));
  }

  @Test
  void aBulk2QueryIsCheckedLikeARestQueryAndItsCsvResultsAreNeverPassedUnredacted() throws Exception {
    String bulk = session("api:read bulk");
    HttpResponse<String> plain = send("POST", "/services/data/v62.0/jobs/query", bulk,
        "{\"operation\":\"query\",\"query\":\"SELECT Id, LastName FROM Contact\"}");
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    assertThat(decisions.getLast().classification().operation()).isEqualTo("bulk_query");

    HttpResponse<String> ssn = send("POST", "/services/data/v62.0/jobs/query", bulk,
        "{\"operation\":\"query\",\"query\":\"SELECT Id, SSN__c FROM Contact\"}");
    assertThat(ssn.statusCode()).isEqualTo(403);
    assertThat(ssn.body()).contains("CSV results cannot be redacted").contains("SSN__c");

    HttpResponse<String> results = send("GET", "/services/data/v62.0/jobs/query/" + JOB + "/results", bulk, null);
    assertThat(results.statusCode()).isEqualTo(403);
    assertThat(results.body()).contains("cannot be redacted");
    assertThat(upstream.received).hasSize(1);
  }

  @Test
  void bulk1TakesTheSessionFromXSfdcSessionAndReplacesItThere() throws Exception {
    String bulk = session("api:read api:write bulk");
    String job = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
        + "<operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>";
    HttpResponse<String> created = send("POST", "/services/async/62.0/job",
        Map.of("X-SFDC-Session", bulk, "Content-Type", "application/xml; charset=UTF-8"),
        job.getBytes(StandardCharsets.UTF_8), false);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(upstream.received).singleElement().satisfies(call -> {
      assertThat(call.sfdcSession()).isEqualTo(upstreamToken("bulk@acme.example"));
      assertThat(call.authorization()).as("sent where the client sent it").isNull();
      assertThat(call.text()).isEqualTo(job);
    });
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Account", List.of("operation:insert")));

    HttpResponse<String> invalid = send("POST", "/services/async/62.0/job",
        Map.of("X-SFDC-Session", sandbox.orgId() + "!" + "x".repeat(96), "Content-Type", "application/xml"),
        job.getBytes(StandardCharsets.UTF_8), false);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("<exceptionCode>InvalidSessionId</exceptionCode>");
    assertThat(invalid.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");

    HttpResponse<String> twoSessions = send("GET", "/services/async/62.0/job/" + JOB,
        Map.of("X-SFDC-Session", bulk, "Authorization", "Bearer " + session("api:read api:write bulk")), null, false);
    assertThat(twoSessions.statusCode()).isEqualTo(400);

    HttpResponse<String> denied = send("POST", "/services/async/62.0/job",
        Map.of("X-SFDC-Session", session("api:read"), "Content-Type", "application/json"),
        "{\"operation\":\"insert\",\"object\":\"Account\",\"contentType\":\"JSON\"}".getBytes(StandardCharsets.UTF_8), false);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("\"exceptionCode\":\"PORTCULLIS_DENIED\"").contains("bulk scope");
    assertThat(upstream.received).hasSize(1);
  }

  @Test
  void aBulk1BatchIsAQueryWhenItIsSoqlAndRecordsOtherwiseStreamAsSent() throws Exception {
    String bulk = session("api:read api:write bulk");
    String batches = "/services/async/62.0/job/" + JOB + "/batch";
    byte[] soql = "SELECT Id, Name FROM Account".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> query = send("POST", batches, Map.of("X-SFDC-Session", bulk, "Content-Type", "text/csv"), soql,
        true);
    assertThat(query.statusCode()).as(query.body()).isEqualTo(201);
    assertThat(decisions.getLast().classification().operation()).isEqualTo("bulk_query");
    assertThat(decisions.getLast().classification().sobject()).isEqualTo("Account");

    HttpResponse<String> ssn = send("POST", batches, Map.of("X-SFDC-Session", bulk, "Content-Type", "text/csv"),
        "SELECT Id, SSN__c FROM Contact".getBytes(StandardCharsets.UTF_8), false);
    assertThat(ssn.statusCode()).isEqualTo(403);
    assertThat(ssn.body()).contains("SSN__c");

    byte[] records = csv(8_000);
    HttpResponse<String> upload = send("POST", batches, Map.of("X-SFDC-Session", bulk, "Content-Type", "text/csv"),
        records, true);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("bulk", "bulk_upload", "", List.of("job:" + JOB)));
    assertThat(upstream.received).hasSize(2);
    assertThat(upstream.received.get(0).body()).isEqualTo(soql);
    assertThat(upstream.received.get(1).body()).as("the start read to classify, then the rest").isEqualTo(records);
  }

  @Test
  void graphqlAnswersAreRedactedByFieldNameAndFiltersOnRedactedFieldsRefused() throws Exception {
    String read = session("api:read");
    HttpResponse<String> response = send("POST", "/services/data/v62.0/graphql", read, "{\"query\":"
        + "\"{ uiapi { query { Contact { edges { node { Id LastName { value } SSN__c { value } } } } } } }\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"SSN__c\":null").contains("Doe").doesNotContain(SSN);
    assertThat(decisions.getLast().classification()).satisfies(c -> {
      assertThat(c.api()).isEqualTo("graphql");
      assertThat(c.sobject()).isEqualTo("Contact");
      assertThat(c.fields()).contains("Contact.SSN__c");
    });

    HttpResponse<String> filtered = send("POST", "/services/data/v62.0/graphql", read, "{\"query\":"
        + "\"{ uiapi { query { Contact(where: { SSN__c: { like: \\\"900%\\\" } }) { edges { node { Id } } } } } }\"}");
    assertThat(filtered.statusCode()).isEqualTo(403);
    assertThat(filtered.body()).contains("ssn__c").contains("redacted");

    HttpResponse<String> mutation = send("POST", "/services/data/v62.0/graphql", read, "{\"query\":"
        + "\"mutation { uiapi { ContactCreate(input: { Contact: { LastName: \\\"X\\\" } }) { Record { Id } } } }\"}");
    assertThat(mutation.statusCode()).isEqualTo(403);
    assertThat(mutation.body()).contains("api:write");
    assertThat(upstream.received).hasSize(1);
  }

  @Test
  void uiApiRecordsAreRedactedByFieldName() throws Exception {
    HttpResponse<String> response = send("GET", "/services/data/v62.0/ui-api/records/003000000000001AAA"
        + "?fields=Contact.LastName,Contact.SSN__c", session("api:read"), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"SSN__c\":null").contains("Doe").doesNotContain(SSN);
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("ui_api", "read", "Contact", List.of("Contact.LastName", "Contact.SSN__c")));
  }

  @Test
  void apexRestIsDecidedByScopeAndRefusedWhereRedactionCannotReachIt() throws Exception {
    String read = session("api:read");
    HttpResponse<String> post = send("POST", "/services/apexrest/Accounts", read, "{}");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("api:write");
    HttpResponse<String> get = send("GET", "/services/apexrest/Accounts", read, null);
    assertThat(get.statusCode()).isEqualTo(403);
    assertThat(get.body()).contains("not keyed by field name");
    assertThat(decisions.getLast().classification())
        .isEqualTo(new Classification("apex_rest", "get", "", List.of("/Accounts")));
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void streamingMessagesAreDecidedOneByOneAndEventsRedacted() throws Exception {
    String read = session("api:read");
    HttpResponse<String> handshake = send("POST", "/cometd/62.0", read,
        "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\",\"supportedConnectionTypes\":[\"long-polling\"]}]");
    assertThat(handshake.statusCode()).as(handshake.body()).isEqualTo(200);
    assertThat(decisions.getLast().classification().operation()).isEqualTo("handshake");

    String messages = "[{\"channel\":\"/meta/subscribe\",\"clientId\":\"c1\",\"subscription\":\"/data/ContactChangeEvent\"},"
        + "{\"channel\":\"/meta/connect\",\"clientId\":\"c1\",\"connectionType\":\"long-polling\"}]";
    HttpResponse<String> events = send("POST", "/cometd/62.0", read, messages);
    assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
    assertThat(events.body()).contains("\"SSN__c\":null").doesNotContain(SSN);
    assertThat(decisions.getLast().classification()).satisfies(c -> {
      assertThat(c.api()).isEqualTo("streaming");
      assertThat(c.fields()).containsExactly("subscribe:Contact", "connect");
    });
    assertThat(upstream.received).hasSize(2);
    assertThat(upstream.received.get(1).text()).isEqualTo(messages);
    assertThat(upstream.received.get(1).authorization()).isEqualTo("Bearer " + upstreamToken("reader@acme.example"));

    HttpResponse<String> publish = send("POST", "/cometd/62.0", read, "{\"channel\":\"/topic/NewCases\",\"data\":{}}");
    assertThat(publish.statusCode()).isEqualTo(403);
    assertThat(publish.body()).contains("unclassified");
  }
}
