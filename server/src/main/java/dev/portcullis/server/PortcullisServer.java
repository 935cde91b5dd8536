package dev.portcullis.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.demo.DemoBootstrap;
import dev.portcullis.server.files.AtomicFiles;
import dev.portcullis.server.redaction.Redactor;
import dev.portcullis.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.server.ledger.LedgerHttpHandler;
import dev.portcullis.server.ledger.LedgerIdentity;
import dev.portcullis.server.ledger.LedgerSearchHandler;
import dev.portcullis.server.ledger.ServerLedger;
import org.eclipse.jetty.server.Handler;
import dev.portcullis.server.broker.AdminToken;
import dev.portcullis.server.broker.BrokerStartException;
import dev.portcullis.server.broker.JwtBearerSalesforceTokensFactory;
import dev.portcullis.server.broker.LedgerAdminHandler;
import dev.portcullis.server.broker.ServerBroker;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Portcullis daemon: opens the store, loads the signing key, serves the admin API on its own
 * listener and publishes its endpoints in {@code DATA_DIR/endpoints.json}.
 *
 * <p>Design notes.
 *
 * <ul>
 *   <li>Lifecycle: {@link #start} returns once every listener accepts connections. {@code
 *       endpoints.json} is written (temp file + rename) as soon as every readiness check passes —
 *       at once, or later by a background poll — and deleted on {@link #close()}.
 *   <li>Shutdown: {@link #close()} is Jetty's graceful stop. The connectors close their server
 *       sockets first (new connections are refused), the {@link GracefulHandler} lets requests in
 *       flight finish within {@code server.shutdown_grace}, then the store is closed. {@link
 *       #installShutdownHook()} runs the same on SIGTERM/SIGINT and exits 0.
 *   <li>Readiness is computed per request from the parts (store, signing key), never cached, so
 *       {@code /readyz} reflects a database that went away.
 *   <li>Wiring is plain code; tests replace the store opener and add routes through the
 *       package-private {@link Builder}.
 * </ul>
 */
public final class PortcullisServer implements AutoCloseable {
  /** The file, under the data directory, that tells clients where the server listens. */
  public static final String ENDPOINTS_FILE = "endpoints.json";
  /** Where the token exchange answers on the gateway listener. */
  public static final String TOKEN_PATH = "/oauth2/token";

  private static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);
  /** The gateway's HTTP compliance: none of Jetty's tolerated violations is allowed. */
  static final HttpCompliance GATEWAY_HTTP_COMPLIANCE = HttpCompliance.from("0");
  /** Streams one HTTP/2 connection may have open at once on the gateway. */
  static final int HTTP2_MAX_CONCURRENT_STREAMS = 128;
  /** HTTP/2 control events (resets, pings, settings, …) one connection may cause per second before it is closed. */
  static final int HTTP2_MAX_EVENTS_PER_SECOND = 128;
  /** The gateway's URI compliance: none of Jetty's tolerated violations is allowed but empty segments. */
  static final UriCompliance GATEWAY_URI_COMPLIANCE =
      UriCompliance.from(java.util.EnumSet.of(UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Config config;
  private final Path dataDir;
  private final Server jetty;
  private final ServerConnector adminConnector;
  private final Store store;
  private final Optional<SigningKey> signingKey;
  private final Optional<ServerLedger> ledger;
  private final String signingKeyProblem;
  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> closeables;
  private final Optional<DemoBootstrap.Demo> demo;
  private final Optional<ServerBroker> broker;
  private final Optional<ServerConnector> gatewayConnector;
  private final boolean gatewayTls;
  private final ScheduledExecutorService readinessPoll;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  private PortcullisServer(Builder builder, Store store, Optional<SigningKey> signingKey, String signingKeyProblem,
      Optional<ServerLedger> ledger, Optional<ServerBroker> broker) throws ServerException {
    this.ledger = ledger;
    this.broker = broker;
    this.config = builder.config;
    this.dataDir = builder.dataDir;
    this.store = store;
    this.signingKey = signingKey;
    this.signingKeyProblem = signingKeyProblem;
    this.demo = builder.demo;
    this.closeables = new ArrayList<>();
    broker.ifPresent(closeables::add);
    ledger.ifPresent(closeables::add);
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindMetrics();

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("portcullis-admin");
    if (virtualThreads()) {
      threads.setVirtualThreadsExecutor(java.util.concurrent.Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("portcullis-request-", 0).factory()));
    }
    this.jetty = new Server(threads);
    Config.Listener admin = config.server().admin();
    this.adminConnector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory());
    adminConnector.setHost(admin.host());
    adminConnector.setPort(admin.port());
    adminConnector.setName("admin");
    jetty.addConnector(adminConnector);
    AdminHandler adminHandler = new AdminHandler(this::readiness, registry, builder.extraRoutes, builder.prefixRoutes);
    Handler adminSide = new HttpMetricsHandler(registry, "admin", adminHandler::template, adminHandler);
    Optional<Config.Listener> gatewayListener = config.server().gateway()
        .or(() -> broker.map(b -> new Config.Listener(Config.DEFAULT_HOST, Config.DEFAULT_GATEWAY_PORT)));
    this.gatewayTls = config.server().tls().isPresent();
    if (gatewayListener.isPresent()) {
      ServerConnector gateway = gatewayConnector(gatewayListener.get(), broker);
      jetty.addConnector(gateway);
      this.gatewayConnector = Optional.of(gateway);
    } else {
      this.gatewayConnector = Optional.empty();
    }
    Config.GatewayLimits limits = config.server().gatewayLimits();
    Handler gatewaySide = new HttpMetricsHandler(registry, "gateway", GatewayHandler::template,
        new MinimumDataRateHandler(new GatewayRequestGuard(limits,
            new GatewayHandler(broker.map(b -> b.tokenEndpoint(this::gatewayUrlOrAdmin)),
                broker.map(b -> b.gatewayProxy(config.server().gatewayPublicUrl())))),
            limits.minRequestBytesPerSecond(), 0));
    GracefulHandler graceful = new GracefulHandler(new ConnectorRouter(adminSide, gatewaySide));
    jetty.setHandler(graceful);
    jetty.setStopTimeout(config.server().shutdownGrace().toMillis());
    jetty.setStopAtShutdown(false);
    try {
      jetty.start();
    } catch (Exception e) {
      stopQuietly();
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new ServerException(ServerException.Code.PORT_UNAVAILABLE,
            "cannot listen on " + admin.host() + ":" + admin.port() + " for the admin API or on "
                + gatewayListener.map(g -> g.host() + ":" + g.port()).orElse("-") + " for the gateway ("
                + e.getMessage() + "); set server.admin.port and server.gateway.port to free ports, or 0 to pick one",
            e);
      }
      throw new ServerException(ServerException.Code.STARTUP, "cannot start the admin listener: " + e.getMessage(), e);
    }
    this.readinessPoll = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "portcullis-readiness");
      thread.setDaemon(true);
      return thread;
    });
    config.warnings().forEach(warning -> LOG.warn("{}", warning));
    LOG.info("admin API listening on {}", adminUrl());
    gatewayUrl().ifPresent(url -> LOG.info("gateway listening on {}{}", url,
        broker.isPresent() ? " (token exchange at " + url + "/oauth2/token)" : ""));
    ledger.ifPresent(this::recordStart);
    publishWhenReady();
  }

  /** The first entry of every run: which build started, under which ledger origin. */
  private void recordStart(ServerLedger open) {
    String version = Optional.ofNullable(PortcullisServer.class.getPackage().getImplementationVersion())
        .orElse("development");
    open.append(LedgerEntry.of("server.started", java.time.Instant.now(), Map.of("version", version,
            "ledger_origin", open.identity().origin())))
        .whenComplete((index, failure) -> {
          if (failure != null) {
            LOG.error("could not record the start in the ledger: {}", failure.getMessage());
          } else {
            LOG.info("ledger {}: start recorded as entry {}", open.identity().origin(), index);
          }
        });
  }

  /** The server's ledger, when its signing key could be loaded. */
  public Optional<ServerLedger> ledger() {
    return ledger;
  }

  /** Starts the server with {@code config}; returns once the admin listener accepts connections. */
  public static PortcullisServer start(Config config, Path dataDir) throws ServerException {
    return new Builder(config, dataDir).start();
  }

  /**
   * As {@link #start(Config, Path)} with another Salesforce token source than the JWT bearer flow
   * (embedding, load harnesses that leave Salesforce's round trip out).
   */
  public static PortcullisServer start(Config config, Path dataDir,
      java.util.function.Function<Config, dev.portcullis.identity.broker.SalesforceTokens> salesforceTokens)
      throws ServerException {
    return new Builder(config, dataDir).salesforceTokens(salesforceTokens).start();
  }

  /**
   * Starts the demo: on first use generates a CA, a TLS certificate, a key pair per demo org and a
   * commented {@code portcullis.yaml} in {@code dataDir} (later starts reuse them), starts the org
   * simulator in-process, then the server with that configuration.
   *
   * @param env the environment for {@code ${NAME}} references in the (user-editable) demo config
   * @throws ConfigException when the user edited the demo configuration into an invalid one
   */
  public static PortcullisServer startDemo(Path dataDir, Map<String, String> env)
      throws ServerException, ConfigException {
    return startDemo(dataDir, env, DemoBootstrap.Options.defaults(), OptionalInt.empty());
  }

  /**
   * As {@link #startDemo(Path, Map)} with the simulator's host and ports from {@code options}, and
   * the admin port, when given, overriding the one in the demo configuration.
   */
  public static PortcullisServer startDemo(
      Path dataDir, Map<String, String> env, DemoBootstrap.Options options, OptionalInt adminPort)
      throws ServerException, ConfigException {
    return startDemo(dataDir, env, options, Store::open, adminPort, OptionalInt.empty());
  }

  /**
   * As {@link #startDemo(Path, Map, DemoBootstrap.Options, OptionalInt)}, with the gateway port, when
   * given, overriding the one in the demo configuration too.
   */
  public static PortcullisServer startDemo(Path dataDir, Map<String, String> env, DemoBootstrap.Options options,
      OptionalInt adminPort, OptionalInt gatewayPort) throws ServerException, ConfigException {
    return startDemo(dataDir, env, options, Store::open, adminPort, gatewayPort);
  }

  static PortcullisServer startDemo(
      Path dataDir, Map<String, String> env, DemoBootstrap.Options options, StoreOpener storeOpener)
      throws ServerException, ConfigException {
    return startDemo(dataDir, env, options, storeOpener, OptionalInt.empty(), OptionalInt.empty());
  }

  private static PortcullisServer startDemo(
      Path dataDir,
      Map<String, String> env,
      DemoBootstrap.Options options,
      StoreOpener storeOpener,
      OptionalInt adminPort,
      OptionalInt gatewayPort)
      throws ServerException, ConfigException {
    EarlyStore early = EarlyStore.begin(dataDir, env, storeOpener);
    DemoBootstrap.Demo demo;
    try {
      demo = DemoBootstrap.prepare(dataDir, env, options);
    } catch (IOException | RuntimeException e) {
      early.discard();
      throw new ServerException(ServerException.Code.DEMO, "cannot prepare the demo: " + e.getMessage(), e);
    }
    try {
      Config loaded = ConfigLoader.load(demo.configFile(), env);
      Config withAdmin = adminPort.isPresent() ? loaded.withAdminPort(adminPort.getAsInt()) : loaded;
      Config config = gatewayPort.isPresent() ? withAdmin.withGatewayPort(gatewayPort.getAsInt()) : withAdmin;
      return new Builder(config, dataDir).storeOpener(early.opener(storeOpener)).demo(demo).start();
    } catch (ConfigException | ServerException | RuntimeException e) {
      early.discard();
      demo.close();
      throw e;
    }
  }

  /**
   * The demo's store, opened (Flyway migration included) on its own thread while the demo is
   * prepared on the caller's — the two are independent and each takes a few hundred milliseconds
   * of a cold start. The URL is the one in the demo configuration as it is before preparing (the
   * preparation only rewrites the simulated orgs' URLs), or {@link Store#DEFAULT_URL}, which a new
   * demo configuration names, on a first start. {@link #opener} hands the store over only when the
   * server asks for that very URL and data directory; otherwise, and on {@link #discard()}, it is
   * closed, so the result is exactly that of opening the store in sequence — failures included,
   * which surface where they did before.
   */
  private static final class EarlyStore {
    private record Opened(String url, Path dataDir, Store store, RuntimeException failure) {}

    private final CompletableFuture<Opened> opened;
    private final AtomicBoolean used = new AtomicBoolean();

    private EarlyStore(CompletableFuture<Opened> opened) {
      this.opened = opened;
    }

    static EarlyStore begin(Path dataDir, Map<String, String> env, StoreOpener opener) {
      Path data = dataDir.toAbsolutePath().normalize();
      CompletableFuture<Opened> opened = new CompletableFuture<>();
      Thread thread = new Thread(() -> {
        try {
          Path configFile = data.resolve(DemoBootstrap.CONFIG_FILE);
          String url = Files.exists(configFile) ? ConfigLoader.load(configFile, env).storage().url() : Store.DEFAULT_URL;
          try {
            opened.complete(new Opened(url, data, opener.open(url, data), null));
          } catch (RuntimeException e) {
            opened.complete(new Opened(url, data, null, e));
          }
        } catch (ConfigException | RuntimeException e) {
          // not opened early: the server opens it in sequence and reports what is wrong, as before
        } finally {
          opened.complete(null); // no-op when completed above; never leaves the server waiting
        }
      }, "portcullis-store-open");
      thread.setDaemon(true);
      thread.start();
      return new EarlyStore(opened);
    }

    StoreOpener opener(StoreOpener fallback) {
      return (url, dataDir) -> {
        Opened early = used.compareAndSet(false, true) ? opened.join() : null;
        if (early != null && Objects.equals(early.url(), url) && early.dataDir().equals(dataDir)) {
          if (early.failure() != null) {
            throw early.failure();
          }
          return early.store();
        }
        close(early);
        return fallback.open(url, dataDir);
      };
    }

    /** Closes the store opened early unless the server took it. */
    void discard() {
      if (used.compareAndSet(false, true)) {
        close(opened.join());
      }
    }

    private static void close(Opened early) {
      if (early != null && early.store() != null) {
        try {
          early.store().close();
        } catch (RuntimeException e) {
          LOG.warn("error while closing the store: {}", Redactor.redact(e.toString()));
        }
      }
    }
  }

  /** The admin API's base URL, e.g. {@code http://127.0.0.1:7400} (the real port when 0 was asked). */
  public URI adminUrl() {
    String host = config.server().admin().host();
    String authority = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + authority + ":" + adminConnector.getLocalPort());
  }

  /** The gateway's base URL ({@code https://} when {@code server.tls} is set), when it listens. */
  public Optional<URI> gatewayUrl() {
    return gatewayConnector.map(connector -> {
      String host = connector.getHost() == null ? Config.DEFAULT_HOST : connector.getHost();
      String authority = host.contains(":") ? "[" + host + "]" : host;
      return URI.create((gatewayTls ? "https" : "http") + "://" + authority + ":" + connector.getLocalPort());
    });
  }

  /** Where clients reach the gateway: its public URL when configured, else the listener (the admin API without one). */
  private URI gatewayUrlOrAdmin() {
    return config.server().gatewayPublicUrl().or(this::gatewayUrl).orElseGet(this::adminUrl);
  }

  /** The running demo (its simulator, CA and issuers), when this server was started with {@code --demo}. */
  public Optional<DemoBootstrap.Demo> demo() {
    return demo;
  }

  /** The token broker, when the configuration trusts identities and brokers orgs. */
  public Optional<ServerBroker> broker() {
    return broker;
  }

  private ServerConnector gatewayConnector(Config.Listener listener, Optional<ServerBroker> broker)
      throws ServerException {
    Config.GatewayLimits limits = config.server().gatewayLimits();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Request line and headers together, as Salesforce counts them: 414 for a longer request line, 431 otherwise
    http.setRequestHeaderSize(limits.maxHeaderBytes());
    // RFC 9110/9112 with no tolerance at all: no Content-Length beside Transfer-Encoding, no differing
    // Content-Lengths, no obs-fold, no bare LF (Jetty's RFC9110 mode allows it), no whitespace before the colon
    http.setHttpCompliance(GATEWAY_HTTP_COMPLIANCE);
    // No ambiguity tolerated in the URI (encoded / or ., ;parameters, %25, bad UTF-8) but empty
    // segments, which the proxy collapses once (sf asks for "//services/…")
    http.setUriCompliance(GATEWAY_URI_COMPLIANCE);
    ServerConnector connector;
    if (config.server().tls().isPresent()) {
      TlsMaterial.Loaded material;
      try {
        material = TlsMaterial.load(config.server().tls().get());
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new ServerException(ServerException.Code.STARTUP, "cannot load the gateway's TLS certificate and key ("
            + config.server().tls().get().certificate() + ", " + config.server().tls().get().privateKey() + "): "
            + e.getMessage(), e);
      }
      List<java.security.cert.X509Certificate> clientCas =
          broker.map(ServerBroker::clientCertificateAuthorities).orElse(List.of());
      SslContextFactory.Server tls = new SslContextFactory.Server() {
        @Override
        protected javax.net.ssl.TrustManager[] getTrustManagers(java.security.KeyStore trustStore,
            java.util.Collection<? extends java.security.cert.CRL> crls) throws Exception {
          return clientCas.isEmpty() ? super.getTrustManagers(trustStore, crls)
              : new javax.net.ssl.TrustManager[] {new ClientCertificateTrust(clientCas)};
        }
      };
      tls.setKeyStore(material.keyStore());
      tls.setKeyStorePassword(new String(material.password()));
      tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      if (!clientCas.isEmpty()) {
        // Asks for a certificate from the configured CAs and takes any chain; the token endpoint
        // verifies it (CA, EKU, SAN) and answers a clear OAuth error instead of a failed handshake.
        tls.setWantClientAuth(true);
      }
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      // HTTP/2 and HTTP/1.1 over TLS, chosen by ALPN; HTTP/2's stream limits and rate control bound
      // what one connection may ask for (rapid reset, CVE-2023-44487: resets count as events)
      HttpConnectionFactory http11 = new HttpConnectionFactory(http);
      org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory http2 =
          new org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory(http);
      http2.setMaxConcurrentStreams(HTTP2_MAX_CONCURRENT_STREAMS);
      http2.setRateControlFactory(new org.eclipse.jetty.io.WindowRateControl.Factory(HTTP2_MAX_EVENTS_PER_SECOND));
      org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory alpn =
          new org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory();
      alpn.setDefaultProtocol(http11.getProtocol());
      tls.setCipherComparator(org.eclipse.jetty.http2.HTTP2Cipher.COMPARATOR);
      connector = new ServerConnector(jetty, 1, 1, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http2,
          http11);
    } else {
      if (!Config.isLoopbackHost(listener.host())) {
        LOG.warn("the gateway listens on {} without TLS: session tokens would cross the network in clear;"
            + " set server.tls", listener.host());
      }
      connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(listener.host());
    connector.setPort(listener.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setName("gateway");
    return connector;
  }

  /** The data directory this server runs on. */
  public Path dataDir() {
    return dataDir;
  }

  /** {@code DATA_DIR/endpoints.json}. */
  public Path endpointsFile() {
    return dataDir.resolve(ENDPOINTS_FILE);
  }

  /** The configuration the server runs with. */
  public Config config() {
    return config;
  }

  /**
   * On SIGTERM or SIGINT: stop gracefully (as {@link #close()}) and exit with status 0. Also adds a
   * JVM shutdown hook so that {@code System.exit} elsewhere still stops the server gracefully.
   */
  public void installShutdownHook() {
    Thread hook = new Thread(this::close, "portcullis-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Signals.onTermination(() -> {
      close();
      System.exit(0);
    });
  }

  /** Blocks until the server has stopped. */
  public void awaitShutdown() throws InterruptedException {
    closed.await();
  }

  /**
   * Whether request handlers run on virtual threads (Jetty runs its blocking tasks there; selectors and
   * non-blocking work stay on the pool's platform threads): on JDK 24 and later, where a virtual thread blocked in
   * {@code synchronized} no longer pins its carrier (JEP 491), unless {@code -Dportcullis.virtual_threads=false}
   * (in {@code PORTCULLIS_JAVA_OPTS}). A gateway request blocks its handler until its decision is durable; parked
   * as a virtual thread it costs a continuation switch instead of an operating-system thread switch, which on two
   * cores took the gateway from about 6,600 to 7,500-8,200 requests/s (docs/PERFORMANCE.md, "Gateway load").
   */
  static boolean virtualThreads() {
    return Runtime.version().feature() >= 24
        && !"false".equalsIgnoreCase(System.getProperty("portcullis.virtual_threads", "true"));
  }

  /**
   * Stops accepting, lets requests in flight finish within {@code server.shutdown_grace}, removes
   * {@code endpoints.json}, closes the store and the demo's simulator. Idempotent; a concurrent
   * caller returns at once while the first does the work.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("shutting down (grace {})", config.server().shutdownGrace());
    try {
      readinessPoll.shutdownNow();
      deleteEndpoints();
      stopQuietly();
      for (AutoCloseable closeable : closeables) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("error while closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
        }
      }
      try {
        store.close();
      } catch (RuntimeException e) {
        LOG.warn("error while closing the store: {}", Redactor.redact(e.toString()));
      }
      demo.ifPresent(DemoBootstrap.Demo::close);
      registry.close();
      LOG.info("stopped");
    } finally {
      closed.countDown();
    }
  }

  private ReadinessCheck ledgerReadiness() {
    if (ledger.isEmpty()) {
      return new ReadinessCheck("ledger", false, "no ledger: the signing key is not loaded");
    }
    ServerLedger open = ledger.get();
    try {
      return new ReadinessCheck("ledger", true, (open.sequencing() ? "sequencing " : "handing entries to the sequencer of ")
          + open.identity().origin() + ", " + open.size() + " entries");
    } catch (IOException | RuntimeException e) {
      return new ReadinessCheck("ledger", false, "ledger unreadable: " + Redactor.redact(String.valueOf(e.getMessage())));
    }
  }

  List<ReadinessCheck> readiness() {
    List<ReadinessCheck> checks = new ArrayList<>();
    try {
      Store.Readiness readiness = store.readiness();
      checks.add(new ReadinessCheck("storage", readiness.ready(), Redactor.redact(readiness.detail())));
    } catch (RuntimeException e) {
      checks.add(new ReadinessCheck("storage", false, Redactor.redact(String.valueOf(e.getMessage()))));
    }
    checks.add(signingKey.isPresent()
        ? new ReadinessCheck("signing_key", true, "Ed25519 key loaded")
        : new ReadinessCheck("signing_key", false, signingKeyProblem));
    checks.add(ledgerReadiness());
    broker.ifPresent(running -> {
      List<dev.portcullis.policy.PolicyProblem> problems = running.policyProblems();
      // a failed reload keeps the last good bundle: still ready, but say so
      checks.add(new ReadinessCheck("policy", true, "bundle " + running.policy().hash().substring(0, 12) + " ("
          + running.policy().ruleIds().size() + " rules) from " + running.policyDirectory()
          + (problems.isEmpty() ? "" : "; the last change did not load and was not applied: " + problems.get(0))));
    });
    return checks;
  }

  private boolean ready() {
    return readiness().stream().allMatch(ReadinessCheck::ready);
  }

  private void publishWhenReady() {
    if (ready()) {
      writeEndpoints();
      return;
    }
    LOG.warn("not ready yet: {}", readiness().stream().filter(check -> !check.ready())
        .map(check -> check.name() + ": " + check.detail()).toList());
    readinessPoll.scheduleWithFixedDelay(() -> {
      if (!closing.get() && ready()) {
        writeEndpoints();
        LOG.info("ready");
        readinessPoll.shutdown();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** The content of endpoints.json: only the keys this server has. */
  Map<String, Object> endpoints() {
    Map<String, Object> endpoints = new LinkedHashMap<>();
    endpoints.put("admin_url", adminUrl().toString());
    gatewayUrl().ifPresent(url -> {
      endpoints.put("gateway_url", url.toString());
      if (broker.isPresent()) {
        endpoints.put("token_url", url + TOKEN_PATH);
      }
    });
    demo.ifPresent(running -> {
      Map<String, String> orgsim = new LinkedHashMap<>();
      running.orgUrls().forEach((alias, url) -> orgsim.put(alias, url.toString()));
      endpoints.put("orgsim", orgsim);
      if (!running.oidcIssuers().isEmpty()) {
        Map<String, String> issuers = new LinkedHashMap<>();
        running.oidcIssuers().forEach((shape, url) -> issuers.put(shape, url.toString()));
        endpoints.put("oidc_issuers", issuers);
      }
      endpoints.put("ca_cert", running.caCertificate().toString());
    });
    return endpoints;
  }

  private synchronized void writeEndpoints() {
    if (closing.get()) {
      return;
    }
    try {
      AtomicFiles.write(endpointsFile(), JSON.writeValueAsBytes(endpoints()), false);
    } catch (IOException e) {
      LOG.error("cannot write {}: {}", endpointsFile(), e.toString());
    }
  }

  private synchronized void deleteEndpoints() {
    try {
      Files.deleteIfExists(endpointsFile());
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", endpointsFile(), e.toString());
    }
  }

  private void bindMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    poolGauge("active", "connections in use", statistics -> statistics.active());
    poolGauge("idle", "open connections not in use", statistics -> statistics.idle());
    poolGauge("size", "open connections (active + idle)", statistics -> statistics.total());
    poolGauge("pending", "threads waiting for a connection", statistics -> statistics.waiting());
  }

  private void poolGauge(String name, String description, Function<Store.PoolStatistics, Integer> value) {
    Gauge.builder("portcullis.storage.pool." + name, store, s -> {
          try {
            return value.apply(s.poolStatistics());
          } catch (RuntimeException e) {
            return Double.NaN;
          }
        })
        .description("Storage pool: " + description)
        .tag("dialect", safeDialect())
        .register(registry);
  }

  private String safeDialect() {
    try {
      return store.dialect();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private void stopQuietly() {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("error while stopping the listeners: {}", e.toString());
    }
  }

  /** Opens the store; {@link Store#open} in production, a fake in tests. */
  @FunctionalInterface
  interface StoreOpener {
    Store open(String url, Path dataDir);
  }

  /** Wiring with test seams. */
  static final class Builder {
    private final Config config;
    private final Path dataDir;
    private StoreOpener storeOpener = Store::open;
    private final Map<String, Handler> extraRoutes = new LinkedHashMap<>();
    private final Map<String, Handler> prefixRoutes = new LinkedHashMap<>();
    private Optional<DemoBootstrap.Demo> demo = Optional.empty();
    private java.util.function.Function<Config, dev.portcullis.identity.broker.SalesforceTokens> salesforceTokens =
        JwtBearerSalesforceTokensFactory::create;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    Builder(Config config, Path dataDir) {
      this.config = Objects.requireNonNull(config, "config");
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    }

    Builder storeOpener(StoreOpener opener) {
      this.storeOpener = opener;
      return this;
    }

    Builder route(String path, Handler handler) {
      extraRoutes.put(path, handler);
      return this;
    }

    /** Serves every admin path under {@code prefix} (which ends in {@code /}) with {@code handler}. */
    Builder routePrefix(String prefix, Handler handler) {
      if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
        throw new IllegalArgumentException("a route prefix starts and ends with /: " + prefix);
      }
      prefixRoutes.put(prefix, handler);
      return this;
    }

    /** Where the broker gets Salesforce tokens (tests: orgsim or a fake). */
    Builder salesforceTokens(java.util.function.Function<Config, dev.portcullis.identity.broker.SalesforceTokens> tokens) {
      this.salesforceTokens = tokens;
      return this;
    }

    Builder clock(java.time.Clock clock) {
      this.clock = clock;
      return this;
    }

    Builder demo(DemoBootstrap.Demo running) {
      this.demo = Optional.of(running);
      return this;
    }

    PortcullisServer start() throws ServerException {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new ServerException(ServerException.Code.DATA_DIR, "cannot create the data directory " + dataDir
            + ": " + e, e);
      }
      Optional<SigningKey> key;
      String keyProblem = null;
      try {
        key = Optional.of(SigningKey.loadOrCreate(dataDir.resolve("keys")));
      } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
        key = Optional.empty();
        keyProblem = "cannot load " + dataDir.resolve("keys").resolve(SigningKey.PRIVATE_FILE) + ": " + e.getMessage();
        LOG.error("{}", keyProblem);
      }
      Store store;
      try {
        store = storeOpener.open(config.storage().url(), dataDir);
      } catch (RuntimeException e) {
        throw new ServerException(ServerException.Code.STORAGE_UNAVAILABLE,
            "cannot open the store " + config.storage().redactedUrl() + ": " + Redactor.redact(String.valueOf(e.getMessage())),
            e);
      }
      Optional<ServerLedger> ledger = Optional.empty();
      if (key.isPresent()) {
        try {
          LedgerIdentity identity = key.get().ledgerIdentity(config.ledger().origin());
          ledger = Optional.of(ServerLedger.open(dataDir, config.ledger(), store, identity));
        } catch (IOException | RuntimeException e) {
          store.close();
          throw new ServerException(ServerException.Code.LEDGER, "cannot open the ledger: " + e.getMessage(), e);
        }
        prefixRoutes.putIfAbsent(LedgerHttpHandler.PREFIX, new LedgerHttpHandler(ledger.get().files()));
        ServerLedger searched = ledger.get();
        extraRoutes.putIfAbsent(LedgerSearchHandler.PATH, new LedgerSearchHandler(store.ledgerIndex(),
            searched.reader(), () -> searched.awaitIndexedBriefly(java.time.Duration.ofSeconds(2))));
      }
      Optional<ServerBroker> broker;
      try {
        AdminToken adminToken = AdminToken.loadOrCreate(dataDir);
        broker = ServerBroker.start(config, dataDir, store, ledger, salesforceTokens, clock);
        broker.ifPresent(running -> {
          Handler sessions = running.sessionAdmin(adminToken);
          extraRoutes.putIfAbsent("/admin/sessions", sessions);
          extraRoutes.putIfAbsent("/admin/sessions/revoke", sessions);
          extraRoutes.putIfAbsent("/admin/risk", running.riskAdmin(adminToken));
          Handler approvals = running.approvalAdmin(adminToken);
          extraRoutes.putIfAbsent("/admin/approvals", approvals);
          extraRoutes.putIfAbsent("/admin/approvals/vote", approvals);
          Handler deployments = running.deploymentAdmin(adminToken);
          extraRoutes.putIfAbsent("/admin/deployments", deployments);
          extraRoutes.putIfAbsent("/admin/deployments/rollback-package", deployments);
        });
        ledger.ifPresent(open -> extraRoutes.putIfAbsent(LedgerAdminHandler.PATH,
            new LedgerAdminHandler(adminToken, open::append)));
      } catch (BrokerStartException e) {
        ledger.ifPresent(ServerLedger::close);
        store.close();
        throw new ServerException(ServerException.Code.BROKER, e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        ledger.ifPresent(ServerLedger::close);
        store.close();
        throw new ServerException(ServerException.Code.DATA_DIR, "cannot set up the admin token in " + dataDir + ": "
            + e.getMessage(), e);
      }
      try {
        return new PortcullisServer(this, store, key, keyProblem, ledger, broker);
      } catch (ServerException | RuntimeException e) {
        broker.ifPresent(ServerBroker::close);
        ledger.ifPresent(ServerLedger::close);
        store.close();
        throw e;
      }
    }
  }
}
