package dev.portcullis.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Salesforce as a raw socket on loopback: each request is answered with the bytes scripted for its
 * path, exactly as scripted (hop-by-hop fields, chunked framing, trailers and all), then the
 * connection is closed. Unscripted paths get a 404. Every request head is recorded.
 */
final class RawUpstream implements AutoCloseable {
  private final ServerSocket socket;
  private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
  /** The request heads received, in order (request line and fields). */
  final List<String> requests = new CopyOnWriteArrayList<>();

  RawUpstream() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("raw-upstream").start(this::serve);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** Tokens for every integration user, pointing at this upstream. */
  dev.portcullis.identity.broker.SalesforceTokens tokens() {
    return RecordingUpstream.tokensAt(url());
  }

  /**
   * Answers requests for {@code path} (without query) with {@code raw}, where {@code {{instance}}}
   * is {@link #url()} and {@code {{length}}} the length of the body (what follows the blank line).
   */
  void script(String path, String raw) {
    String answer = raw.replace("{{instance}}", url().toString());
    int body = answer.indexOf("\r\n\r\n") + 4;
    answer = answer.replace("{{length}}",
        String.valueOf(answer.substring(body).getBytes(StandardCharsets.UTF_8).length));
    answers.put(path, answer.getBytes(StandardCharsets.UTF_8));
  }

  /** A response with these header lines and a {@code Content-Length} body. */
  static String response(String statusLine, String body, String... headers) {
    StringBuilder raw = new StringBuilder("HTTP/1.1 ").append(statusLine).append("\r\n");
    for (String header : headers) {
      raw.append(header).append("\r\n");
    }
    return raw.append("Content-Length: {{length}}\r\nConnection: close\r\n\r\n").append(body).toString();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        Thread.ofVirtual().start(() -> answer(connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void answer(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      String head = head(in);
      requests.add(head);
      int length = contentLength(head);
      in.readNBytes(length);
      String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      byte[] answer = answers.getOrDefault(path, response("404 Not Found", "[]", "Content-Type: application/json")
          .getBytes(StandardCharsets.UTF_8));
      connection.getOutputStream().write(answer);
      connection.getOutputStream().flush();
    } catch (IOException e) {
      // the gateway hung up: nothing to answer
    }
  }

  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).strip());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
