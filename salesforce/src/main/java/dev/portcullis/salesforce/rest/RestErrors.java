package dev.portcullis.salesforce.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps REST error responses. Salesforce answers a failed call with a JSON array of {@code
 * {"message","errorCode","fields"}} (REST API Developer Guide, "Status Codes and Error
 * Responses"); the first element decides the code. A 410 means a retired API version. A 5xx
 * without that array is {@code SERVER_ERROR}; any other unexpected body {@code
 * PROTOCOL_BAD_RESPONSE}.
 */
final class RestErrors {
  private static final int SNIPPET = 200;

  private RestErrors() {}

  static SalesforceException fromResponse(ObjectMapper json, int status, String body, String where) {
    String place = " (" + where + ", HTTP " + status + ")";
    List<SalesforceError> errors = parseErrors(json, body);
    if (!errors.isEmpty()) {
      SalesforceError first = errors.get(0);
      SalesforceErrorCode code = status == 410 ? SalesforceErrorCode.REST_UNSUPPORTED_API_VERSION : codeFor(first.errorCode());
      StringBuilder message = new StringBuilder(first.describe());
      if (errors.size() > 1) {
        message.append(" (and ").append(errors.size() - 1).append(" more)");
      }
      return new SalesforceException(code, message + place, status, errors, null);
    }
    if (status == 410) {
      return new SalesforceException(
          SalesforceErrorCode.REST_UNSUPPORTED_API_VERSION, "the API version is retired" + place, status, List.of(), null);
    }
    if (status >= 500) {
      return new SalesforceException(
          SalesforceErrorCode.SERVER_ERROR, "Salesforce failed: " + snippet(body) + place, status, List.of(), null);
    }
    return new SalesforceException(
        SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
        "unexpected response without a Salesforce error array: " + snippet(body) + place, status, List.of(), null);
  }

  static SalesforceErrorCode codeFor(String errorCode) {
    return switch (errorCode) {
      case "INVALID_SESSION_ID" -> SalesforceErrorCode.REST_INVALID_SESSION_ID;
      case "REQUEST_LIMIT_EXCEEDED" -> SalesforceErrorCode.REST_REQUEST_LIMIT_EXCEEDED;
      case "MALFORMED_QUERY" -> SalesforceErrorCode.REST_MALFORMED_QUERY;
      case "NOT_FOUND" -> SalesforceErrorCode.REST_NOT_FOUND;
      case "INVALID_FIELD" -> SalesforceErrorCode.REST_INVALID_FIELD;
      case "INVALID_TYPE" -> SalesforceErrorCode.REST_INVALID_TYPE;
      case "MALFORMED_ID" -> SalesforceErrorCode.REST_MALFORMED_ID;
      case "INVALID_QUERY_LOCATOR" -> SalesforceErrorCode.REST_INVALID_QUERY_LOCATOR;
      case "ENTITY_IS_DELETED" -> SalesforceErrorCode.REST_ENTITY_IS_DELETED;
      case "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" ->
          SalesforceErrorCode.REST_INSUFFICIENT_ACCESS;
      case "REQUIRED_FIELD_MISSING" -> SalesforceErrorCode.REST_REQUIRED_FIELD_MISSING;
      case "DUPLICATE_VALUE" -> SalesforceErrorCode.REST_DUPLICATE_VALUE;
      case "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED" -> SalesforceErrorCode.REST_API_DISABLED;
      case "UNSUPPORTED_API_VERSION" -> SalesforceErrorCode.REST_UNSUPPORTED_API_VERSION;
      default -> SalesforceErrorCode.REST_OTHER;
    };
  }

  /**
   * The errors in {@code body}: an array of error objects, or a single object, keyed {@code
   * errorCode} (or {@code statusCode}, as in the {@code errors} of a create result). Empty when the
   * body is not such JSON.
   */
  static List<SalesforceError> parseErrors(ObjectMapper json, String body) {
    JsonNode tree;
    try {
      tree = json.readTree(body);
    } catch (JacksonException e) {
      return List.of();
    }
    return toErrors(tree);
  }

  static List<SalesforceError> toErrors(JsonNode tree) {
    if (tree == null) {
      return List.of();
    }
    List<JsonNode> items = new ArrayList<>();
    if (tree.isArray()) {
      tree.forEach(items::add);
    } else if (tree.isObject()) {
      items.add(tree);
    }
    List<SalesforceError> errors = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode code = item.has("errorCode") ? item.get("errorCode") : item.get("statusCode");
      if (code == null || !code.isTextual()) {
        return List.of();
      }
      List<String> fields = new ArrayList<>();
      item.path("fields").forEach(f -> fields.add(f.asText()));
      errors.add(new SalesforceError(code.asText(), item.path("message").asText(""), fields));
    }
    return errors;
  }

  static String snippet(String body) {
    String oneLine = body.replaceAll("\\s+", " ").strip();
    if (oneLine.isEmpty()) {
      return "(empty body)";
    }
    return oneLine.length() <= SNIPPET ? oneLine : oneLine.substring(0, SNIPPET) + "…";
  }
}
