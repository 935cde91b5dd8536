package dev.portcullis.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API: {@code GET /healthz} (the process is alive), {@code GET /readyz} (every readiness
 * check passes, else 503 naming the failing ones) and {@code GET /metrics} (Prometheus text). Every
 * other path gets a JSON 404, so the metrics wrapper sees every response.
 */
final class AdminHandler extends Handler.Abstract {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final Set<String> ROUTES = Set.of("/healthz", "/readyz", "/metrics");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<List<ReadinessCheck>> readiness;
  private final PrometheusMeterRegistry registry;
  private final Map<String, Handler> extraRoutes;
  private final Map<String, Handler> prefixRoutes;

  AdminHandler(Supplier<List<ReadinessCheck>> readiness, PrometheusMeterRegistry registry, Map<String, Handler> extraRoutes) {
    this(readiness, registry, extraRoutes, Map.of());
  }

  /**
   * @param prefixRoutes handlers of every path under a prefix ending in {@code /}, e.g. the ledger's
   *     {@code /ledger/}
   */
  AdminHandler(Supplier<List<ReadinessCheck>> readiness, PrometheusMeterRegistry registry, Map<String, Handler> extraRoutes,
      Map<String, Handler> prefixRoutes) {
    this.readiness = readiness;
    this.registry = registry;
    this.extraRoutes = Map.copyOf(extraRoutes);
    this.prefixRoutes = Map.copyOf(prefixRoutes);
  }

  /**
   * The route template for metrics tags: the route itself, {@code <prefix>*} under a prefix route, or
   * {@code UNKNOWN} (bounded cardinality whatever clients ask for).
   */
  String template(String path) {
    if (ROUTES.contains(path) || extraRoutes.containsKey(path)) {
      return path;
    }
    String prefix = prefixOf(path);
    return prefix != null ? prefix + "*" : "UNKNOWN";
  }

  private String prefixOf(String path) {
    for (String prefix : prefixRoutes.keySet()) {
      if (path.startsWith(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    Handler extra = extraRoutes.get(path);
    if (extra != null) {
      return extra.handle(request, response, callback);
    }
    String prefix = prefixOf(path);
    if (prefix != null) {
      return prefixRoutes.get(prefix).handle(request, response, callback);
    }
    if (!ROUTES.contains(path)) {
      json(response, callback, HttpStatus.NOT_FOUND_404, Map.of("error", "not_found", "path", path));
      return true;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      json(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, Map.of("error", "method_not_allowed"));
      return true;
    }
    switch (path) {
      case "/healthz" -> json(response, callback, HttpStatus.OK_200, Map.of("status", "alive"));
      case "/readyz" -> readyz(response, callback);
      default -> {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROMETHEUS_TEXT);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, registry.scrape(), callback);
      }
    }
    return true;
  }

  private void readyz(Response response, Callback callback) throws JsonProcessingException {
    List<ReadinessCheck> checks = readiness.get();
    List<String> failing = checks.stream().filter(check -> !check.ready()).map(ReadinessCheck::name).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", failing.isEmpty() ? "ready" : "not_ready");
    if (!failing.isEmpty()) {
      body.put("failing", failing);
    }
    body.put("checks", checks);
    json(response, callback, failing.isEmpty() ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503, body);
  }

  private static void json(Response response, Callback callback, int status, Object body) throws JsonProcessingException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, JSON.writeValueAsString(body) + "\n", callback);
  }
}
