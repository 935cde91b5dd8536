package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors in Salesforce's REST shape, so that clients behave as they do with Salesforce: an array of
 * {@code {"message", "errorCode"}} (REST API Developer Guide, "Status Codes and Error Responses";
 * the expired-session answer is 401 {@code [{"message":"Session expired or invalid","errorCode":
 * "INVALID_SESSION_ID"}]}, which sf and jsforce key on).
 */
final class SalesforceErrors {
  static final String INVALID_SESSION_MESSAGE = "Session expired or invalid";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SalesforceErrors() {}

  static void invalidSession(Response response, Callback callback) {
    write(response, callback, 401, "INVALID_SESSION_ID", INVALID_SESSION_MESSAGE);
  }

  static void denied(Response response, Callback callback, String reason, String decisionId) {
    write(response, callback, 403, "PORTCULLIS_DENIED", reason + " (decision " + decisionId + ")");
  }

  static void write(Response response, Callback callback, int status, String errorCode, String message) {
    Map<String, String> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("errorCode", errorCode);
    try {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      Content.Sink.write(response, true, JSON.writeValueAsString(List.of(error)), callback);
    } catch (Exception e) {
      callback.failed(e);
    }
  }
}
