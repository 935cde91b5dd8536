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

  /**
   * A SOAP 1.1 fault as Salesforce answers on its SOAP APIs: HTTP 500, {@code faultcode} {@code
   * sf:CODE} in the API's fault namespace, {@code faultstring} {@code "CODE: message"}
   * (shared/reference/salesforce-formats.md §3.1; jsforce matches {@code <faultcode>[a-zA-Z]+:INVALID_SESSION_ID</faultcode>}).
   *
   * @param apiLetter {@code m} (Metadata), {@code u} (partner), {@code c} (enterprise), {@code T} (Tooling)
   */
  static void soapFault(Response response, Callback callback, String apiLetter, String code, String message) {
    String namespace = switch (apiLetter) {
      case "m" -> "http://soap.sforce.com/2006/04/metadata";
      case "c" -> "urn:fault.enterprise.soap.sforce.com";
      case "T" -> "urn:fault.tooling.soap.sforce.com";
      default -> "urn:fault.partner.soap.sforce.com";
    };
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
        + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:sf=\"" + namespace + "\">"
        + "<soapenv:Body><soapenv:Fault><faultcode>" + (code.contains(":") ? code : "sf:" + code) + "</faultcode>"
        + "<faultstring>" + escape((code.contains(":") ? "" : code + ": ") + message) + "</faultstring>"
        + "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
    response.setStatus(500);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml;charset=UTF-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
  }

  /**
   * A Bulk API (1.0) error as Salesforce answers it ("Bulk API 2.0 and Bulk API Developer Guide",
   * "Errors"): {@code <error xmlns="http://www.force.com/2009/06/asyncapi/dataload"><exceptionCode>
   * InvalidSessionId</exceptionCode><exceptionMessage>…</exceptionMessage></error>}, or the same two
   * members in JSON for JSON jobs.
   *
   * @param format {@code xml} or {@code json}
   */
  static void bulkError(Response response, Callback callback, String format, int status, String code, String message) {
    String body;
    if (format.equals("json")) {
      Map<String, String> error = new LinkedHashMap<>();
      error.put("exceptionCode", code);
      error.put("exceptionMessage", message);
      try {
        body = JSON.writeValueAsString(error);
      } catch (Exception e) {
        callback.failed(e);
        return;
      }
    } else {
      body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
          + "<exceptionCode>" + escape(code) + "</exceptionCode><exceptionMessage>" + escape(message)
          + "</exceptionMessage></error>";
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, format.equals("json") ? "application/json;charset=UTF-8"
        : "application/xml;charset=UTF-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
  }

  /** The format of Bulk API (1.0) errors for a request: {@code json} when it sends or accepts JSON, else {@code xml}. */
  static String bulkFormat(String contentType, String accept) {
    boolean json = (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json"))
        || (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("json"));
    return json ? "json" : "xml";
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c);
      }
    }
    return out.toString();
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
