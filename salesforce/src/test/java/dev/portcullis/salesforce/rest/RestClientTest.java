package dev.portcullis.salesforce.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.FakeSalesforce;
import dev.portcullis.salesforce.FakeSalesforce.RecordedRequest;
import dev.portcullis.salesforce.FakeSalesforce.Reply;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against a fake that answers in the shapes of the REST API Developer Guide: "Versions",
 * "Resources by Version", "Limits", "Query", "Query More Results", "sObject Describe", "sObject
 * Rows", and "Status Codes and Error Responses".
 */
class RestClientTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TOKEN = "00D5g000004ZCmP!AQ4AQRestTokenValue";
  private static final String ACCOUNT_ID = "001A000000Vm9rXIAR";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeSalesforce salesforce = FakeSalesforce.start();
  private final RestClient client = new RestClient(salesforce.url(), () -> TOKEN, HTTP);

  @AfterEach
  void stop() {
    salesforce.close();
  }

  @AfterAll
  static void closeClient() {
    HTTP.close();
  }

  @Test
  void versions() {
    salesforce.on("GET", "/services/data", r -> Reply.json(200, """
        [{"label":"Winter '26","url":"/services/data/v65.0","version":"65.0"},
         {"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"}]"""));

    assertThat(client.versions()).containsExactly(
        new ApiVersion("Winter '26", "/services/data/v65.0", "65.0"),
        new ApiVersion("Spring '26", "/services/data/v66.0", "66.0"));
    assertThat(salesforce.onlyRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void resourcesOfTheDefaultVersion() {
    salesforce.on("GET", "/services/data/v66.0", r -> Reply.json(200, """
        {"sobjects":"/services/data/v66.0/sobjects","query":"/services/data/v66.0/query",
         "limits":"/services/data/v66.0/limits","identity":"https://login.salesforce.com/id/00D5g000004ZCmPEAW/0055g00000C2JXeAAN"}"""));

    Map<String, String> resources = client.resources();

    assertThat(resources).containsEntry("sobjects", "/services/data/v66.0/sobjects").containsKey("identity").hasSize(4);
    assertThat(client.apiVersion()).isEqualTo(RestClient.DEFAULT_API_VERSION).isEqualTo("66.0");
  }

  @Test
  void configuredApiVersionIsUsedInPaths() {
    RestClient v62 = new RestClient(salesforce.url(), () -> TOKEN, HTTP, "62.0", Duration.ofSeconds(5));
    salesforce.on("GET", "/services/data/v62.0/limits", r -> Reply.json(200, "{}"));

    v62.limits();

    assertThat(salesforce.onlyRequest().path()).isEqualTo("/services/data/v62.0/limits");
  }

  @Test
  void limits() {
    salesforce.on("GET", "/services/data/v66.0/limits", r -> Reply.json(200, """
        {"DailyApiRequests":{"Max":15000,"Remaining":14998,"Ant Migration Tool":{"Max":0,"Remaining":0}},
         "DataStorageMB":{"Max":5,"Remaining":5},
         "SomethingOdd":"not a limit"}"""));

    Map<String, Limit> limits = client.limits();

    assertThat(limits).containsEntry("DailyApiRequests", new Limit(15000, 14998))
        .containsEntry("DataStorageMB", new Limit(5, 5)).hasSize(2);
    assertThat(limits.get("DailyApiRequests").used()).isEqualTo(2);
  }

  @Test
  void queryEncodesSoqlAndReturnsTheBatch() {
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(200, """
        {"totalSize":1,"done":true,"records":[
          {"attributes":{"type":"Account","url":"/services/data/v66.0/sobjects/Account/001A000000Vm9rXIAR"},
           "Id":"001A000000Vm9rXIAR","Name":"A&B + C","AnnualRevenue":1234567890.123456789}]}"""));
    String soql = "SELECT Id, Name FROM Account WHERE Name = 'A&B + C' AND Description LIKE '%/#?'";

    QueryResult result = client.query(soql);

    assertThat(result.totalSize()).isEqualTo(1);
    assertThat(result.done()).isTrue();
    assertThat(result.nextRecordsUrl()).isNull();
    assertThat(result.records()).hasSize(1);
    assertThat(result.records().get(0).get("Name").asText()).isEqualTo("A&B + C");
    assertThat(result.records().get(0).get("AnnualRevenue").decimalValue()).isEqualTo(new BigDecimal("1234567890.123456789"));

    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.uri().getRawQuery()).isEqualTo(
        "q=SELECT%20Id%2C%20Name%20FROM%20Account%20WHERE%20Name%20%3D%20%27A%26B%20%2B%20C%27"
            + "%20AND%20Description%20LIKE%20%27%25%2F%23%3F%27");
    assertThat(request.uri().getQuery()).isEqualTo("q=" + soql);
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void queryAllUsesTheQueryAllResource() {
    salesforce.on("GET", "/services/data/v66.0/queryAll",
        r -> Reply.json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}"));

    QueryResult result = client.queryAll("SELECT Id FROM Account WHERE IsDeleted = true");

    assertThat(result.records()).isEmpty();
    assertThat(salesforce.onlyRequest().path()).isEqualTo("/services/data/v66.0/queryAll");
  }

  /** Three batches: the first from /query, then two from the locator, as "Query More Results" shows. */
  private void threePages() {
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(200, page(5, false, "01gD0000002HU6KIAW-2", 0, 1)));
    salesforce.on("GET", "/services/data/v66.0/query/01gD0000002HU6KIAW-2",
        r -> Reply.json(200, page(5, false, "01gD0000002HU6KIAW-4", 2, 3)));
    salesforce.on("GET", "/services/data/v66.0/query/01gD0000002HU6KIAW-4", r -> Reply.json(200, page(5, true, null, 4)));
  }

  private static String page(int total, boolean done, String locator, int... rows) {
    StringBuilder records = new StringBuilder();
    for (int row : rows) {
      records.append(records.isEmpty() ? "" : ",").append("{\"attributes\":{\"type\":\"Contact\"},\"Name\":\"c").append(row).append("\"}");
    }
    return "{\"totalSize\":" + total + ",\"done\":" + done
        + (locator == null ? "" : ",\"nextRecordsUrl\":\"/services/data/v66.0/query/" + locator + "\"")
        + ",\"records\":[" + records + "]}";
  }

  @Test
  void queryMoreFollowsTheLocator() {
    threePages();

    QueryResult first = client.query("SELECT Name FROM Contact");
    QueryResult second = client.queryMore(first.nextRecordsUrl());

    assertThat(first.done()).isFalse();
    assertThat(first.totalSize()).isEqualTo(5);
    assertThat(first.nextRecordsUrl()).isEqualTo("/services/data/v66.0/query/01gD0000002HU6KIAW-2");
    assertThat(second.records()).extracting(r -> r.get("Name").asText()).containsExactly("c2", "c3");
    assertThat(second.nextRecordsUrl()).isEqualTo("/services/data/v66.0/query/01gD0000002HU6KIAW-4");
    assertThat(salesforce.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void queryAllPagesCollectsEveryBatch() {
    threePages();

    List<JsonNode> rows = client.queryAllPages("SELECT Name FROM Contact");

    assertThat(rows).extracting(r -> r.get("Name").asText()).containsExactly("c0", "c1", "c2", "c3", "c4");
    assertThat(salesforce.requests()).extracting(RecordedRequest::path).containsExactly(
        "/services/data/v66.0/query",
        "/services/data/v66.0/query/01gD0000002HU6KIAW-2",
        "/services/data/v66.0/query/01gD0000002HU6KIAW-4");
  }

  @Test
  void queryAllPagesStopsWhenPagingLoops() {
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(200, page(9, false, "01gD0000002HU6KIAW-2", 0)));
    salesforce.on("GET", "/services/data/v66.0/query/01gD0000002HU6KIAW-2",
        r -> Reply.json(200, page(9, false, "01gD0000002HU6KIAW-2", 1)));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.queryAllPages("SELECT Name FROM Contact"));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).isEqualTo("query paging loops: nextRecordsUrl /services/data/v66.0/query/01gD0000002HU6KIAW-2 came twice");
  }

  @Test
  void queryAllPagesNeedsALocatorWhenNotDone() {
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(200, page(9, false, null, 0)));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.queryAllPages("SELECT Name FROM Contact"));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("query result has done=false but no nextRecordsUrl");
  }

  @Test
  void queryResultWithoutDoneIsRefused() {
    // sf CLI loops forever on such a result (salesforce-clients.md §3); we fail instead.
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(200, "{\"totalSize\":1,\"records\":[]}"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.query("SELECT Id FROM Account"));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("query result has no boolean 'done' (GET " + salesforce.url() + "/services/data/v66.0/query?q=");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://evil.example/services/data/v66.0/query/01gD0000002HU6KIAW-2000",
      "//evil.example/services/data/v66.0/query/01gD0000002HU6KIAW-2000",
      "/services/data/v66.0/query/../../oauth2/revoke",
      "/services/data/v66.0/query/01gD0000002HU6KIAW-2000?x=1",
      "/services/data/v66.0/query/01gD0000002HU6KIAW-2000#f",
      "/services/data/v66.0/sobjects/Account",
      "/services/data/v66.0/query/%2e%2e",
      "services/data/v66.0/query/01gD0000002HU6KIAW-2000",
      ""})
  void queryMoreRefusesAnythingButALocatorPath(String nextRecordsUrl) {
    assertThatThrownBy(() -> client.queryMore(nextRecordsUrl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a query locator path");
    assertThat(salesforce.requests()).isEmpty();
  }

  @Test
  void describe() {
    salesforce.on("GET", "/services/data/v66.0/sobjects/Account/describe",
        r -> Reply.json(200, "{\"name\":\"Account\",\"fields\":[{\"name\":\"Id\"},{\"name\":\"Name\"}]}"));

    JsonNode describe = client.describe("Account");

    assertThat(describe.get("name").asText()).isEqualTo("Account");
    assertThat(describe.get("fields")).hasSize(2);
  }

  @Test
  void createPostsJsonAndReturnsTheId() throws Exception {
    salesforce.on("POST", "/services/data/v66.0/sobjects/Acme__c",
        r -> Reply.json(201, "{\"id\":\"a015g00000Abc12AAB\",\"success\":true,\"errors\":[]}"));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("Name", "Acme");
    fields.put("Amount__c", new BigDecimal("12.50"));
    fields.put("Active__c", true);
    fields.put("Notes__c", null);

    String id = client.create("Acme__c", fields);

    assertThat(id).isEqualTo("a015g00000Abc12AAB");
    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(JSON.readTree(request.body()))
        .isEqualTo(JSON.readTree("{\"Name\":\"Acme\",\"Amount__c\":12.50,\"Active__c\":true,\"Notes__c\":null}"));
  }

  @Test
  void createWithSuccessFalseReportsItsErrors() {
    salesforce.on("POST", "/services/data/v66.0/sobjects/Account", r -> Reply.json(201,
        "{\"id\":null,\"success\":false,\"errors\":[{\"statusCode\":\"REQUIRED_FIELD_MISSING\",\"message\":\"Required fields are missing: [Name]\",\"fields\":[\"Name\"]}]}"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.create("Account", Map.of("Phone", "1")));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.REST_REQUIRED_FIELD_MISSING);
    assertThat(e.errors()).containsExactly(
        new SalesforceError("REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", List.of("Name")));
  }

  @Test
  void createWithoutIdIsABadResponse() {
    salesforce.on("POST", "/services/data/v66.0/sobjects/Account", r -> Reply.json(201, "{\"success\":true,\"errors\":[]}"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.create("Account", Map.of("Name", "x")));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("create result has no valid record id (POST ");
  }

  @Test
  void createRefusesValuesThatAreNotJson() {
    assertThatThrownBy(() -> client.create("Account", Map.of("Name", new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field values must be JSON values");
  }

  @Test
  void retrieveWithFields() {
    salesforce.on("GET", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID,
        r -> Reply.json(200, "{\"attributes\":{\"type\":\"Account\"},\"Id\":\"" + ACCOUNT_ID + "\",\"Name\":\"Acme\"}"));

    JsonNode account = client.retrieve("Account", ACCOUNT_ID, "Id", "Name");

    assertThat(account.get("Name").asText()).isEqualTo("Acme");
    assertThat(salesforce.onlyRequest().uri().getRawQuery()).isEqualTo("fields=Id%2CName");
  }

  @Test
  void retrieveWithoutFieldsHasNoQuery() {
    salesforce.on("GET", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID, r -> Reply.json(200, "{\"Id\":\"" + ACCOUNT_ID + "\"}"));

    client.retrieve("Account", ACCOUNT_ID);

    assertThat(salesforce.onlyRequest().uri().getRawQuery()).isNull();
  }

  @Test
  void updatePatches() throws Exception {
    salesforce.on("PATCH", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID, r -> Reply.noContent());

    client.update("Account", ACCOUNT_ID, Map.of("Name", "Acme Ltd"));

    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.method()).isEqualTo("PATCH");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("{\"Name\":\"Acme Ltd\"}"));
  }

  @Test
  void deleteDeletes() {
    salesforce.on("DELETE", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID, r -> Reply.noContent());

    client.delete("Account", ACCOUNT_ID);

    assertThat(salesforce.onlyRequest().method()).isEqualTo("DELETE");
    assertThat(salesforce.onlyRequest().body()).isEmpty();
  }

  @Test
  void takesAFreshTokenForEveryCall() {
    AtomicInteger calls = new AtomicInteger();
    RestClient rotating = new RestClient(salesforce.url(), () -> "00Dx!token" + calls.incrementAndGet(), HTTP);
    salesforce.on("DELETE", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID, r -> Reply.noContent());

    rotating.delete("Account", ACCOUNT_ID);
    rotating.delete("Account", ACCOUNT_ID);

    assertThat(salesforce.requests()).extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer 00Dx!token1", "Bearer 00Dx!token2");
  }

  @Test
  void refusesAnUnusableToken() {
    RestClient broken = new RestClient(salesforce.url(), () -> "two words\r\nX-Evil: 1", HTTP);

    assertThatThrownBy(() -> broken.delete("Account", ACCOUNT_ID))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the access-token supplier returned no usable token (null, empty or with spaces)");
    assertThat(salesforce.requests()).isEmpty();
  }

  // --- path injection --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"Account/../../oauth2/revoke", "Account/describe", "Account?x=1", "Account#x", "Account%2F",
      "../Account", "Acc ount", "1Account", "_Account", "Account.Name", ""})
  void refusesSObjectNamesThatAreNotApiNames(String sobject) {
    assertThatThrownBy(() -> client.describe(sobject))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sObject name '" + sobject + "' is not a Salesforce API name (a letter, then letters, digits and underscores)");
    assertThatThrownBy(() -> client.create(sobject, Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.delete(sobject, ACCOUNT_ID)).isInstanceOf(IllegalArgumentException.class);
    assertThat(salesforce.requests()).isEmpty();
  }

  @Test
  void acceptsNamespacedAndCustomApiNames() {
    salesforce.on("GET", "/services/data/v66.0/sobjects/acme__Invoice__c/describe", r -> Reply.json(200, "{}"));

    client.describe("acme__Invoice__c");

    assertThat(salesforce.onlyRequest().path()).isEqualTo("/services/data/v66.0/sobjects/acme__Invoice__c/describe");
  }

  @ParameterizedTest
  @ValueSource(strings = {"001A000000Vm9rX/..", "../../../oauth2", "001A000000Vm9rXAAA", "001A000000Vm9r", "001A000000Vm9rX%2F",
      "001A000000Vm9rX?fields=Id", ""})
  void refusesIdsThatAreNotSalesforceIds(String id) {
    assertThatThrownBy(() -> client.retrieve("Account", id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + id + "' is not a Salesforce record id (15 or 18 letters and digits)");
    assertThatThrownBy(() -> client.update("Account", id, Map.of("Name", "x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.delete("Account", id)).isInstanceOf(IllegalArgumentException.class);
    assertThat(salesforce.requests()).isEmpty();
  }

  @Test
  void refusesNullNamesAndIds() {
    assertThatThrownBy(() -> client.describe(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.delete("Account", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesFieldNamesThatAreNotApiNames() {
    assertThatThrownBy(() -> client.retrieve("Account", ACCOUNT_ID, "Name,Id&x=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field name 'Name,Id&x=1' is not a Salesforce API name");
    assertThatThrownBy(() -> client.update("Account", ACCOUNT_ID, Map.of("Name\"", "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(salesforce.requests()).isEmpty();
  }

  @Test
  void refusesBadConstructorArguments() {
    assertThatThrownBy(() -> new RestClient(URI.create("https://acme.my.salesforce.com/services"), () -> TOKEN, HTTP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be scheme://host[:port] only");
    assertThatThrownBy(() -> new RestClient(URI.create("acme.my.salesforce.com"), () -> TOKEN, HTTP))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RestClient(salesforce.url(), () -> TOKEN, HTTP, "v66.0", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("API version 'v66.0' is not of the form 66.0");
    assertThatThrownBy(() -> new RestClient(salesforce.url(), () -> TOKEN, HTTP, "66.0/../..", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new RestClient(URI.create(salesforce.url() + "/"), () -> TOKEN, HTTP).apiVersion()).isEqualTo("66.0");
  }

  // --- error mapping -----------------------------------------------------------------------------

  static Stream<Arguments> restErrors() {
    return Stream.of(
        error(401, "INVALID_SESSION_ID", "Session expired or invalid", null, SalesforceErrorCode.REST_INVALID_SESSION_ID),
        error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", null, SalesforceErrorCode.REST_REQUEST_LIMIT_EXCEEDED),
        error(400, "MALFORMED_QUERY", "unexpected token: FROMM", null, SalesforceErrorCode.REST_MALFORMED_QUERY),
        error(404, "NOT_FOUND", "The requested resource does not exist", null, SalesforceErrorCode.REST_NOT_FOUND),
        error(400, "INVALID_FIELD", "No such column 'Nmae' on entity 'Account'.", "Nmae", SalesforceErrorCode.REST_INVALID_FIELD),
        error(400, "INVALID_TYPE", "sObject type 'Acount' is not supported.", null, SalesforceErrorCode.REST_INVALID_TYPE),
        error(400, "MALFORMED_ID", "Account ID: id value of incorrect type: 001900K0001pPuOAAU", "Id", SalesforceErrorCode.REST_MALFORMED_ID),
        error(400, "INVALID_QUERY_LOCATOR", "invalid query locator", null, SalesforceErrorCode.REST_INVALID_QUERY_LOCATOR),
        error(404, "ENTITY_IS_DELETED", "entity is deleted", null, SalesforceErrorCode.REST_ENTITY_IS_DELETED),
        error(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id", null, SalesforceErrorCode.REST_INSUFFICIENT_ACCESS),
        error(400, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "insufficient access rights on cross-reference id", "OwnerId", SalesforceErrorCode.REST_INSUFFICIENT_ACCESS),
        error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", "Name", SalesforceErrorCode.REST_REQUIRED_FIELD_MISSING),
        error(400, "DUPLICATE_VALUE", "duplicate value found: ExternalId__c", "ExternalId__c", SalesforceErrorCode.REST_DUPLICATE_VALUE),
        error(403, "API_DISABLED_FOR_ORG", "API is not enabled for this Organization or Partner", null, SalesforceErrorCode.REST_API_DISABLED),
        error(403, "API_CURRENTLY_DISABLED", "API is disabled for this User", null, SalesforceErrorCode.REST_API_DISABLED),
        error(410, "NOT_FOUND", "The requested resource does not exist", null, SalesforceErrorCode.REST_UNSUPPORTED_API_VERSION),
        error(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount must be positive", "Amount", SalesforceErrorCode.REST_OTHER));
  }

  private static Arguments error(int status, String errorCode, String message, String field, SalesforceErrorCode code) {
    return Arguments.of(status, errorCode, message, field, code);
  }

  @ParameterizedTest(name = "HTTP {0} {1}")
  @MethodSource("restErrors")
  void mapsEachRestError(int status, String errorCode, String message, String field, SalesforceErrorCode code) throws Exception {
    Map<String, Object> error = new LinkedHashMap<>();
    if (field != null) {
      error.put("fields", List.of(field));
    }
    error.put("message", message);
    error.put("errorCode", errorCode);
    String body = JSON.writeValueAsString(List.of(error));
    salesforce.on("GET", "/services/data/v66.0/query", r -> Reply.json(status, body));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.query("SELECT Id FROM Account"));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.code().kind()).isEqualTo(SalesforceErrorCode.Kind.REST);
    assertThat(e.httpStatus()).hasValue(status);
    assertThat(e.errors()).containsExactly(new SalesforceError(errorCode, message, field == null ? List.of() : List.of(field)));
    assertThat(e.getMessage()).isEqualTo(errorCode + ": " + message + (field == null ? "" : " [fields: " + field + "]")
        + " (GET " + salesforce.url() + "/services/data/v66.0/query?q=SELECT%20Id%20FROM%20Account, HTTP " + status + ")");
    assertThat(e.getMessage()).doesNotContain(TOKEN);
  }

  @Test
  void severalErrorsAreAllKept() {
    salesforce.on("DELETE", "/services/data/v66.0/sobjects/Account/" + ACCOUNT_ID, r -> Reply.json(400, """
        [{"message":"first","errorCode":"ENTITY_IS_DELETED","fields":[]},
         {"message":"second","errorCode":"INVALID_FIELD","fields":["A","B"]}]"""));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.delete("Account", ACCOUNT_ID));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.REST_ENTITY_IS_DELETED);
    assertThat(e.errors()).hasSize(2);
    assertThat(e.errors().get(1).fields()).containsExactly("A", "B");
    assertThat(e.getMessage()).startsWith("ENTITY_IS_DELETED: first (and 1 more) (DELETE ");
  }

  @Test
  void serverErrorWithoutErrorArray() {
    salesforce.on("GET", "/services/data/v66.0/limits",
        r -> Reply.text(503, "text/html", "<html>\n<body>Service   Unavailable</body>\n</html>"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, client::limits);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.SERVER_ERROR);
    assertThat(e.httpStatus()).hasValue(503);
    assertThat(e.getMessage()).isEqualTo("Salesforce failed: <html> <body>Service Unavailable</body> </html> (GET "
        + salesforce.url() + "/services/data/v66.0/limits, HTTP 503)");
  }

  @Test
  void clientErrorWithoutErrorArray() {
    salesforce.on("GET", "/services/data/v66.0/limits", r -> Reply.text(400, "text/plain", "Bad Request"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, client::limits);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("unexpected response without a Salesforce error array: Bad Request (GET ");
  }

  @Test
  void retiredVersionWithoutBody() {
    salesforce.on("GET", "/services/data/v66.0/limits", r -> new Reply(410, null, ""));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, client::limits);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.REST_UNSUPPORTED_API_VERSION);
  }

  @Test
  void successThatIsNotJson() {
    salesforce.on("GET", "/services/data/v66.0/sobjects/Account/describe", r -> Reply.text(200, "text/html", "<html>login</html>"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.describe("Account"));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("response is not JSON: <html>login</html> (GET ");
  }

  @Test
  void neverFollowsARedirectWithTheToken() {
    try (FakeSalesforce elsewhere = FakeSalesforce.start()) {
      elsewhere.on("GET", "/services/data/v66.0/limits", r -> Reply.json(200, "{}"));
      salesforce.on("GET", "/services/data/v66.0/limits",
          r -> Reply.redirect(302, elsewhere.url() + "/services/data/v66.0/limits"));

      SalesforceException e = catchThrowableOfType(SalesforceException.class, client::limits);

      assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
      assertThat(e.httpStatus()).hasValue(302);
      assertThat(elsewhere.requests()).isEmpty();
    }
  }

  @Test
  void tlsFailureHasItsOwnCode() throws Exception {
    // A server that answers the TLS ClientHello with plain-text HTTP: the handshake fails at once.
    // Every connection is answered so (the client may retry a connection that failed early), and
    // only once the ClientHello has arrived, so the client is inside its handshake when it reads it.
    try (ServerSocket plain = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().start(() -> {
        while (!plain.isClosed()) {
          try (Socket socket = plain.accept()) {
            socket.getInputStream().read();
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read();
          } catch (IOException ignored) {
            // the client hung up, or the test is over
          }
        }
      });
      String url = "https://127.0.0.1:" + plain.getLocalPort();
      RestClient tls = new RestClient(URI.create(url), () -> TOKEN, HTTP);

      SalesforceException e = catchThrowableOfType(SalesforceException.class, tls::versions);

      assertThat(e.code()).isEqualTo(SalesforceErrorCode.TRANSPORT_TLS);
      assertThat(e.getMessage()).startsWith("TLS handshake with Salesforce failed: ")
          .endsWith("(GET " + url + "/services/data)")
          .doesNotContain(TOKEN);
    }
  }

  @Test
  void connectionRefusedIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RestClient nowhere = new RestClient(URI.create("http://127.0.0.1:" + port), () -> TOKEN, HTTP);

    SalesforceException e = catchThrowableOfType(SalesforceException.class, nowhere::versions);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.TRANSPORT_UNAVAILABLE);
    assertThat(e.code().isTransient()).isTrue();
    assertThat(e.getMessage()).isEqualTo(
        "cannot connect to Salesforce: connection refused or unreachable (GET http://127.0.0.1:" + port + "/services/data)");
  }
}
