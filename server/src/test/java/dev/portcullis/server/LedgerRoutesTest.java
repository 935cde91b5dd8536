package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import dev.portcullis.server.ledger.LedgerHttpHandler;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-only ledger routes on the admin listener, over real HTTP against a fake file source. */
class LedgerRoutesTest {
  private static final String CHECKPOINT = "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.com/log abcd\n";

  @TempDir Path dir;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private volatile boolean storageDown;
  private PortcullisServer server;

  @BeforeEach
  void start() throws Exception {
    files.put("checkpoint", CHECKPOINT.getBytes(StandardCharsets.UTF_8));
    byte[] full = new byte[8192];
    Arrays.fill(full, (byte) 7);
    files.put("tile/0/x001/234", full);
    files.put("tile/0/000.p/3", new byte[96]);
    files.put("tile/entries/000.p/1", new byte[] {0, 1, 'x'});
    LedgerHttpHandler handler = new LedgerHttpHandler(path -> {
      asked.add(path);
      if (storageDown) {
        throw new UncheckedIOException(new java.io.IOException("disk gone"));
      }
      return files.get(path);
    });
    Path config = TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
        """);
    server = new PortcullisServer.Builder(ConfigLoader.load(config, Map.of()), dir.resolve("data"))
        .storeOpener((url, data) -> new FakeStore())
        .routePrefix(LedgerHttpHandler.PREFIX, handler)
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> send(String method, String path) throws Exception {
    URI uri = URI.create(server.adminUrl().toString().replaceAll("/$", "") + path);
    return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void checkpointIsTextAndRevalidated() throws Exception {
    HttpResponse<byte[]> response = send("GET", "/ledger/checkpoint");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(CHECKPOINT);
    assertThat(response.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("cache-control")).contains("no-cache");
  }

  @Test
  void checkpointHistoryIsServedAndRevalidated() throws Exception {
    byte[] history = {0, 0, 0, 2, 'h', 'i'};
    files.put("checkpoint-history", history);
    HttpResponse<byte[]> response = send("GET", "/ledger/checkpoint-history");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(history);
    assertThat(response.headers().firstValue("content-type")).contains("application/octet-stream");
    assertThat(response.headers().firstValue("cache-control")).contains("no-cache");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tile/0/x001/234", "tile/0/000.p/3", "tile/entries/000.p/1"})
  void tilesAndBundlesAreImmutableOctets(String path) throws Exception {
    HttpResponse<byte[]> response = send("GET", "/ledger/" + path);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(files.get(path));
    assertThat(response.headers().firstValue("content-type")).contains("application/octet-stream");
    assertThat(response.headers().firstValue("cache-control").orElseThrow()).contains("immutable");
  }

  @Test
  void headGivesTheHeadersWithoutABody() throws Exception {
    HttpResponse<byte[]> response = send("HEAD", "/ledger/tile/0/x001/234");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(8192);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aMissingTileIs404() throws Exception {
    HttpResponse<byte[]> response = send("GET", "/ledger/tile/1/000");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("tile/1/000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ledger/", "/ledger/keys/ledger.key", "/ledger/tile/0/1", "/ledger/tile/0/0000",
      "/ledger/tile/0/000.p/256", "/ledger/tile/0/000.p/0", "/ledger/tile/x/000", "/ledger/checkpoint-history/x",
      "/ledger/tile/0/%2e%2e/%2e%2e/keys", "/ledger/tile/entries/x001/x002", "/ledger/.lock"})
  void onlyCanonicalLedgerPathsReachStorage(String path) throws Exception {
    HttpResponse<byte[]> response = send("GET", path);
    assertThat(response.statusCode()).isIn(400, 404);
    assertThat(asked).isEmpty();
  }

  @Test
  void writesAreRefused() throws Exception {
    HttpResponse<byte[]> response = send("PUT", "/ledger/checkpoint");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).contains("GET, HEAD");
    assertThat(send("POST", "/ledger/tile/0/000.p/3").statusCode()).isEqualTo(405);
    assertThat(asked).isEmpty();
  }

  @Test
  void aStorageFailureIs503WithoutDetails() throws Exception {
    storageDown = true;
    HttpResponse<byte[]> response = send("GET", "/ledger/checkpoint");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("disk gone");
  }

  @Test
  void metricsKeepLedgerRoutesToOneTemplate() throws Exception {
    send("GET", "/ledger/tile/0/x001/234");
    send("GET", "/ledger/tile/0/000.p/3");
    String metrics = new String(send("GET", "/metrics").body(), StandardCharsets.UTF_8);
    assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/ledger/\\*\"[^}]*} 2");
  }
}
