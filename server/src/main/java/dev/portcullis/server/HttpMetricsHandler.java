package dev.portcullis.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Times every request of the wrapped handler into {@code http.server.requests} (Prometheus:
 * {@code http_server_requests_seconds_*}), tagged with method, status and the route template, so
 * that arbitrary paths cannot blow up the number of series.
 */
final class HttpMetricsHandler extends Handler.Wrapper {
  private final MeterRegistry registry;
  private final UnaryOperator<String> template;
  private final String listener;

  HttpMetricsHandler(MeterRegistry registry, String listener, UnaryOperator<String> template, Handler handler) {
    super(handler);
    this.registry = registry;
    this.listener = listener;
    this.template = template;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    String uri = template.apply(Request.getPathInContext(request));
    Callback timed = new Callback() {
      @Override
      public void succeeded() {
        record(request, response, uri, start);
        callback.succeeded();
      }

      @Override
      public void failed(Throwable failure) {
        record(request, response, uri, start);
        callback.failed(failure);
      }

      @Override
      public InvocationType getInvocationType() {
        return callback.getInvocationType();
      }
    };
    return super.handle(request, response, timed);
  }

  /** Timers already registered, by method, status and route: looked up, not rebuilt, per request. */
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_TIMERS = 1024;

  private void record(Request request, Response response, String uri, long start) {
    int status = response.getStatus() == 0 ? 200 : response.getStatus();
    String key = request.getMethod() + ' ' + status + ' ' + uri;
    Timer timer = timers.get(key);
    if (timer == null) {
      timer = timer(request.getMethod(), status, uri);
      if (timers.size() < MAX_CACHED_TIMERS) {
        timers.putIfAbsent(key, timer);
      }
    }
    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String method, int status, String uri) {
    return Timer.builder("http.server.requests")
        .description("HTTP requests served, by route template")
        .tag("listener", listener)
        .tag("method", method)
        .tag("status", Integer.toString(status))
        .tag("uri", uri)
        .register(registry);
  }
}
