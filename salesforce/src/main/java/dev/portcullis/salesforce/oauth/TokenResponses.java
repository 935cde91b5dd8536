package dev.portcullis.salesforce.oauth;

import static dev.portcullis.salesforce.SalesforceErrorCode.PROTOCOL_BAD_RESPONSE;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.SalesforceId;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON bodies of Salesforce's OAuth endpoints: the token response, and the error
 * response {@code {"error","error_description"}} (RFC 6749 §5.2, which Salesforce follows for the
 * JWT bearer flow per RFC 7523 §3.1).
 */
final class TokenResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private TokenResponses() {}

  /** Parses a 200 token response; {@code where} is {@code "POST <url>"} for messages. */
  static AccessToken parseToken(String body, String where) {
    JsonNode json = readObject(body, "token response", where);
    String accessToken = requireString(json, "access_token", where);
    URI instanceUrl = httpUrl(requireString(json, "instance_url", where), "instance_url", where);
    URI identityUrl = httpUrl(requireString(json, "id", where), "id", where);
    String[] ids = idsFromIdentityUrl(identityUrl, where);
    return new AccessToken(
        accessToken,
        instanceUrl,
        identityUrl,
        optionalString(json, "token_type", where),
        optionalString(json, "scope", where),
        issuedAt(optionalString(json, "issued_at", where), where),
        ids[0],
        ids[1]);
  }

  /**
   * Maps a non-2xx answer of an OAuth endpoint. A JSON {@code error} becomes its {@code OAUTH_*}
   * code; a 5xx without one becomes {@code SERVER_ERROR}; anything else {@code PROTOCOL_BAD_RESPONSE}.
   */
  static SalesforceException error(int status, String body, String where) {
    String place = " (" + where + ", HTTP " + status + ")";
    JsonNode json = null;
    try {
      json = JSON.readTree(body);
    } catch (JacksonException ignored) {
      // not JSON: handled below
    }
    if (json != null && json.isObject() && json.path("error").isTextual()) {
      String error = json.get("error").asText();
      String description = json.path("error_description").isTextual() ? json.get("error_description").asText() : "";
      return new SalesforceException(
          codeFor(error),
          error + (description.isEmpty() ? "" : ": " + description) + place,
          status,
          List.of(new SalesforceError(error, description, List.of())),
          null);
    }
    if (status >= 500) {
      return new SalesforceException(
          SalesforceErrorCode.SERVER_ERROR, "Salesforce failed with HTTP " + status + " and no OAuth error body" + place,
          status, List.of(), null);
    }
    return new SalesforceException(
        PROTOCOL_BAD_RESPONSE, "unexpected HTTP " + status + " without an OAuth error body {\"error\",\"error_description\"}" + place,
        status, List.of(), null);
  }

  static SalesforceErrorCode codeFor(String error) {
    return switch (error.toLowerCase(Locale.ROOT)) {
      case "invalid_grant" -> SalesforceErrorCode.OAUTH_INVALID_GRANT;
      case "invalid_client_id" -> SalesforceErrorCode.OAUTH_INVALID_CLIENT_ID;
      case "invalid_client", "invalid_client_credentials" -> SalesforceErrorCode.OAUTH_INVALID_CLIENT;
      case "invalid_app_access" -> SalesforceErrorCode.OAUTH_INVALID_APP_ACCESS;
      case "unsupported_grant_type" -> SalesforceErrorCode.OAUTH_UNSUPPORTED_GRANT_TYPE;
      case "invalid_request" -> SalesforceErrorCode.OAUTH_INVALID_REQUEST;
      case "inactive_user" -> SalesforceErrorCode.OAUTH_INACTIVE_USER;
      case "inactive_org" -> SalesforceErrorCode.OAUTH_INACTIVE_ORG;
      case "rate_limit_exceeded" -> SalesforceErrorCode.OAUTH_RATE_LIMIT_EXCEEDED;
      case "invalid_token" -> SalesforceErrorCode.OAUTH_INVALID_TOKEN;
      case "unsupported_token_type" -> SalesforceErrorCode.OAUTH_UNSUPPORTED_TOKEN_TYPE;
      default -> SalesforceErrorCode.OAUTH_OTHER;
    };
  }

  private static JsonNode readObject(String body, String what, String where) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JacksonException e) {
      throw bad(what + " is not JSON", where);
    }
    if (json == null || !json.isObject()) {
      throw bad(what + " is not a JSON object", where);
    }
    return json;
  }

  private static String requireString(JsonNode json, String field, String where) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw bad("token response has no '" + field + "'", where);
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw bad("token response field '" + field + "' is not a non-empty string", where);
    }
    return value.asText();
  }

  private static String optionalString(JsonNode json, String field, String where) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw bad("token response field '" + field + "' is not a string", where);
    }
    return value.asText();
  }

  private static URI httpUrl(String value, String field, String where) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw bad("token response field '" + field + "' is not a URL: " + value, where);
    }
    if (!uri.isAbsolute() || uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw bad("token response field '" + field + "' is not an absolute http(s) URL: " + value, where);
    }
    return uri;
  }

  /** {@code https://login.salesforce.com/id/00D…/005…} → {orgId, userId}. */
  private static String[] idsFromIdentityUrl(URI identityUrl, String where) {
    String path = identityUrl.getPath() == null ? "" : identityUrl.getPath();
    String[] segments = path.split("/");
    int n = segments.length;
    if (n < 3 || !segments[n - 3].equals("id")
        || !SalesforceId.isValid(segments[n - 2]) || !SalesforceId.isValid(segments[n - 1])) {
      throw bad("token response field 'id' is not an identity URL ending in /id/<orgId>/<userId>: " + identityUrl, where);
    }
    return new String[] {segments[n - 2], segments[n - 1]};
  }

  private static Instant issuedAt(String millis, String where) {
    if (millis == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(millis));
    } catch (NumberFormatException e) {
      throw bad("token response field 'issued_at' is not epoch milliseconds: " + millis, where);
    }
  }

  private static SalesforceException bad(String problem, String where) {
    return new SalesforceException(PROTOCOL_BAD_RESPONSE, problem + " (" + where + ")");
  }
}
