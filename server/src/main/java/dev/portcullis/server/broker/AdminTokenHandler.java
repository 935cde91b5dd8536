package dev.portcullis.server.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes of the admin API behind the admin token ({@code Authorization: Bearer}, {@link AdminToken}),
 * answering JSON. A missing or wrong token is 401 without saying which; errors are JSON {@code
 * {error, message}}; a store that fails is 503 {@code unavailable} with its error code. Request
 * bodies are JSON objects of at most 16 KiB, with known fields only and no repeated one.
 */
abstract class AdminTokenHandler extends Handler.Abstract {
  static final int MAX_BODY = 16 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AdminTokenHandler.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private final AdminToken token;
  private final Set<String> paths;

  AdminTokenHandler(AdminToken token, Set<String> paths) {
    this.token = token;
    this.paths = Set.copyOf(paths);
  }

  /** Answers a request for one of this handler's paths, once the admin token was checked. */
  abstract void route(String path, Request request, Response response, Callback callback) throws IOException;

  /** What the routes manage, for the 503 message ("the session store"). */
  abstract String what();

  @Override
  public final boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!paths.contains(path)) {
      return false;
    }
    if (!authorized(request)) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"portcullis-admin\"");
      closeAfter(request, response);
      error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
          "this route needs the admin token (Authorization: Bearer, from DATA_DIR/" + AdminToken.FILE + ")");
      return true;
    }
    try {
      route(path, request, response, callback);
    } catch (StoreException e) {
      LOG.error("admin route {} failed: {}", path, e.getMessage());
      error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "unavailable",
          what() + " is unavailable: " + e.code());
    }
    return true;
  }

  private boolean authorized(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return token.matches(header.substring(7).strip());
  }

  /**
   * Answers with {@code Connection: close}: the request's body is left unread, and a server that closes the
   * connection after answering without saying so lets a client reuse a connection that is already gone.
   */
  static void closeAfter(Request request, Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    // What is left of the body is read and discarded (up to a bound) first: a connection closed with unread
    // bytes is reset by the kernel, and the reset can destroy the answer before the client reads it.
    try {
      InputStream rest = Content.Source.asInputStream(request);
      byte[] sink = new byte[8192];
      long left = DRAINED_BYTES;
      int read;
      while (left > 0 && (read = rest.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
        left -= read;
      }
    } catch (IOException | RuntimeException e) {
      // the client went away: nothing to answer it any more
    }
  }

  /** The most of an unread body read and discarded before an answer closes the connection. */
  static final long DRAINED_BYTES = 1024 * 1024;

  /** Whether the request uses {@code method}; else answers 405 naming the one to use. */
  static boolean method(String method, Request request, Response response, Callback callback) throws IOException {
    if (method.equalsIgnoreCase(request.getMethod())) {
      return true;
    }
    response.getHeaders().put(HttpHeader.ALLOW, method);
    error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method_not_allowed", "use " + method);
    return false;
  }

  /**
   * The request's body as a JSON object whose fields are all in {@code known}; null when it is not,
   * the client then answered 400 (or 413) saying why.
   */
  static ObjectNode readObject(Request request, Response response, Callback callback, List<String> known)
      throws IOException {
    byte[] bytes = Content.Source.asInputStream(request).readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      closeAfter(request, response);
      error(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "invalid_request", "the body is larger than 16 KiB");
      return null;
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "the body is not JSON: "
          + e.getOriginalMessage());
      return null;
    }
    if (!(body instanceof ObjectNode object)) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "the body must be a JSON object");
      return null;
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!known.contains(field.getKey())) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "unknown field '"
            + FormBody.printable(field.getKey()) + "' (known: " + String.join(", ", known) + ")");
        return null;
      }
    }
    return object;
  }

  /** The stripped text of a string field, null when absent. */
  static String text(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    return value == null ? null : value.asText().strip();
  }

  /**
   * The {@code limit} query parameter, 1 to 1000, 100 when absent; -1 when it is not such a number, the
   * client then answered 400.
   */
  static int limit(Fields query, Response response, Callback callback) throws IOException {
    int limit;
    try {
      limit = Integer.parseInt(value(query, "limit", "100"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "limit must be a number from 1 to 1000");
      return -1;
    }
    return limit;
  }

  /** A query parameter, or {@code fallback} when absent or empty. */
  static String value(Fields query, String name, String fallback) {
    Fields.Field field = query.get(name);
    return field == null || field.getValue() == null || field.getValue().isEmpty() ? fallback : field.getValue();
  }

  static void error(Response response, Callback callback, int status, String error, String message)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("message", message);
    write(response, callback, status, body);
  }

  static void write(Response response, Callback callback, int status, Object body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, JSON.writeValueAsString(body) + "\n", callback);
  }
}
