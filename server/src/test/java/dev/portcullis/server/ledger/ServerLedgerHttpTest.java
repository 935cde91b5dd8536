package dev.portcullis.server.ledger;

import static dev.portcullis.server.ledger.LedgerFixture.entry;
import static dev.portcullis.server.ledger.LedgerFixture.eventually;
import static dev.portcullis.server.ledger.LedgerFixture.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger as the running server serves it on the admin listener: the real {@code /ledger/} routes, verified
 * as a remote auditor would, and the {@code ledger} readiness check.
 */
class ServerLedgerHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<PortcullisServer> servers = new ArrayList<>();
  private String schema;

  @AfterEach
  void stop() throws Exception {
    servers.reversed().forEach(PortcullisServer::close);
    if (schema != null) {
      LedgerFixture.dropSchema(schema);
    }
  }

  private PortcullisServer start(Path dataDir, String extraYaml) throws Exception {
    Path config = TestFiles.write(dir.resolve("portcullis-" + servers.size() + ".yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
        """ + extraYaml);
    PortcullisServer server = PortcullisServer.start(ConfigLoader.load(config, Map.of()), dataDir);
    servers.add(server);
    return server;
  }

  private URI url(PortcullisServer server, String path) {
    return URI.create(server.adminUrl().toString().replaceAll("/$", "") + path);
  }

  private HttpResponse<String> get(PortcullisServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(url(server, path)).GET().build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private NoteVerifier servedKey(PortcullisServer server) throws Exception {
    HttpResponse<String> vkey = get(server, "/ledger/vkey");
    assertThat(vkey.statusCode()).isEqualTo(200);
    return NoteVerifier.parse(vkey.body().strip());
  }

  /** The ledger's readiness check as {@code /readyz} reports it. */
  private JsonNode ledgerCheck(PortcullisServer server) throws Exception {
    JsonNode body = JSON.readTree(get(server, "/readyz").body());
    return Stream.of(body.get("checks")).flatMap(checks -> java.util.stream.StreamSupport.stream(checks.spliterator(),
        false)).filter(check -> check.get("name").asText().equals("ledger")).findFirst().orElseThrow();
  }

  private static List<String> kinds(LedgerReader reader) {
    long size = Checkpoint.of(SignedNote.parse(reader.read(LedgerReader.CHECKPOINT))).size();
    List<String> kinds = new ArrayList<>();
    LedgerEntries.forEach(reader, 0, size, size, (index, bytes) -> kinds.add(LedgerEntry.parse(bytes).kind()));
    return kinds;
  }

  @Test
  void theServedLedgerVerifiesOverHttpAndRestartsAddAStartEntry() throws Exception {
    Path dataDir = dir.resolve("data");
    PortcullisServer server = start(dataDir, "");
    ServerLedger ledger = server.ledger().orElseThrow();
    long index = join(ledger.append(entry("test.event", "alice@example.com", 0)));

    NoteVerifier key = servedKey(server);
    assertThat(key.vkey()).isEqualTo(ledger.identity().vkey());
    HttpResponse<String> checkpoint = get(server, "/ledger/checkpoint");
    assertThat(checkpoint.statusCode()).isEqualTo(200);
    Checkpoint verified = Checkpoint.verify(SignedNote.parse(checkpoint.body().getBytes(UTF_8)), key.name(),
        List.of(key));
    assertThat(verified.size()).isGreaterThan(index);

    LedgerReader remote = LedgerReader.http(url(server, "/ledger/"));
    LedgerVerifier.Result result = LedgerVerifier.builder(remote, List.of(key)).origin(key.name())
        .verifyHistory(true).stopAtFirstProblem(false).build().verify();
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(ledger.size());
    assertThat(kinds(remote)).containsOnlyOnce("server.started").contains("test.event");

    HttpResponse<String> ready = get(server, "/readyz");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonNode check = ledgerCheck(server);
    assertThat(check.get("ready").asBoolean()).isTrue();
    assertThat(check.get("detail").asText()).startsWith("sequencing " + key.name() + ", ");

    server.close();
    PortcullisServer restarted = start(dataDir, "");
    join(restarted.ledger().orElseThrow().append(entry("test.event", "bob@example.com", 1)));
    LedgerReader again = LedgerReader.http(url(restarted, "/ledger/"));
    assertThat(kinds(again).stream().filter("server.started"::equals)).hasSize(2);
    assertThat(servedKey(restarted).vkey()).isEqualTo(key.vkey());
    assertThat(LedgerVerifier.builder(again, List.of(key)).origin(key.name()).verifyHistory(true)
        .trustedCheckpoint(checkpoint.body().getBytes(UTF_8)).build().verify().problems()).isEmpty();
  }

  @Test
  void replicasSayWhoSequencesAndTheOtherTakesOver() throws Exception {
    schema = LedgerFixture.createSchema();
    String yaml = """
        storage:
          url: "%s"
        ledger:
          backend: postgresql
          witness_interval: 1s
        """.formatted(LedgerFixture.postgresqlUrl(schema));
    PortcullisServer first = start(dir.resolve("a"), yaml);
    // Replicas share the signing key, hence the ledger's identity.
    copyKeys(dir.resolve("a"), dir.resolve("b"));
    PortcullisServer second = start(dir.resolve("b"), yaml);
    String origin = first.ledger().orElseThrow().identity().origin();

    assertThat(ledgerCheck(first).get("detail").asText()).startsWith("sequencing " + origin);
    assertThat(ledgerCheck(second).get("detail").asText())
        .startsWith("handing entries to the sequencer of " + origin);
    assertThat(ledgerCheck(second).get("ready").asBoolean()).isTrue();
    join(second.ledger().orElseThrow().append(entry("test.event", "bob@example.com", 0)));
    LedgerReader served = LedgerReader.http(url(second, "/ledger/"));
    eventually("both start entries in the shared log", () -> Optional.of(kinds(served))
        .filter(kinds -> kinds.stream().filter("server.started"::equals).count() == 2));

    first.close();
    eventually("the second replica sequences", () -> {
      try {
        return Optional.of(ledgerCheck(second).get("detail").asText()).filter(d -> d.startsWith("sequencing "));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    join(second.ledger().orElseThrow().append(entry("test.event", "bob@example.com", 1)));
    NoteVerifier key = servedKey(second);
    assertThat(LedgerVerifier.builder(served, List.of(key)).origin(origin).verifyHistory(true).build().verify()
        .problems()).isEmpty();
  }

  private static void copyKeys(Path fromDataDir, Path toDataDir) throws Exception {
    Path keys = fromDataDir.resolve("keys");
    Files.createDirectories(toDataDir.resolve("keys"));
    try (Stream<Path> files = Files.list(keys)) {
      for (Path file : files.toList()) {
        Files.copy(file, toDataDir.resolve("keys").resolve(file.getFileName()));
      }
    }
  }
}
