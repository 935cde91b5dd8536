package dev.portcullis.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP endpoint (the JDK's server on an ephemeral port) that records every request and
 * answers with a fixed status and body: the fake token endpoint, GitHub token-request endpoint and
 * admin API of the CLI tests.
 */
final class FakeHttpEndpoint implements AutoCloseable {
  /** One request as it arrived. */
  record Request(String method, URI uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }

    /** The body as {@code application/x-www-form-urlencoded} fields, in order; a repeated field fails. */
    Map<String, String> form() {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        if (fields.put(name, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
          throw new AssertionError("form field " + name + " repeated");
        }
      }
      return fields;
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status;
  private volatile String body;
  private volatile String contentType = "application/json";

  FakeHttpEndpoint(String path, int status, String body) throws IOException {
    this.status = status;
    this.body = body;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(path, exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
          Map.copyOf(exchange.getRequestHeaders()), new String(in, StandardCharsets.UTF_8)));
      byte[] out = this.body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(this.status, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
      exchange.close();
    });
    server.start();
  }

  void answer(int status, String body, String contentType) {
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }

  /** {@code http://127.0.0.1:PORT}. */
  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> requests() {
    return requests;
  }

  Request only() {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests.size() + ": " + requests);
    }
    return requests.getFirst();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
