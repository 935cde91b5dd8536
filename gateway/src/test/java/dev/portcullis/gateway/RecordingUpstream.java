package dev.portcullis.gateway;

import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.salesforce.oauth.AccessToken;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A stand-in for Salesforce where orgsim does not speak the API under test: it records every
 * request that reaches it and answers what the test says. Its tokens ({@link #tokens()}) send the
 * gateway's forwarded requests here, each user's token being {@code <orgId>!UPSTREAM.<username>}.
 */
final class RecordingUpstream implements AutoCloseable {
  /** A request as it reached the upstream. */
  record Received(String method, String path, String query, String authorization, String sfdcSession,
      String contentType, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What the upstream answers. */
  record Answer(int status, String contentType, String body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Server server = new Server();
  private final URI base;

  RecordingUpstream(Function<Received, Answer> answers) throws Exception {
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        byte[] body = Content.Source.asInputStream(request).readAllBytes();
        Received call = new Received(request.getMethod(), Request.getPathInContext(request),
            request.getHttpURI().getQuery(), request.getHeaders().get("Authorization"),
            request.getHeaders().get("X-SFDC-Session"), request.getHeaders().get("Content-Type"), body);
        received.add(call);
        Answer answer = answers.apply(call);
        response.setStatus(answer.status());
        response.getHeaders().put("Content-Type", answer.contentType());
        Content.Sink.write(response, true, answer.body(), callback);
        return true;
      }
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** Tokens for every integration user, pointing at this upstream. */
  SalesforceTokens tokens() {
    return tokensAt(base);
  }

  /** Tokens for every integration user, each {@code <orgId>!UPSTREAM.<username>}, with {@code base} as instance URL. */
  static SalesforceTokens tokensAt(URI base) {
    return new SalesforceTokens() {
      @Override
      public AccessToken obtain(IntegrationUser user, OrgTarget org) {
        return new AccessToken(token(org.orgId(), user.username()), base,
            URI.create(base + "/id/" + org.orgId() + "/005000000000001AAA"), "Bearer", "api", null, org.orgId(),
            "005000000000001AAA");
      }

      @Override
      public void revoke(OrgTarget org, AccessToken token) {}
    };
  }

  static String token(String orgId, String username) {
    return orgId + "!UPSTREAM." + username;
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
