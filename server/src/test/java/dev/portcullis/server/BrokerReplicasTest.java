package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.Authentication;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import dev.portcullis.server.ledger.LedgerFixture;
import dev.portcullis.server.ledger.ServerLedger;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server replicas sharing PostgreSQL (store and ledger), in front of one recording upstream: a
 * session issued on one is accepted on the other, and a revocation through one replica's admin API
 * reaches the other through LISTEN/NOTIFY, ending its watch on a request in flight. A risk score set
 * through one replica is what the other's decisions read within a second, and a score at the cut-off
 * ends the principal's sessions on both, cutting a request in flight on the other one.
 */
class BrokerReplicasTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String schema;
  OidcIssuerSimulator issuers;
  RecordingUpstream upstream;
  PortcullisServer a;
  PortcullisServer b;

  @BeforeEach
  void start() throws Exception {
    schema = LedgerFixture.createSchema();
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    upstream = RecordingUpstream.start();
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        storage: { url: "%s" }
        ledger: { backend: postgresql, origin: portcullis.test/broker-replicas }
        """.formatted(LedgerFixture.postgresqlUrl(schema))
        + BrokerTestConfig.githubIssuer(issuers.github().issuer(), issuers.github().jwksUri())
        + BrokerTestConfig.prodOrgWithReader(BrokerTestConfig.PROD_ID)),
        Map.of());
    a = PortcullisServer.start(config, dir.resolve("a"),
        c -> BrokerTestConfig.salesforceAt(upstream.url(), BrokerTestConfig.PROD_ID));
    // replicas share the ledger's signing key, as they would share a secret volume
    copyTree(dir.resolve("a/keys"), dir.resolve("b/keys"));
    b = PortcullisServer.start(config, dir.resolve("b"),
        c -> BrokerTestConfig.salesforceAt(upstream.url(), BrokerTestConfig.PROD_ID));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {b, a, issuers, upstream}) {
      if (closeable != null) {
        closeable.close();
      }
    }
    LedgerFixture.dropSchema(schema);
  }

  @Test
  void aRevocationOnOneReplicaEndsTheSessionOnTheOther() throws Exception {
    JsonNode body = BrokerTestConfig.exchange(http, a.gatewayUrl().orElseThrow(), issuers.github().mint(Map.of()),
        "api:read");
    String token = body.get("access_token").asText();

    TokenBroker onB = b.broker().orElseThrow().broker();
    Authentication found = onB.authenticate(token);
    assertThat(found).as("a session issued on A works on B at once").isInstanceOf(Authentication.Active.class);
    CompletableFuture<Authentication.Failed> ended = new CompletableFuture<>();
    TokenBroker.Watch watch = onB.watch(((Authentication.Active) found).session(), ended::complete);

    String adminToken = Files.readString(dir.resolve("a/admin-token")).strip();
    HttpResponse<String> revoke = http.send(HttpRequest.newBuilder(a.adminUrl().resolve("/admin/sessions/revoke"))
        .header("Authorization", "Bearer " + adminToken).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + body.get("session_id").asText() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);

    Authentication.Failed end = ended.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(end.reason()).isEqualTo(Authentication.Reason.REVOKED);
    assertThat(onB.authenticate(token)).isInstanceOfSatisfying(Authentication.Failed.class,
        failed -> assertThat(failed.reason()).isEqualTo(Authentication.Reason.REVOKED));
    watch.close();
  }

  /** A session of the principal {@code subject} (GitHub, main of acme/salesforce-app), issued by replica A. */
  JsonNode session(String subject) throws Exception {
    return BrokerTestConfig.exchange(http, a.gatewayUrl().orElseThrow(), issuers.github().mint(Map.of("sub", subject)),
        "api:read");
  }

  HttpResponse<String> setRisk(PortcullisServer on, String subject, double score, String reason) throws Exception {
    String body = json.writeValueAsString(Map.of("issuer", issuers.github().issuer(), "subject", subject,
        "score", score, "reason", reason));
    return http.send(HttpRequest.newBuilder(on.adminUrl().resolve("/admin/risk"))
        .header("Authorization", "Bearer " + Files.readString(dir.resolve("a/admin-token")).strip()).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder gatewayRequest(PortcullisServer on, String path, String token) {
    return HttpRequest.newBuilder(on.gatewayUrl().orElseThrow().resolve(path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  static String query(String soql) {
    return "/services/data/v62.0/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
  }

  @Test
  void aScoreAtTheCutOffSetOnOneReplicaEndsTheSessionAndCutsItsRequestInFlightOnTheOther() throws Exception {
    String subject = "repo:acme/salesforce-app:ref:refs/heads/main";
    JsonNode issued = session(subject);
    String token = issued.get("access_token").asText();
    String other = session("repo:acme/salesforce-app:ref:refs/heads/other").get("access_token").asText();
    HttpResponse<InputStream> held = http.send(gatewayRequest(b, query("SELECT Id FROM " + RecordingUpstream.HOLD),
        token).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(held.statusCode()).isEqualTo(200);
    InputStream download = held.body();
    assertThat(download.read()).as("the answer has started to stream through B").isEqualTo('{');

    HttpResponse<String> set = setRisk(a, subject, 90, "token seen in a public build log");

    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    JsonNode change = json.readTree(set.body());
    assertThat(change.get("revoked")).extracting(JsonNode::asText).containsExactly(issued.get("session_id").asText());
    assertThat(change.get("score").asDouble()).isEqualTo(90);
    CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
      try {
        return download.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(catching(rest)).as("the download on B is cut, not completed").isInstanceOf(IOException.class);
    TokenBroker onB = b.broker().orElseThrow().broker();
    assertThat(onB.authenticate(token)).isInstanceOfSatisfying(Authentication.Failed.class,
        failed -> assertThat(failed.reason()).isEqualTo(Authentication.Reason.REVOKED));
    assertThat(onB.authenticate(other)).as("another principal's session").isInstanceOf(Authentication.Active.class);
    assertThat(LedgerFixture.eventually("B reads the new score", () -> Optional.of(onB.risk(issuers.github().issuer(),
        subject)).filter(risk -> risk.score() == 90))).satisfies(risk -> assertThat(risk.reasons())
        .containsExactly("token seen in a public build log"));

    List<LedgerEntry> entries = LedgerFixture.eventually("the cut request's completion in the ledger", () -> {
      List<LedgerEntry> all = entries(a.ledger().orElseThrow());
      return all.stream().anyMatch(e -> e.kind().equals("gateway.completed")) ? Optional.of(all) : Optional.empty();
    });
    assertThat(entries).filteredOn(e -> e.kind().equals("risk.changed")).singleElement().satisfies(e -> {
      assertThat(e.fields()).containsEntry("actor", subject).containsEntry("score", 90L).containsEntry("by", "admin")
          .containsEntry("revoke_at_risk", 80L).containsEntry("reasons", List.of("token seen in a public build log"));
      assertThat(e.fields()).doesNotContainKey("previous_score");
    });
    assertThat(entries).filteredOn(e -> e.kind().equals("session.revoked")).singleElement().satisfies(e ->
        assertThat(e.fields()).containsEntry("session", issued.get("session_id").asText())
            .containsEntry("reason", "RISK"));
    assertThat(entries).filteredOn(e -> e.kind().equals("gateway.completed")).singleElement().satisfies(e ->
        assertThat(e.fields()).containsEntry("outcome", "cut: the session ended (REVOKED)"));
    assertThat(BrokerTestConfig.exchangeStatus(http, b.gatewayUrl().orElseThrow(),
        issuers.github().mint(Map.of("sub", subject)), "api:read")).as("no new session, on either replica")
        .isEqualTo(403);
  }

  @Test
  void aScoreBelowTheCutOffReachesTheOtherReplicasDecisionsAndDeniesChangesThere() throws Exception {
    String subject = "repo:acme/salesforce-app:ref:refs/heads/main";
    String token = session(subject).get("access_token").asText();

    HttpResponse<String> set = setRisk(a, subject, 60, "new location");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(json.readTree(set.body()).get("revoked")).isEmpty();

    TokenBroker onB = b.broker().orElseThrow().broker();
    LedgerFixture.eventually("B reads the new score", () -> Optional.of(onB.risk(issuers.github().issuer(), subject))
        .filter(risk -> risk.score() == 60));
    HttpResponse<String> create = http.send(gatewayRequest(b, "/services/data/v62.0/sobjects/Account", token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"x\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> read = http.send(gatewayRequest(b, query("SELECT Id FROM Account"), token).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(create.body()).contains("PORTCULLIS_DENIED").contains("the caller's risk score allows reads only");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(onB.authenticate(token)).isInstanceOf(Authentication.Active.class);
    assertThat(upstream.requests).as("the read only; the create never reached Salesforce").singleElement()
        .asString().startsWith("GET /services/data/v62.0/query?q=SELECT%20Id%20FROM%20Account");
  }

  private static Throwable catching(CompletableFuture<?> future) throws Exception {
    try {
      future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof java.io.UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
    }
  }

  private static List<LedgerEntry> entries(ServerLedger ledger) {
    try {
      long size = ledger.size();
      List<LedgerEntry> entries = new ArrayList<>();
      LedgerEntries.forEach(ledger.reader(), 0, size, size, (index, bytes) -> entries.add(LedgerEntry.parse(bytes)));
      return entries;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Copies a directory tree (a replica's keys to another's data directory). */
  static void copyTree(Path from, Path to) throws Exception {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
