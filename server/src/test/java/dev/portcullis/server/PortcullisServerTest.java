package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import dev.portcullis.server.demo.DemoBootstrap;
import dev.portcullis.store.Store;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortcullisServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final FakeStore store = new FakeStore();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private PortcullisServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Config config(String extra) throws Exception {
    Path file = TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          shutdown_grace: 15s
        """ + extra);
    return ConfigLoader.load(file, Map.of());
  }

  private PortcullisServer.Builder builder() throws Exception {
    return new PortcullisServer.Builder(config(""), dir.resolve("data")).storeOpener((url, data) -> store);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.adminUrl().resolve(path)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzSaysAlive() throws Exception {
    server = builder().start();
    HttpResponse<String> response = get("/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"status\":\"alive\"}"));
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
  }

  @Test
  void readyzIsOkWhenStorageAndSigningKeyAre() throws Exception {
    server = builder().start();
    HttpResponse<String> response = get("/readyz");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    assertThat(body.get("checks").findValuesAsText("name")).containsExactly("storage", "signing_key", "ledger");
  }

  @Test
  void readyzIs503NamingTheFailingCheckWhenTheStoreIsNotReady() throws Exception {
    server = builder().start();
    store.readiness = new Store.Readiness(false, "connection refused: postgresql://db:5432/p?password=hunter2");
    HttpResponse<String> response = get("/readyz");
    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("not_ready");
    assertThat(body.get("failing").get(0).asText()).isEqualTo("storage");
    JsonNode storage = body.get("checks").get(0);
    assertThat(storage.get("ready").asBoolean()).isFalse();
    assertThat(storage.get("detail").asText()).startsWith("connection refused").doesNotContain("hunter2");
    assertThat(body.get("checks").get(1).get("ready").asBoolean()).isTrue();
  }

  @Test
  void metricsExposeJvmHttpAndStoragePoolSeries() throws Exception {
    server = builder().start();
    get("/healthz");
    get("/nowhere");
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
    String text = response.body();
    assertThat(text).contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes");
    assertThat(text).containsPattern(
        "http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*status=\"200\"[^}]*uri=\"/healthz\"[^}]*} 1");
    assertThat(text).containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"404\"[^}]*uri=\"UNKNOWN\"");
    assertThat(text).containsPattern("portcullis_storage_pool_active\\{dialect=\"sqlite\"} 2");
    assertThat(text).containsPattern("portcullis_storage_pool_idle\\{dialect=\"sqlite\"} 3");
    assertThat(text).containsPattern("portcullis_storage_pool_size\\{dialect=\"sqlite\"} 5");
    assertThat(text).containsPattern("portcullis_storage_pool_pending\\{dialect=\"sqlite\"} 1");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    server = builder().start();
    assertThat(get("/admin/secrets").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/healthz"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void portZeroPicksAFreePortAndEndpointsJsonNamesIt() throws Exception {
    server = builder().start();
    int port = server.adminUrl().getPort();
    assertThat(port).isPositive();
    JsonNode endpoints = JSON.readTree(server.endpointsFile().toFile());
    assertThat(endpoints.get("admin_url").asText()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(endpoints.has("gateway_url")).isFalse();
    assertThat(endpoints.has("orgsim")).isFalse();
    assertThat(endpoints.has("ca_cert")).isFalse();
    try (Stream<Path> files = Files.list(server.endpointsFile().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }
    server.close();
    assertThat(server.endpointsFile()).doesNotExist();
  }

  @Test
  void endpointsJsonAppearsOnlyOnceReady() throws Exception {
    store.readiness = new Store.Readiness(false, "migrating");
    server = builder().start();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(server.endpointsFile()).doesNotExist();
    store.readiness = new Store.Readiness(true, "ok");
    await(() -> Files.exists(server.endpointsFile()));
    assertThat(JSON.readTree(server.endpointsFile().toFile()).get("admin_url").asText())
        .isEqualTo(server.adminUrl().toString());
  }

  @Test
  void endpointsJsonIsReplacedAtomically() throws Exception {
    Path target = dir.resolve("atomic/endpoints.json");
    dev.portcullis.server.files.AtomicFiles.write(target, "{\"v\":1}".getBytes(), false);
    dev.portcullis.server.files.AtomicFiles.write(target, "{\"v\":2}".getBytes(), false);
    assertThat(target).hasContent("{\"v\":2}");
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void signingKeyIsCreatedOwnerOnlyAndReused() throws Exception {
    server = builder().start();
    Path privateKey = dir.resolve("data/keys/" + SigningKey.PRIVATE_FILE);
    assertThat(Files.getPosixFilePermissions(privateKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    byte[] publicKey = Files.readAllBytes(dir.resolve("data/keys/" + SigningKey.PUBLIC_FILE));
    server.close();
    server = builder().start();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(Files.readAllBytes(dir.resolve("data/keys/" + SigningKey.PUBLIC_FILE))).isEqualTo(publicKey);
  }

  @Test
  void aDamagedSigningKeyMakesTheServerNotReady() throws Exception {
    TestFiles.write(dir.resolve("data/keys/" + SigningKey.PRIVATE_FILE), "garbage");
    server = builder().start();
    HttpResponse<String> response = get("/readyz");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(response.body()).get("failing").get(0).asText()).isEqualTo("signing_key");
  }

  @Test
  void handlersThatBlockRunOnVirtualThreadsOnJdk24AndLater() throws Exception {
    Handler where = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Thread thread = Thread.currentThread();
        Content.Sink.write(response, true, thread.isVirtual() + " " + thread.getName(), callback);
        return true;
      }
    };
    server = builder().route("/test/thread", where).start();
    String answer = get("/test/thread").body();
    // the build's JDK decides: on 21–23 a virtual thread blocked in synchronized pins its carrier (before JEP 491)
    if (Runtime.version().feature() >= 24) {
      assertThat(answer).startsWith("true portcullis-request-");
    } else {
      assertThat(answer).startsWith("false portcullis-admin");
    }
    assertThat(PortcullisServer.virtualThreads()).isEqualTo(Runtime.version().feature() >= 24);
  }

  @Test
  void virtualThreadsCanBeTurnedOff() {
    String before = System.getProperty("portcullis.virtual_threads");
    System.setProperty("portcullis.virtual_threads", "false");
    try {
      assertThat(PortcullisServer.virtualThreads()).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty("portcullis.virtual_threads");
      } else {
        System.setProperty("portcullis.virtual_threads", before);
      }
    }
  }

  @Test
  void gracefulShutdownFinishesTheRequestInFlightAndRefusesNewConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Handler slow = new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        entered.countDown();
        release.await();
        Content.Sink.write(response, true, "slow done", callback);
        return true;
      }
    };
    server = builder().route("/test/slow", slow).start();
    URI admin = server.adminUrl();
    CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
        HttpRequest.newBuilder(admin.resolve("/test/slow")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    await(() -> refuses(admin));
    assertThat(closing).isNotDone();
    assertThat(inFlight).isNotDone();

    release.countDown();
    HttpResponse<String> response = inFlight.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("slow done");
    closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(refuses(admin)).isTrue();
    assertThat(store.closed).isTrue();
    server.awaitShutdown();
  }

  @Test
  void aBusyPortIsAClearError() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      Config config = ConfigLoader.load(TestFiles.write(dir.resolve("busy.yaml"),
          "server: { admin: { host: 127.0.0.1, port: " + busy.getLocalPort() + " } }\n"), Map.of());
      assertThatThrownBy(() -> new PortcullisServer.Builder(config, dir.resolve("data"))
              .storeOpener((url, data) -> store).start())
          .isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.code()).isEqualTo(ServerException.Code.PORT_UNAVAILABLE);
            assertThat(e.getMessage()).contains("127.0.0.1:" + busy.getLocalPort()).contains("server.admin.port");
          });
      assertThat(store.closed).isTrue();
    }
  }

  @Test
  void aStoreThatCannotOpenIsAClearErrorWithoutItsPassword() throws Exception {
    Config config = config("storage: { url: \"postgresql://db:5432/p?password=hunter2\" }\n");
    assertThatThrownBy(() -> new PortcullisServer.Builder(config, dir.resolve("data"))
            .storeOpener((url, data) -> {
              throw new dev.portcullis.store.StoreException("cannot connect to " + url);
            }).start())
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.code()).isEqualTo(ServerException.Code.STORAGE_UNAVAILABLE);
          assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=***");
        });
  }

  @Test
  void demoPublishesTheSimulatorAndTheCaInEndpointsJson() throws Exception {
    FakeOrgSimulatorProvider simulator = new FakeOrgSimulatorProvider();
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, () -> Optional.of(simulator),
        Clock.fixed(Instant.now(), java.time.ZoneOffset.UTC));
    server = PortcullisServer.startDemo(dir.resolve("demo-data"), Map.of(), options, (url, data) -> store);
    JsonNode endpoints = JSON.readTree(server.endpointsFile().toFile());
    assertThat(endpoints.get("admin_url").asText()).isEqualTo(server.adminUrl().toString());
    assertThat(endpoints.get("orgsim").get("prod").asText()).startsWith("http://127.0.0.1:");
    assertThat(endpoints.get("orgsim").get("sandbox").asText()).startsWith("http://127.0.0.1:");
    assertThat(endpoints.get("ca_cert").asText()).isEqualTo(dir.resolve("demo-data/demo/ca.pem").toString());
    assertThat(server.config().orgs()).hasSize(2);
    server.close();
    assertThat(simulator.closed).isTrue();
  }

  @Test
  void demoOpensTheStoreOfItsConfigurationOnceOnItsOwnThread() throws Exception {
    FakeOrgSimulatorProvider simulator = new FakeOrgSimulatorProvider();
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, () -> Optional.of(simulator),
        Clock.fixed(Instant.now(), java.time.ZoneOffset.UTC));
    java.util.List<String> opened = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    PortcullisServer.StoreOpener opener = (url, data) -> {
      opened.add(url + " on " + Thread.currentThread().getName());
      return store;
    };
    Path data = dir.resolve("demo-data");
    server = PortcullisServer.startDemo(data, Map.of(), options, opener);
    server.close();
    assertThat(opened).containsExactly(Store.DEFAULT_URL + " on portcullis-store-open");

    // A later start reads the (edited) configuration before preparing the demo.
    Path configFile = data.resolve(DemoBootstrap.CONFIG_FILE);
    Files.writeString(configFile, Files.readString(configFile).replace("sqlite:portcullis.db", "sqlite:edited.db"));
    opened.clear();
    server = PortcullisServer.startDemo(data, Map.of(), options, opener);
    assertThat(opened).containsExactly("sqlite:edited.db on portcullis-store-open");
    assertThat(server.config().storage().url()).isEqualTo("sqlite:edited.db");
  }

  @Test
  void aDemoStoreThatCannotOpenIsReportedAfterTheDemoIsPrepared() {
    FakeOrgSimulatorProvider simulator = new FakeOrgSimulatorProvider();
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, () -> Optional.of(simulator),
        Clock.fixed(Instant.now(), java.time.ZoneOffset.UTC));
    assertThatThrownBy(() -> PortcullisServer.startDemo(dir.resolve("demo-data"), Map.of(), options, (url, data) -> {
          throw new dev.portcullis.store.StoreException("disk on fire");
        }))
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.code()).isEqualTo(ServerException.Code.STORAGE_UNAVAILABLE);
          assertThat(e.getMessage()).contains("disk on fire");
        });
    assertThat(simulator.closed).isTrue();
    assertThat(dir.resolve("demo-data/keys").resolve(SigningKey.PRIVATE_FILE)).exists();
  }

  @Test
  void demoWithoutASimulatorSaysSo() {
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, Optional::empty, Clock.systemUTC());
    assertThatThrownBy(() -> PortcullisServer.startDemo(dir.resolve("demo-data"), Map.of(), options, (u, d) -> store))
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.code()).isEqualTo(ServerException.Code.DEMO);
          assertThat(e.getMessage()).contains("the org simulator is not in this build; --demo needs it");
        });
  }

  private static boolean refuses(URI uri) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until the condition holds or the deadline passes. */
  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + TIMEOUT);
      }
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }
}
