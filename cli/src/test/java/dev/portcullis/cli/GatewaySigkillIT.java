package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zero decisions lost under SIGKILL (issue 6, "Failing closed, recording everything"): the shaded
 * {@code portcullis.jar} serves as a child process (SQLite and its file ledger, or PostgreSQL for both)
 * while client threads make allowed requests through its gateway; an upstream in this process plays
 * Salesforce (JWT bearer logins, queries) and records the {@code X-Portcullis-Decision} of every
 * request it receives. The child is killed with SIGKILL at several points under load and restarted
 * on the same data; after each restart every decision the upstream saw must be a {@code
 * gateway.decision} entry of the ledger, and at the end the whole ledger verifies.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class GatewaySigkillIT {
  private static final Path JAR = Path.of("target", "portcullis.jar");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORG_ID = dev.portcullis.salesforce.SalesforceId.to18("00D5e000000AbCd");
  /** Requests the upstream receives in a cycle before the kill: early, mid-way and well into the load. */
  private static final List<Integer> KILL_AFTER = List.of(20, 150, 500);
  private static final int CLIENTS = 4;
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static final String POSTGRES = "127.0.0.1:5432";

  @TempDir Path dir;
  OidcIssuerSimulator issuers;
  Server salesforce;
  /** Every X-Portcullis-Decision the upstream received, in order (null when a request had none). */
  final List<String> received = new CopyOnWriteArrayList<>();
  String database;
  ServerProcess server;

  @BeforeEach
  void start() throws Exception {
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    salesforce = fakeSalesforce();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.kill();
    }
    if (salesforce != null) {
      salesforce.stop();
    }
    if (issuers != null) {
      issuers.close();
    }
    if (database != null) {
      postgres("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyRequestSalesforceReceivedHasItsDecisionInTheLedgerAfterSigkill(String backend) throws Exception {
    Path config = writeConfig(backend);
    Path data = dir.resolve("data");
    server = ServerProcess.start(config, data);
    for (int kill = 0; kill < KILL_AFTER.size(); kill++) {
      String token = session(server.gateway);
      int before = received.size();
      Load load = Load.start(server.gateway, token);
      awaitAtLeast(before + KILL_AFTER.get(kill), "requests at Salesforce before kill " + (kill + 1));
      server.kill(); // SIGKILL, the load still running
      load.stop();
      System.out.printf("%s kill %d: %d requests reached Salesforce in this cycle, %d answered 200%n", backend,
          kill + 1, received.size() - before, load.allowed.get());
      server = ServerProcess.start(config, data);
      assertEveryReceivedDecisionIsRecorded(server.admin);
    }
    MainTest.Run verify = MainTest.run("ledger", "verify", "--url", server.admin.toString(), "--data-dir",
        data.toString(), "--json");
    assertThat(verify.exitCode()).as("ledger verify: %s %s", verify.out(), verify.err()).isZero();
    assertThat(JSON.readTree(verify.out()).get("ok").asBoolean()).isTrue();
    server.stop();
  }

  private void assertEveryReceivedDecisionIsRecorded(URI admin) throws Exception {
    List<String> seen = List.copyOf(received);
    assertThat(seen).as("every forwarded request carries its decision id").doesNotContainNull()
        .allMatch(id -> id.startsWith("dec_"));
    Set<String> recorded = recordedDecisions(LedgerReader.http(admin.resolve("/ledger/")));
    Set<String> lost = new HashSet<>(seen);
    lost.removeAll(recorded);
    assertThat(lost).as("decisions Salesforce acted on but the ledger lost (%d received, %d recorded)", seen.size(),
        recorded.size()).isEmpty();
  }

  /** The {@code decision} of every {@code gateway.decision} entry in the tree of the latest checkpoint. */
  private static Set<String> recordedDecisions(LedgerReader ledger) {
    long size = Checkpoint.of(SignedNote.parse(ledger.read(LedgerReader.CHECKPOINT))).size();
    Set<String> decisions = new HashSet<>();
    LedgerEntries.forEach(ledger, 0, size, size, (index, bytes) -> {
      LedgerEntry entry = LedgerEntry.parse(bytes);
      if (entry.kind().equals("gateway.decision") && entry.fields().get("decision") instanceof String id) {
        decisions.add(id);
      }
    });
    return decisions;
  }

  private void awaitAtLeast(int count, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (received.size() < count) {
      assertThat(System.nanoTime()).as("not within %s: %s (%d so far)", DEADLINE, what, received.size())
          .isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling with a deadline, not synchronisation
    }
  }

  /** A session for the org {@code uat} with {@code api:read}, from a GitHub Actions token of the simulator. */
  private String session(URI gateway) throws Exception {
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange",
        StandardCharsets.UTF_8) + "&subject_token=" + issuers.github().mint(Map.of()) + "&subject_token_type="
        + URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", StandardCharsets.UTF_8)
        + "&audience=uat&scope=api%3Aread";
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.resolve("/oauth2/token"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  /** Client threads making allowed queries through the gateway until stopped or the server is gone. */
  private static final class Load {
    final AtomicBoolean running = new AtomicBoolean(true);
    final java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
    final CountDownLatch done = new CountDownLatch(CLIENTS);

    static Load start(URI gateway, String token) {
      Load load = new Load();
      URI query = gateway.resolve("/services/data/v62.0/query?q="
          + URLEncoder.encode("SELECT Id, Name FROM Account", StandardCharsets.UTF_8));
      for (int i = 0; i < CLIENTS; i++) {
        Thread.ofPlatform().daemon().name("sigkill-load-" + i).start(() -> {
          try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            while (load.running.get()) {
              HttpResponse<String> response = http.send(HttpRequest.newBuilder(query)
                  .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() == 200) {
                load.allowed.incrementAndGet();
              }
            }
          } catch (IOException e) {
            // the server was killed
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            load.done.countDown();
          }
        });
      }
      return load;
    }

    void stop() throws InterruptedException {
      running.set(false);
      assertThat(done.await(1, TimeUnit.MINUTES)).as("the load threads ended").isTrue();
    }
  }

  /**
   * Salesforce for the child, on loopback: the JWT bearer token endpoint (any assertion gets a token for
   * {@link #ORG_ID}, as Salesforce answers, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"),
   * token revocation, and queries, each recorded with its {@code X-Portcullis-Decision} and answered
   * with no records.
   */
  private Server fakeSalesforce() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    SecureRandom random = new SecureRandom();
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String self = "http://127.0.0.1:" + connector.getLocalPort();
        response.getHeaders().put("Content-Type", "application/json");
        if (path.equals("/services/oauth2/token")) {
          Fields form = Request.getParameters(request);
          if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.getValue("grant_type"))) {
            response.setStatus(400);
            Content.Sink.write(response, true, "{\"error\":\"unsupported_grant_type\"}", callback);
            return true;
          }
          byte[] secret = new byte[24];
          random.nextBytes(secret);
          Content.Sink.write(response, true, JSON.writeValueAsString(Map.of(
              "access_token", ORG_ID + "!" + HexFormat.of().formatHex(secret), "instance_url", self,
              "id", self + "/id/" + ORG_ID + "/" + dev.portcullis.salesforce.SalesforceId.to18("005000000000001"),
              "token_type", "Bearer", "scope", "api",
              "issued_at", Long.toString(System.currentTimeMillis()))), callback);
        } else if (path.equals("/services/oauth2/revoke")) {
          Content.Sink.write(response, true, "", callback);
        } else {
          received.add(request.getHeaders().get("X-Portcullis-Decision"));
          Content.Sink.write(response, true, "{\"totalSize\":0,\"done\":true,\"records\":[]}", callback);
        }
        return true;
      }
    });
    server.start();
    return server;
  }

  private Path writeConfig(String backend) throws Exception {
    Path key = dir.resolve("keys/uat.pem");
    Files.createDirectories(key.getParent());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    String storage;
    if (backend.equals("postgresql")) {
      database = "portcullis_sigkill_" + HexFormat.of().formatHex(SecureRandom.getSeed(6));
      postgres("CREATE DATABASE " + database);
      storage = "storage: { url: \"postgresql://" + POSTGRES + "/" + database + "?user=postgres\" }\n"
          + "ledger: { backend: postgresql }\n";
    } else {
      storage = "storage: { url: \"sqlite:portcullis.db\" }\n";
    }
    String salesforceUrl = "http://127.0.0.1:" + ((ServerConnector) salesforce.getConnectors()[0]).getLocalPort();
    return Files.writeString(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
          shutdown_grace: 5s
        %s
        identity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s, audiences: [portcullis] }
        orgs:
          - alias: uat
            environment: sandbox
            login_url: %s
            instance_url: %s
            consumer_key: 3MVG9SIGKILL
            username: integration@acme.com
            private_key: keys/uat.pem
            org_id: %s
            integration_users:
              - { username: reader@acme.com, scopes: [api:read], private_key: keys/uat.pem }
        """.formatted(storage, issuers.github().issuer(), issuers.github().jwksUri(), salesforceUrl, salesforceUrl,
        ORG_ID));
  }

  /** Runs one statement on the test PostgreSQL's {@code postgres} database (user postgres, trust auth). */
  private static void postgres(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + POSTGRES + "/postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      if ("skip".equals(System.getenv("PORTCULLIS_TEST_POSTGRES"))) {
        org.junit.jupiter.api.Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES
            + "; skipped because PORTCULLIS_TEST_POSTGRES=skip");
      }
      throw new SQLException("PostgreSQL at " + POSTGRES + " (user postgres, trust auth): " + e.getMessage()
          + ". Set PORTCULLIS_TEST_POSTGRES=skip to skip these tests on purpose.", e);
    }
  }

  /** {@code portcullis serve} as a child process: its URLs once ready, its output echoed to this test's. */
  private static final class ServerProcess {
    final Process process;
    final URI admin;
    final URI gateway;

    private ServerProcess(Process process, URI admin, URI gateway) {
      this.process = process;
      this.admin = admin;
      this.gateway = gateway;
    }

    /** Starts the jar and returns once it printed its ready line (after it wrote a fresh endpoints.json). */
    static ServerProcess start(Path config, Path data) throws Exception {
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-jar", JAR.toAbsolutePath().toString(), "serve", "--config", config.toString(), "--data-dir",
          data.toString()));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder output = new StringBuilder();
      String ready = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        if (line.startsWith("portcullis: ready;")) {
          ready = line;
          break;
        }
      }
      assertThat(ready).as("the server started; its output:%n%s", output).isNotNull();
      System.out.print(output);
      Thread.ofVirtual().start(() -> {
        try {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            System.out.println(line);
          }
        } catch (IOException e) {
          // the process is gone
        }
      });
      JsonNode endpoints = JSON.readTree(Files.readString(data.resolve("endpoints.json")));
      URI admin = URI.create(endpoints.get("admin_url").asText());
      assertThat(ready).as("endpoints.json is this run's").contains(admin.toString());
      return new ServerProcess(process, admin, URI.create(endpoints.get("gateway_url").asText()));
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }

    /** SIGTERM, and a clean exit. */
    void stop() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).isZero();
    }
  }
}
