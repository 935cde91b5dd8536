package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.Authentication;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import dev.portcullis.server.ledger.LedgerFixture;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server replicas sharing PostgreSQL (store and ledger): a session issued on one is accepted on
 * the other, and a revocation through one replica's admin API reaches the other through LISTEN/NOTIFY,
 * ending its watch on a request in flight.
 */
class BrokerReplicasTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String schema;
  OidcIssuerSimulator issuers;
  PortcullisServer a;
  PortcullisServer b;

  @BeforeEach
  void start() throws Exception {
    schema = LedgerFixture.createSchema();
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
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
    a = PortcullisServer.start(config, dir.resolve("a"), c -> new TokenExchangeServerTest.FakeSalesforce());
    // replicas share the ledger's signing key, as they would share a secret volume
    copyTree(dir.resolve("a/keys"), dir.resolve("b/keys"));
    b = PortcullisServer.start(config, dir.resolve("b"), c -> new TokenExchangeServerTest.FakeSalesforce());
  }

  @AfterEach
  void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (issuers != null) {
      issuers.close();
    }
    LedgerFixture.dropSchema(schema);
  }

  @Test
  void aRevocationOnOneReplicaEndsTheSessionOnTheOther() throws Exception {
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
        + "&subject_token=" + issuers.github().mint(Map.of())
        + "&subject_token_type=" + URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", StandardCharsets.UTF_8)
        + "&audience=prod&scope=api%3Aread";
    HttpResponse<String> issued = http.send(HttpRequest.newBuilder(a.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    JsonNode body = json.readTree(issued.body());
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
