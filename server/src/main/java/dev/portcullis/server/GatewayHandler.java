package dev.portcullis.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway listener's routes: the token exchange ({@code POST /oauth2/token}), then the
 * enforcement proxy in front of Salesforce's APIs ({@code /services/…}, and the Streaming API at
 * {@code /cometd/…}), when the broker runs; otherwise a JSON 404.
 */
final class GatewayHandler extends Handler.AbstractContainer {
  private final Optional<Handler> tokenEndpoint;
  private final Optional<Handler> proxy;

  GatewayHandler(Optional<Handler> tokenEndpoint, Optional<Handler> proxy) {
    this.tokenEndpoint = tokenEndpoint;
    this.proxy = proxy;
    tokenEndpoint.ifPresent(this::addBean);
    proxy.ifPresent(this::addBean);
  }

  @Override
  public List<Handler> getHandlers() {
    List<Handler> handlers = new ArrayList<>();
    tokenEndpoint.ifPresent(handlers::add);
    proxy.ifPresent(handlers::add);
    return handlers;
  }

  /** The route template for metrics tags (bounded cardinality). */
  static String template(String path) {
    if (PortcullisServer.TOKEN_PATH.equals(path)) {
      return path;
    }
    String collapsed = path.replaceAll("^/+", "/");
    return collapsed.startsWith("/services/") ? "/services/*" : collapsed.startsWith("/cometd/") ? "/cometd/*" : "UNKNOWN";
  }

  /** Whether the enforcement proxy serves {@code path}: Salesforce's APIs, and Streaming API's CometD endpoint. */
  static boolean proxied(String path) {
    String collapsed = path.replaceAll("^/+", "/");
    return collapsed.startsWith("/services/") || collapsed.startsWith("/cometd/");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (tokenEndpoint.isPresent() && tokenEndpoint.get().handle(request, response, callback)) {
      return true;
    }
    if (proxy.isPresent() && proxied(Request.getPathInContext(request))) {
      return proxy.get().handle(request, response, callback);
    }
    response.setStatus(HttpStatus.NOT_FOUND_404);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, "{\"error\":\"not_found\",\"message\":\"no such route on the gateway\"}\n",
        callback);
    return true;
  }
}
