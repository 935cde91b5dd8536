package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The http-01 responder (RFC 8555 §8.3): a small HTTP server that answers {@code GET
 * /.well-known/acme-challenge/TOKEN} with the key authorization, {@code application/octet-stream},
 * and 404 for every other path or method. It binds to the address it is given (the loopback address
 * in tests; port 80 of the host the domain resolves to in production, or behind a proxy that forwards
 * {@code /.well-known/acme-challenge/}). Tokens are base64url (§8.1), so any other path segment is 404.
 */
public final class Http01Responder implements ChallengeResponder, AutoCloseable {
  static final String PREFIX = "/.well-known/acme-challenge/";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  private final HttpServer server;
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  private Http01Responder(HttpServer server) {
    this.server = server;
  }

  /** Starts a responder on {@code address} (port 0 picks a free port). */
  public static Http01Responder start(InetSocketAddress address) {
    try {
      HttpServer server = HttpServer.create(address, 16);
      Http01Responder responder = new Http01Responder(server);
      server.createContext("/", responder::handle);
      server.start();
      return responder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the http-01 responder on " + address + ": " + e.getMessage(), e);
    }
  }

  /** Starts a responder on the loopback address and {@code port}. */
  public static Http01Responder onLoopback(int port) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public String type() {
    return "http-01";
  }

  @Override
  public void present(String domain, String token, String answer) {
    if (!TOKEN.matcher(token).matches()) {
      throw new IssueException(IssueException.Code.CHALLENGE_FAILED, "the ACME server sent an http-01 token that is not"
          + " base64url (RFC 8555 §8.1) for " + domain);
    }
    answers.put(token, answer);
  }

  @Override
  public void cleanup(String domain, String token, String answer) {
    answers.remove(token, answer);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String answer = null;
      if (("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod()))
          && path.startsWith(PREFIX)) {
        answer = answers.get(path.substring(PREFIX.length()));
      }
      if (answer == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = answer.getBytes(US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
