package dev.portcullis.orgsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty core handler of one org: counts the request, applies faults, routes it and writes
 * Salesforce's JSON. Every route names the Salesforce page it follows in {@link RestApi},
 * {@link QueryService} or here.
 *
 * <p>Design: routing is a plain switch over the path; resource logic returns a {@link Reply}
 * or throws {@link ApiException} / {@link OAuthException}, which this class renders in the two
 * Salesforce error shapes (REST: a JSON array of {@code {message, errorCode}}; OAuth:
 * {@code {error, error_description}}). Handlers block (reading bodies, the latency fault), so the
 * handler declares itself blocking and Jetty runs it on a pool thread.
 */
final class OrgHandler extends Handler.Abstract {
  private static final java.util.regex.Pattern EMPTY_SEGMENTS = java.util.regex.Pattern.compile("/{2,}");
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(OrgHandler.class);
  private static final Pattern DATA_PATH = Pattern.compile("^/services/data/v(\\d+\\.\\d)(/.*)?$");
  private static final Pattern ID_PATH = Pattern.compile("^/id/([A-Za-z0-9]{15,18})/([A-Za-z0-9]{15,18})/?$");
  /** The Metadata API's SOAP endpoint, with the org id the login result's metadataServerUrl carries. */
  private static final Pattern METADATA_SOAP_PATH = Pattern.compile("^/services/Soap/m/(\\d+\\.\\d)(/[A-Za-z0-9]{15,18})?/?$");

  /** What a resource answers: a status and a JSON body ({@code null} for no body). */
  record Reply(int status, Object body) {
    static Reply ok(Object body) {
      return new Reply(200, body);
    }
  }

  private final OrgState org;
  private final JwtBearerGrant jwtBearer;
  private final RestApi rest;
  private final QueryService queries;
  private final MetadataSoapApi metadataSoap;
  private final MetadataRestApi metadataRest;

  /** TEST ONLY: where a hand-made Setup change is recorded (docs/ORGSIM.md). */
  static final String SETUP_CHANGE_PATH = "/_orgsim/setup-audit-trail";

  OrgHandler(OrgState org) {
    this.org = org;
    this.jwtBearer = new JwtBearerGrant(org);
    this.rest = new RestApi(org);
    this.queries = new QueryService(org);
    this.metadataSoap = new MetadataSoapApi(org);
    this.metadataRest = new MetadataRestApi(org);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String method = request.getMethod();
    // Empty segments collapse, as Salesforce does: "//services/data" is "/services/data".
    String path = EMPTY_SEGMENTS.matcher(request.getHttpURI().getDecodedPath()).replaceAll("/");
    Matcher data = DATA_PATH.matcher(path);
    String version = data.matches() ? data.group(1) : null;
    String rest = data.matches() ? (data.group(2) == null ? "" : data.group(2)) : null;
    Endpoint endpoint = endpoint(method, path, rest);
    org.count(endpoint);

    Duration latency = org.faults.currentLatency();
    if (!latency.isZero()) {
      Thread.sleep(latency);
    }
    switch (org.faults.next()) {
      case DROP_CONNECTION -> {
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        callback.failed(new DroppedConnection());
        return true;
      }
      case SERVICE_UNAVAILABLE -> {
        write(response, callback, 503, List.of(error(ApiErrorCode.SERVER_UNAVAILABLE, "Server is unavailable, please try again later")));
        return true;
      }
      case REQUEST_LIMIT_EXCEEDED -> {
        write(response, callback, 403, List.of(error(ApiErrorCode.REQUEST_LIMIT_EXCEEDED, "TotalRequests Limit exceeded.")));
        return true;
      }
      case NONE -> {}
    }
    if (version != null && !rest().tryAcquireApiRequest()) {
      // REST API Developer Guide, "API Request Limits and Allocations": over the 24-hour allocation,
      // calls fail with 403 REQUEST_LIMIT_EXCEEDED until the rolling window frees capacity.
      write(response, callback, 403, List.of(error(ApiErrorCode.REQUEST_LIMIT_EXCEEDED, "TotalRequests Limit exceeded.")));
      return true;
    }

    if (endpoint == Endpoint.METADATA_SOAP) {
      writeSoap(response, callback, soap(request, path));
      return true;
    }
    try {
      Reply reply = route(request, endpoint, method, path, version, rest);
      if (version != null) {
        response.getHeaders().put("Sforce-Limit-Info", "api-usage=" + rest().usage() + "/" + RestApi.DAILY_API_REQUESTS);
      }
      write(response, callback, reply.status(), reply.body());
    } catch (OAuthException e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.error);
      body.put("error_description", e.description);
      write(response, callback, 400, body);
    } catch (ApiException e) {
      Map<String, Object> err = new LinkedHashMap<>();
      if (!e.fields.isEmpty()) {
        err.put("fields", e.fields);
      }
      err.put("message", e.getMessage());
      err.put("errorCode", e.errorCode.name());
      write(response, callback, e.status, List.of(err));
    } catch (RuntimeException e) {
      // A simulator bug: answer as Salesforce answers its own (500 UNKNOWN_EXCEPTION), and log it.
      String errorId = Long.toString(System.nanoTime(), 36);
      LOG.warn("orgsim {}: {} {} failed (ErrorId {})", org.spec.alias(), method, path, errorId, e);
      write(response, callback, 500, List.of(error(ApiErrorCode.UNKNOWN_EXCEPTION,
          "An unexpected error occurred. Please include this ErrorId if you contact support: " + errorId)));
    }
    return true;
  }

  /**
   * A Metadata API SOAP call: the body read whole (at most {@link MetadataRestApi#MAX_BODY_BYTES}),
   * answered by {@link MetadataSoapApi}; failures are SOAP faults, never REST JSON.
   */
  private MetadataSoapApi.Reply soap(Request request, String path) {
    Matcher m = METADATA_SOAP_PATH.matcher(path);
    if (!m.matches()) {
      return MetadataSoapApi.fault("soapenv:Client", "not a Metadata API endpoint: " + path);
    }
    if (m.group(2) != null && !org.orgId.startsWith(m.group(2).substring(1, 16))) {
      return MetadataSoapApi.fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session");
    }
    try {
      byte[] body = Content.Source.asInputStream(request).readNBytes((int) MetadataRestApi.MAX_BODY_BYTES + 1);
      if (body.length > MetadataRestApi.MAX_BODY_BYTES) {
        return MetadataSoapApi.fault("soapenv:Client", "the SOAP request is larger than " + MetadataRestApi.MAX_BODY_BYTES
            + " bytes");
      }
      return metadataSoap.call(body, m.group(1));
    } catch (IOException e) {
      return MetadataSoapApi.fault("soapenv:Client", "the SOAP request could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      String errorId = Long.toString(System.nanoTime(), 36);
      LOG.warn("orgsim {}: SOAP {} failed (ErrorId {})", org.spec.alias(), path, errorId, e);
      return MetadataSoapApi.fault("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you"
          + " contact support: " + errorId);
    }
  }

  private static void writeSoap(Response response, Callback callback, MetadataSoapApi.Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml;charset=UTF-8");
    Content.Sink.write(response, true, reply.xml(), callback);
  }

  /** Marks the on-purpose drop as quiet, so Jetty does not log it as a failure. */
  private static final class DroppedConnection extends IOException implements QuietException {
    DroppedConnection() {
      super("orgsim: connection dropped on purpose (fault injection)");
    }
  }

  private RestApi rest() {
    return rest;
  }

  private Reply route(Request request, Endpoint endpoint, String method, String path, String version, String rest) throws IOException {
    Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    return switch (endpoint) {
      // Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration" (remoteaccess_oauth_jwt_flow.htm)
      case TOKEN -> {
        Map<String, String> form = form(Content.Source.asString(request, StandardCharsets.UTF_8));
        String grantType = form.get("grant_type");
        if (!JwtBearerGrant.GRANT_TYPE.equals(grantType)) {
          throw new OAuthException("unsupported_grant_type", "grant type not supported");
        }
        yield Reply.ok(jwtBearer.exchange(form.get("assertion")));
      }
      // Salesforce Help, "Revoke OAuth Tokens" (remoteaccess_revoke_token.htm): POST form or GET ?token=
      case REVOKE -> {
        String token = method.equals("GET") ? query.getValue("token")
            : form(Content.Source.asString(request, StandardCharsets.UTF_8)).get("token");
        if (token == null || !org.sessions.revoke(token)) {
          throw new OAuthException("invalid_token", "Token was invalid");
        }
        yield new Reply(200, null);
      }
      // Salesforce Help, "OAuth 2.0 Token Introspection Flow" (remoteaccess_oidc_token_introspection_endpoint.htm); RFC 7662
      case INTROSPECT -> {
        Map<String, String> form = form(Content.Source.asString(request, StandardCharsets.UTF_8));
        yield this.rest.introspect(form.get("token"), form.get("client_id"));
      }
      // Salesforce Help, "UserInfo Endpoint" (remoteaccess_using_userinfo_endpoint.htm)
      case USERINFO -> this.rest.userinfo(authenticate(request));
      // Salesforce Help, "Identity URLs" (remoteaccess_using_openid.htm)
      case IDENTITY -> {
        Matcher m = ID_PATH.matcher(path);
        if (!m.matches()) {
          throw ApiException.notFound();
        }
        yield this.rest.identity(authenticate(request), m.group(1), m.group(2));
      }
      // REST API Developer Guide, "Versions" (resources_versions.htm): served without authentication
      case VERSIONS -> Reply.ok(RestApi.versions());
      // TEST ONLY, no Salesforce counterpart (docs/ORGSIM.md): a change made by hand in Setup
      case SETUP_CHANGE -> setupChange(Content.Source.asString(request, StandardCharsets.UTF_8));
      case UNKNOWN -> {
        // REST API Developer Guide, "Status Codes and Error Responses": 405 for a known resource
        List<String> allowed = new java.util.ArrayList<>();
        for (String m : List.of("GET", "POST", "PATCH", "DELETE")) {
          if (endpoint(m, path, rest) != Endpoint.UNKNOWN) {
            allowed.add(m);
          }
        }
        if (allowed.isEmpty()) {
          throw ApiException.notFound();
        }
        throw new ApiException(405, ApiErrorCode.METHOD_NOT_ALLOWED,
            "HTTP Method '" + method + "' not allowed. Allowed are " + String.join(",", allowed));
      }
      default -> {
        if (!RestApi.supportsVersion(version)) {
          throw ApiException.notFound();
        }
        SessionStore.Session session = authenticate(request);
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
        yield switch (endpoint) {
          // REST API Developer Guide, "Resources by Version" (resources_discoveryresource.htm)
          case RESOURCES -> this.rest.resources(version, session);
          // REST API Developer Guide, "Limits" (resources_limits.htm)
          case LIMITS -> this.rest.limits();
          // REST API Developer Guide, "Describe Global" (resources_describeGlobal.htm)
          case DESCRIBE_GLOBAL -> this.rest.describeGlobal(version);
          // REST API Developer Guide, "sObject Basic Information" (resources_sobject_basic_info.htm)
          case SOBJECT_INFO -> this.rest.sobjectInfo(version, parts[1]);
          // REST API Developer Guide, "sObject Describe" (resources_sobject_describe.htm)
          case DESCRIBE -> this.rest.describe(version, parts[1]);
          // REST API Developer Guide, "Create a Record" (dome_sobject_create.htm)
          case CREATE -> this.rest.create(version, parts[1], Content.Source.asString(request, StandardCharsets.UTF_8), session);
          // REST API Developer Guide, "sObject Rows" (resources_sobject_retrieve.htm), GET
          case RETRIEVE -> this.rest.retrieve(version, parts[1], parts[2], query.getValue("fields"));
          // REST API Developer Guide, "sObject Blob Get" (resources_sobject_blob_retrieve.htm)
          case BLOB -> this.rest.blob(parts[1], parts[2], parts[3]);
          // REST API Developer Guide, "Update a Record" (dome_update_fields.htm), PATCH
          case UPDATE -> this.rest.update(parts[1], parts[2], Content.Source.asString(request, StandardCharsets.UTF_8), session);
          // REST API Developer Guide, "Delete a Record" (dome_delete_record.htm)
          case DELETE -> this.rest.delete(parts[1], parts[2]);
          // REST API Developer Guide, "Query" (resources_query.htm), "QueryAll" (resources_queryall.htm)
          case QUERY, QUERY_ALL -> queries.query(version, query.getValue("q"), endpoint == Endpoint.QUERY_ALL,
              "true".equalsIgnoreCase(query.getValue("columns")), request.getHeaders().get("Sforce-Query-Options"));
          // REST API Developer Guide, "Execute a SOQL Query" (dome_query.htm): nextRecordsUrl
          case QUERY_MORE -> queries.more(version, parts[1]);
          // Tooling API Developer Guide, "Tooling API REST Resources" (intro_rest_resources.htm)
          case TOOLING -> this.rest.tooling(parts, query.getValue("q"));
          // Metadata API Developer Guide, "Deploy Metadata with Apex Testing Using REST" (meta_rest_deploy.htm)
          case DEPLOY_REQUEST -> metadataRest.handle(request, method, version, parts, query.getValue("includeDetails"), session);
          default -> throw ApiException.notFound();
        };
      }
    };
  }

  /** REST API Developer Guide, "Status Codes and Error Responses": 401 INVALID_SESSION_ID. */
  private SessionStore.Session authenticate(Request request) {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization == null) {
      throw ApiException.invalidSession();
    }
    String token;
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = authorization.substring(7).trim();
    } else if (authorization.regionMatches(true, 0, "OAuth ", 0, 6)) {
      token = authorization.substring(6).trim();
    } else {
      throw ApiException.invalidSession();
    }
    return org.sessions.use(token).orElseThrow(ApiException::invalidSession);
  }

  /**
   * Records a hand-made Setup change ({@link Org#recordSetupChange}) from {@code {"username",
   * "action", "section", "display"}} (and an optional {@code "delegate_user"}); answers 201 {@code
   * {"id": "0Ym…"}}. Like the OIDC simulator's token endpoints, anyone who reaches the listener may
   * call it: the simulator is a test double on loopback.
   */
  private Reply setupChange(String body) {
    com.fasterxml.jackson.databind.JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, e.getOriginalMessage());
    }
    List<String> missing = new java.util.ArrayList<>();
    for (String field : List.of("username", "action", "section", "display")) {
      if (json == null || !json.path(field).isTextual() || json.path(field).asText().isBlank()) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      throw new ApiException(400, ApiErrorCode.REQUIRED_FIELD_MISSING, "Required fields are missing: " + missing, missing);
    }
    String delegate = json.path("delegate_user").isTextual() ? json.path("delegate_user").asText() : null;
    try {
      String id = org.setupAuditTrail.recordManual(json.get("username").asText(), new SetupAuditActions.Entry(
          json.get("action").asText(), json.get("section").asText(), json.get("display").asText()), delegate);
      return new Reply(201, Map.of("id", id));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, ApiErrorCode.INVALID_FIELD, e.getMessage(), List.of("username"));
    }
  }

  static Endpoint endpoint(String method, String path, String rest) {
    if (path.equals("/services/oauth2/token")) {
      return method.equals("POST") ? Endpoint.TOKEN : Endpoint.UNKNOWN;
    }
    if (path.equals("/services/oauth2/revoke")) {
      return method.equals("POST") || method.equals("GET") ? Endpoint.REVOKE : Endpoint.UNKNOWN;
    }
    if (path.equals("/services/oauth2/introspect")) {
      return method.equals("POST") ? Endpoint.INTROSPECT : Endpoint.UNKNOWN;
    }
    if (path.equals("/services/oauth2/userinfo")) {
      return method.equals("GET") || method.equals("POST") ? Endpoint.USERINFO : Endpoint.UNKNOWN;
    }
    if (path.startsWith("/id/")) {
      return method.equals("GET") ? Endpoint.IDENTITY : Endpoint.UNKNOWN;
    }
    if (path.equals("/services/data") || path.equals("/services/data/")) {
      return method.equals("GET") ? Endpoint.VERSIONS : Endpoint.UNKNOWN;
    }
    if (path.startsWith("/services/Soap/m/")) {
      return method.equals("POST") ? Endpoint.METADATA_SOAP : Endpoint.UNKNOWN;
    }
    if (path.equals(SETUP_CHANGE_PATH)) {
      return method.equals("POST") ? Endpoint.SETUP_CHANGE : Endpoint.UNKNOWN;
    }
    if (rest == null) {
      return Endpoint.UNKNOWN;
    }
    String[] p = rest.isEmpty() || rest.equals("/") ? new String[0] : rest.substring(1).split("/", -1);
    boolean get = method.equals("GET");
    if (p.length == 0) {
      return get ? Endpoint.RESOURCES : Endpoint.UNKNOWN;
    }
    return switch (p[0]) {
      case "limits" -> p.length == 1 && get ? Endpoint.LIMITS : Endpoint.UNKNOWN;
      case "sobjects" -> switch (p.length) {
        case 1 -> get ? Endpoint.DESCRIBE_GLOBAL : Endpoint.UNKNOWN;
        case 2 -> get ? Endpoint.SOBJECT_INFO : method.equals("POST") ? Endpoint.CREATE : Endpoint.UNKNOWN;
        case 3 -> p[2].equals("describe") ? (get ? Endpoint.DESCRIBE : Endpoint.UNKNOWN)
            : switch (method) {
              case "GET" -> Endpoint.RETRIEVE;
              case "PATCH" -> Endpoint.UPDATE;
              case "DELETE" -> Endpoint.DELETE;
              default -> Endpoint.UNKNOWN;
            };
        case 4 -> get ? Endpoint.BLOB : Endpoint.UNKNOWN;
        default -> Endpoint.UNKNOWN;
      };
      case "query" -> !get ? Endpoint.UNKNOWN : p.length == 1 ? Endpoint.QUERY : p.length == 2 ? Endpoint.QUERY_MORE : Endpoint.UNKNOWN;
      case "queryAll" -> !get ? Endpoint.UNKNOWN : p.length == 1 ? Endpoint.QUERY_ALL : p.length == 2 ? Endpoint.QUERY_MORE : Endpoint.UNKNOWN;
      case "tooling" -> Endpoint.TOOLING;
      case "metadata" -> p.length >= 2 && p[1].equals("deployRequest") && p.length <= 3
          && (p.length == 2 ? method.equals("POST") : Set.of("GET", "PATCH", "POST").contains(method))
          ? Endpoint.DEPLOY_REQUEST : Endpoint.UNKNOWN;
      default -> Endpoint.UNKNOWN;
    };
  }

  static Map<String, Object> error(ApiErrorCode code, String message) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("message", message);
    err.put("errorCode", code.name());
    return err;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.putIfAbsent(key, value);
    }
    return form;
  }

  private static void write(Response response, Callback callback, int status, Object body) throws JsonProcessingException {
    response.setStatus(status);
    if (body == null) {
      callback.succeeded();
      return;
    }
    if (body instanceof byte[] bytes) {
      // sObject Blob Get: the bytes themselves, not JSON
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
      response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
    Content.Sink.write(response, true, JSON.writeValueAsString(body), callback);
  }
}
