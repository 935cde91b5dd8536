package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import dev.portcullis.server.ledger.ServerLedger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ledger-search} on the admin listener, over a real SQLite store and the server's own ledger. */
class LedgerSearchRouteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private PortcullisServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path config = TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
        """);
    server = PortcullisServer.start(ConfigLoader.load(config, Map.of()), dir.resolve("data"));
    ServerLedger ledger = server.ledger().orElseThrow();
    for (String actor : new String[] {"alice", "bob", "alice"}) {
      ledger.append(LedgerEntry.of("admin.note", Instant.parse("2026-11-28T10:00:00Z"),
          Map.of("actor", actor, "note", "hello from " + actor))).join();
    }
    ledger.awaitIndexed(Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    URI uri = URI.create(server.adminUrl().toString().replaceAll("/$", "") + pathAndQuery);
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void findsEntriesByFieldsAndReturnsTheirBytesFromTheLedger() throws Exception {
    HttpResponse<String> response = get("/ledger-search?kind=admin.note&actor=alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    JsonNode entries = JSON.readTree(response.body()).get("entries");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).get("index").asLong()).isEqualTo(1); // entry 0 is server.started
    assertThat(entries.get(1).get("index").asLong()).isEqualTo(3);
    assertThat(entries.get(1).at("/entry/note").asText()).isEqualTo("hello from alice");
    assertThat(JSON.readTree(get("/ledger-search?kind=admin.note&after_index=1&limit=1").body()).get("entries"))
        .hasSize(1).first().satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo("bob"));
    assertThat(JSON.readTree(get("/ledger-search?since=2026-11-29T00:00:00Z&kind=admin.note").body())
        .get("entries")).isEmpty();
  }

  @Test
  void refusesWhatItDoesNotUnderstandByName() throws Exception {
    assertThat(get("/ledger-search?kindd=x").body()).contains("unknown parameter 'kindd'");
    assertThat(get("/ledger-search?kind=x&kind=y").statusCode()).isEqualTo(400);
    assertThat(get("/ledger-search?since=yesterday").body()).contains("'since' is not an RFC 3339 UTC time");
    assertThat(get("/ledger-search?limit=0").statusCode()).isEqualTo(400);
    URI uri = URI.create(server.adminUrl().toString().replaceAll("/$", "") + "/ledger-search");
    assertThat(http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }
}
