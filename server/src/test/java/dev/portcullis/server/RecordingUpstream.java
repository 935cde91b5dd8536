package dev.portcullis.server;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * Salesforce as the gateway sees it, on loopback: records every request once it arrived whole (a
 * body cut on the way is not a request Salesforce serves) and answers {@code {}}. A request whose
 * path and query contain {@value #HOLD} gets the start of a long answer and then nothing until the
 * upstream stops, like a Bulk result download in progress.
 */
final class RecordingUpstream implements AutoCloseable {
  /** Put this in a query to have the answer held open. */
  static final String HOLD = "Held__c";

  /** A request as it arrived: {@code GET /services/…?q=…}, and the gateway's decision header. */
  record Received(String request, String decision) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  /** What arrived, as {@code METHOD /path?query}, in order (a live list). */
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);

  private RecordingUpstream() {}

  static RecordingUpstream start() throws Exception {
    RecordingUpstream upstream = new RecordingUpstream();
    upstream.connector.setHost("127.0.0.1");
    upstream.connector.setPort(0);
    upstream.server.addConnector(upstream.connector);
    upstream.server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Content.Source.asString(request, StandardCharsets.UTF_8, Promise.from(body -> {
          String pathQuery = request.getHttpURI().getPathQuery();
          upstream.received.add(new Received(request.getMethod() + " " + pathQuery,
              request.getHeaders().get("X-Portcullis-Decision")));
          upstream.requests.add(request.getMethod() + " " + pathQuery);
          response.setStatus(200);
          response.getHeaders().put("Content-Type", "application/json");
          if (pathQuery.contains(HOLD)) {
            response.write(false, ByteBuffer.wrap("{\"totalSize\":1000000,\"done\":true,\"records\":["
                .getBytes(StandardCharsets.UTF_8)), Callback.NOOP); // the rest never comes
          } else {
            Content.Sink.write(response, true, "{}", callback);
          }
        }, callback::failed));
        return true;
      }
    });
    upstream.server.start();
    return upstream;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the recording upstream did not stop", e);
    }
  }
}
