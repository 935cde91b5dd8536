package dev.portcullis.server;

import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway listener's routes: the token exchange ({@code POST /oauth2/token}) when the broker
 * runs. Everything else is a JSON 404 until the enforcement proxy lands (issue 6).
 */
final class GatewayHandler extends Handler.Abstract {
  private final Optional<Handler> tokenEndpoint;

  GatewayHandler(Optional<Handler> tokenEndpoint) {
    this.tokenEndpoint = tokenEndpoint;
  }

  /** The route template for metrics tags (bounded cardinality). */
  static String template(String path) {
    return PortcullisServer.TOKEN_PATH.equals(path) ? path : "UNKNOWN";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (tokenEndpoint.isPresent() && tokenEndpoint.get().handle(request, response, callback)) {
      return true;
    }
    response.setStatus(HttpStatus.NOT_FOUND_404);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, "{\"error\":\"not_found\",\"message\":\"no such route on the gateway\"}\n",
        callback);
    return true;
  }
}
