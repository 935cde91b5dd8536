package dev.portcullis.salesforce;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted Salesforce on 127.0.0.1 and an ephemeral port, built on the JDK's {@link
 * HttpServer}. Tests register a {@link Responder} per method and path and answer in Salesforce's
 * formats; every request is recorded. An unknown route gets Salesforce's 404 {@code NOT_FOUND}
 * error array (REST API Developer Guide, "Status Codes and Error Responses").
 */
public final class FakeSalesforce implements AutoCloseable {
  /** What the fake received. Header names are lower-case. */
  public record RecordedRequest(String method, URI uri, Map<String, List<String>> headers, String body) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The raw path, without the query. */
    public String path() {
      return uri.getRawPath();
    }
  }

  /** An answer: status, content type (null for none), body (empty for none) and extra headers. */
  public record Reply(int status, String contentType, String body, Map<String, String> headers) {
    public Reply(int status, String contentType, String body) {
      this(status, contentType, body, Map.of());
    }

    public static Reply redirect(int status, String location) {
      return new Reply(status, null, "", Map.of("Location", location));
    }

    public static Reply json(int status, String body) {
      return new Reply(status, "application/json;charset=UTF-8", body);
    }

    public static Reply text(int status, String contentType, String body) {
      return new Reply(status, contentType, body);
    }

    public static Reply noContent() {
      return new Reply(204, null, "");
    }
  }

  /** Answers one request. */
  @FunctionalInterface
  public interface Responder {
    Reply respond(RecordedRequest request) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  private FakeSalesforce() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static FakeSalesforce start() {
    try {
      return new FakeSalesforce();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake Salesforce", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, no trailing slash. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers {@code method path} (raw path, query ignored) with {@code responder}. */
  public FakeSalesforce on(String method, String path, Responder responder) {
    routes.put(method + " " + path, responder);
    return this;
  }

  /** Every request received so far, in order. */
  public List<RecordedRequest> requests() {
    return new ArrayList<>(requests);
  }

  /** The only request received so far. */
  public RecordedRequest onlyRequest() {
    List<RecordedRequest> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + all.size() + ": " + all);
    }
    return all.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), UTF_8);
      }
      Map<String, List<String>> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
      RecordedRequest request =
          new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI(), Map.copyOf(headers), body);
      requests.add(request);
      Responder responder = routes.get(request.method() + " " + request.path());
      Reply reply;
      try {
        reply = responder == null
            ? Reply.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")
            : responder.respond(request);
      } catch (Exception e) {
        reply = Reply.text(500, "text/plain", "fake failed: " + e);
      }
      byte[] bytes = reply.body().getBytes(UTF_8);
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      }
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
