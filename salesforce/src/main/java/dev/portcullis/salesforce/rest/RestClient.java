package dev.portcullis.salesforce.rest;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.SalesforceId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A small client for Salesforce's REST API ({@code /services/data}): versions, resources, limits,
 * SOQL query with paging, and sObject describe, create, retrieve, update and delete.
 *
 * <h2>Design note</h2>
 *
 * <ul>
 *   <li><b>Every call carries {@code Authorization: Bearer <token>}</b>, the token taken from the
 *       supplier at each call, so a broker can hand out a fresh one after {@code
 *       REST_INVALID_SESSION_ID}. The client never retries: retrying is policy, and policy lives
 *       elsewhere.
 *   <li><b>No path injection.</b> sObject names, field names and record ids are checked against
 *       Salesforce's syntax (API names: a letter, then letters, digits and underscores; ids: {@link
 *       SalesforceId#isValid}) before they go into a path; anything else is an {@link
 *       IllegalArgumentException}. A {@code nextRecordsUrl} must be a query-locator path under
 *       {@code /services/data/}: a response can never send the bearer token to another host or
 *       resource. SOQL goes in the query string, percent-encoded.
 *   <li><b>Errors</b> are Salesforce's error array mapped to {@code REST_*} codes, see {@link
 *       RestErrors}. Messages name the method and URL, never the token.
 *   <li><b>Numbers</b> are read as {@link java.math.BigDecimal}, so currency values keep their
 *       digits.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class RestClient {
  /** The API version used unless another is given: Spring '26. */
  public static final String DEFAULT_API_VERSION = "66.0";

  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** A query batch holds at most 2,000 rows; 64 MiB is far above any legitimate body. */
  private static final int MAX_BODY_BYTES = 64 << 20;

  private static final Pattern API_VERSION = Pattern.compile("[1-9][0-9]{1,2}\\.0");
  private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");
  private static final Pattern NEXT_RECORDS_URL =
      Pattern.compile("/services/data/v[1-9][0-9]{1,2}\\.0/query(All)?/[A-Za-z0-9][A-Za-z0-9-]{0,63}");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

  private final ObjectMapper json =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private final String base;
  private final String apiVersion;
  private final Supplier<String> accessToken;
  private final HttpClient httpClient;
  private final Duration requestTimeout;

  /**
   * @param instanceUrl the org's instance URL, e.g. {@code https://acme.my.salesforce.com} (the
   *     {@code instance_url} of the token response)
   * @param accessToken asked for the bearer token at each call
   * @param httpClient the client to send with; its connect timeout, TLS and redirect policy apply
   * @param apiVersion e.g. {@code 66.0}
   * @param requestTimeout the longest wait for a complete response to one request
   */
  public RestClient(
      URI instanceUrl, Supplier<String> accessToken, HttpClient httpClient, String apiVersion, Duration requestTimeout) {
    this.base = baseUrl(instanceUrl);
    this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
      throw new IllegalArgumentException("API version '" + apiVersion + "' is not of the form 66.0");
    }
    this.apiVersion = apiVersion;
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /** A client for {@link #DEFAULT_API_VERSION} with a 60-second request timeout. */
  public RestClient(URI instanceUrl, Supplier<String> accessToken, HttpClient httpClient) {
    this(instanceUrl, accessToken, httpClient, DEFAULT_API_VERSION, DEFAULT_REQUEST_TIMEOUT);
  }

  /** The API version in every versioned path, e.g. {@code 66.0}. */
  public String apiVersion() {
    return apiVersion;
  }

  /** {@code GET /services/data}: the API versions the org serves, oldest first as Salesforce lists them. */
  public List<ApiVersion> versions() {
    Reply reply = get("/services/data");
    if (!reply.body().isArray()) {
      throw bad("versions list is not a JSON array", reply);
    }
    List<ApiVersion> versions = new ArrayList<>();
    for (JsonNode v : reply.body()) {
      versions.add(new ApiVersion(v.path("label").asText(""), v.path("url").asText(""), v.path("version").asText("")));
    }
    return versions;
  }

  /** {@code GET /services/data/vXX.X}: resource name to path, e.g. {@code sobjects → /services/data/v66.0/sobjects}. */
  public Map<String, String> resources() {
    Reply reply = get(versioned(""));
    requireObject(reply, "resources");
    Map<String, String> resources = new LinkedHashMap<>();
    reply.body().properties().forEach(e -> resources.put(e.getKey(), e.getValue().asText()));
    return resources;
  }

  /** {@code GET /services/data/vXX.X/limits}: each org limit by name, e.g. {@code DailyApiRequests}. */
  public Map<String, Limit> limits() {
    Reply reply = get(versioned("/limits"));
    requireObject(reply, "limits");
    Map<String, Limit> limits = new LinkedHashMap<>();
    reply.body().properties().forEach(e -> {
      JsonNode limit = e.getValue();
      if (limit.path("Max").isNumber() && limit.path("Remaining").isNumber()) {
        limits.put(e.getKey(), new Limit(limit.get("Max").asLong(), limit.get("Remaining").asLong()));
      }
    });
    return limits;
  }

  /** {@code GET /services/data/vXX.X/query?q=…}: the first batch of a SOQL query. */
  public QueryResult query(String soql) {
    return queryResult(get(versioned("/query") + "?q=" + encode(requireSoql(soql))));
  }

  /** {@code GET /services/data/vXX.X/queryAll?q=…}: like {@link #query} but includes deleted and archived rows. */
  public QueryResult queryAll(String soql) {
    return queryResult(get(versioned("/queryAll") + "?q=" + encode(requireSoql(soql))));
  }

  /**
   * {@code GET nextRecordsUrl}: the next batch of a query.
   *
   * @param nextRecordsUrl a {@link QueryResult#nextRecordsUrl()}, e.g. {@code
   *     /services/data/v66.0/query/01gD0000002HU6KIAW-2000}
   * @throws IllegalArgumentException when it is not such a path
   */
  public QueryResult queryMore(String nextRecordsUrl) {
    if (nextRecordsUrl == null || !NEXT_RECORDS_URL.matcher(nextRecordsUrl).matches()) {
      throw new IllegalArgumentException(
          "nextRecordsUrl '" + nextRecordsUrl + "' is not a query locator path like /services/data/v66.0/query/01gD0000002HU6KIAW-2000");
    }
    return queryResult(get(nextRecordsUrl));
  }

  /**
   * Runs {@link #query} and follows {@code nextRecordsUrl} until {@code done}, returning every row.
   * Holds all rows in memory: for large results page with {@link #queryMore} instead.
   */
  public List<JsonNode> queryAllPages(String soql) {
    QueryResult page = query(soql);
    List<JsonNode> records = new ArrayList<>(page.records());
    Set<String> seen = new HashSet<>();
    while (!page.done()) {
      String next = page.nextRecordsUrl();
      if (next == null) {
        throw new SalesforceException(
            SalesforceErrorCode.PROTOCOL_BAD_RESPONSE, "query result has done=false but no nextRecordsUrl (query: " + soql + ")");
      }
      if (!seen.add(next)) {
        throw new SalesforceException(
            SalesforceErrorCode.PROTOCOL_BAD_RESPONSE, "query paging loops: nextRecordsUrl " + next + " came twice");
      }
      page = queryMore(next);
      records.addAll(page.records());
    }
    return records;
  }

  /** {@code GET /services/data/vXX.X/sobjects/{sobject}/describe}: the object's metadata (fields, child relationships, …). */
  public JsonNode describe(String sobject) {
    return get(versioned("/sobjects/") + requireApiName(sobject, "sObject") + "/describe").body();
  }

  /**
   * {@code POST /services/data/vXX.X/sobjects/{sobject}}: creates a record.
   *
   * @param fields field API name to value; values are JSON types (String, Number, Boolean, null,
   *     List, Map, {@link JsonNode})
   * @return the new record's id
   */
  public String create(String sobject, Map<String, ?> fields) {
    String path = versioned("/sobjects/") + requireApiName(sobject, "sObject");
    Answer answer = send("POST", path, toJson(fields));
    Reply reply = parse(answer);
    JsonNode body = reply.body();
    if (!body.path("success").asBoolean(false)) {
      List<SalesforceError> errors = RestErrors.toErrors(body.path("errors"));
      if (!errors.isEmpty()) {
        throw new SalesforceException(
            RestErrors.codeFor(errors.get(0).errorCode()),
            errors.get(0).describe() + " (" + answer.where() + ", HTTP " + answer.status() + ")",
            answer.status(), errors, null);
      }
      throw bad("create result has no \"success\":true", reply);
    }
    String id = body.path("id").asText("");
    if (!SalesforceId.isValid(id)) {
      throw bad("create result has no valid record id", reply);
    }
    return id;
  }

  /**
   * {@code GET /services/data/vXX.X/sobjects/{sobject}/{id}[?fields=…]}: one record.
   *
   * @param fields the fields to return; none means all
   */
  public JsonNode retrieve(String sobject, String id, String... fields) {
    String path = versioned("/sobjects/") + requireApiName(sobject, "sObject") + "/" + requireId(id);
    if (fields.length > 0) {
      List<String> names = new ArrayList<>();
      for (String field : fields) {
        names.add(requireApiName(field, "field"));
      }
      path += "?fields=" + encode(String.join(",", names));
    }
    return get(path).body();
  }

  /**
   * {@code GET /services/data/vXX.X/sobjects/{sobject}/{id}/{field}}: the bytes of a base64 field (REST API Developer
   * Guide, "sObject Blob Get"). A query answers such a field with this path rather than the data; the path is built
   * here from the names and id, never followed from a response.
   */
  public byte[] blob(String sobject, String id, String field) {
    return send("GET", versioned("/sobjects/") + requireApiName(sobject, "sObject") + "/" + requireId(id) + "/"
        + requireApiName(field, "field"), null).bytes();
  }

  /** {@code PATCH /services/data/vXX.X/sobjects/{sobject}/{id}}: updates the given fields (204 No Content). */
  public void update(String sobject, String id, Map<String, ?> fields) {
    send("PATCH", versioned("/sobjects/") + requireApiName(sobject, "sObject") + "/" + requireId(id), toJson(fields));
  }

  /** {@code DELETE /services/data/vXX.X/sobjects/{sobject}/{id}} (204 No Content). */
  public void delete(String sobject, String id) {
    send("DELETE", versioned("/sobjects/") + requireApiName(sobject, "sObject") + "/" + requireId(id), null);
  }

  // ---------------------------------------------------------------------------------------------

  private record Answer(int status, String body, String where, byte[] bytes) {}

  /** A parsed 2xx answer; {@code where} is {@code "METHOD url, HTTP status"}. */
  private record Reply(JsonNode body, String where) {}

  private Reply get(String pathAndQuery) {
    return parse(send("GET", pathAndQuery, null));
  }

  /** Sends one request; returns a 2xx answer or throws the mapped error. */
  private Answer send(String method, String pathAndQuery, byte[] jsonBody) {
    URI uri = URI.create(base + pathAndQuery);
    String where = method + " " + describe(uri);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + bearerToken())
            .header("Accept", "application/json");
    if (jsonBody == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(jsonBody));
    }
    Answer answer;
    try {
      HttpResponse<InputStream> response = httpClient.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw new SalesforceException(
              SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
              "response body larger than " + MAX_BODY_BYTES + " bytes (" + where + ", HTTP " + response.statusCode() + ")",
              response.statusCode(), List.of(), null);
        }
        answer = new Answer(response.statusCode(), new String(bytes, UTF_8), where, bytes);
      }
    } catch (IOException e) {
      throw SalesforceException.transportFailure(method, URI.create(describe(uri)), e);
    } catch (InterruptedException e) {
      throw SalesforceException.interrupted(method, URI.create(describe(uri)), e);
    }
    if (answer.status() < 200 || answer.status() > 299) {
      throw RestErrors.fromResponse(json, answer.status(), answer.body(), where);
    }
    return answer;
  }

  private Reply parse(Answer answer) {
    String where = answer.where() + ", HTTP " + answer.status();
    JsonNode tree;
    try {
      tree = json.readTree(answer.body());
    } catch (JacksonException e) {
      throw new SalesforceException(
          SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
          "response is not JSON: " + RestErrors.snippet(answer.body()) + " (" + where + ")", answer.status(), List.of(), null);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new SalesforceException(
          SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
          "empty response body where JSON was expected (" + where + ")", answer.status(), List.of(), null);
    }
    return new Reply(tree, where);
  }

  private QueryResult queryResult(Reply reply) {
    requireObject(reply, "query result");
    JsonNode body = reply.body();
    if (!body.path("done").isBoolean()) {
      throw bad("query result has no boolean 'done'", reply);
    }
    if (!body.path("records").isArray()) {
      throw bad("query result has no 'records' array", reply);
    }
    List<JsonNode> records = new ArrayList<>();
    body.get("records").forEach(records::add);
    JsonNode next = body.get("nextRecordsUrl");
    return new QueryResult(
        body.path("totalSize").asLong(records.size()),
        body.get("done").asBoolean(),
        records,
        next == null || next.isNull() ? null : next.asText());
  }

  private String bearerToken() {
    String token = accessToken.get();
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalStateException("the access-token supplier returned no usable token (null, empty or with spaces)");
    }
    return token;
  }

  private byte[] toJson(Map<String, ?> fields) {
    Objects.requireNonNull(fields, "fields");
    for (String name : fields.keySet()) {
      requireApiName(name, "field");
    }
    try {
      return json.writeValueAsBytes(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("field values must be JSON values: " + e.getOriginalMessage(), e);
    }
  }

  private String versioned(String rest) {
    return "/services/data/v" + apiVersion + rest;
  }

  private static void requireObject(Reply reply, String what) {
    if (!reply.body().isObject()) {
      throw bad(what + " is not a JSON object", reply);
    }
  }

  private static String requireSoql(String soql) {
    if (soql == null || soql.isBlank()) {
      throw new IllegalArgumentException("SOQL must not be blank");
    }
    return soql;
  }

  /** Checks an sObject or field API name: a letter, then up to 99 letters, digits or underscores. */
  static String requireApiName(String name, String what) {
    if (name == null || !API_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " name '" + name + "' is not a Salesforce API name (a letter, then letters, digits and underscores)");
    }
    return name;
  }

  /** Checks a record id: 15 characters, or 18 with the right case-safe suffix. */
  static String requireId(String id) {
    if (!SalesforceId.isValid(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a Salesforce record id (15 or 18 letters and digits)");
    }
    return id;
  }

  private static String encode(String value) {
    // URLEncoder writes form encoding; '+' for a space is accepted by Salesforce but %20 is exact.
    return URLEncoder.encode(value, UTF_8).replace("+", "%20");
  }

  /** The URL for messages: long query strings are cut. */
  private static String describe(URI uri) {
    String text = uri.toString();
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  private static String baseUrl(URI instanceUrl) {
    return dev.portcullis.salesforce.InstanceUrls.base(instanceUrl);
  }


  private static SalesforceException bad(String problem, Reply reply) {
    return new SalesforceException(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE, problem + " (" + reply.where() + ")");
  }
}
