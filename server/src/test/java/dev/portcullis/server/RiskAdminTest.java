package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/risk} on one server (SQLite): setting and showing scores, and what it refuses, with the reason. */
class RiskAdminTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String MAIN = "repo:acme/salesforce-app:ref:refs/heads/main";

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  OidcIssuerSimulator issuers;
  PortcullisServer server;
  String adminToken;

  @BeforeEach
  void start() throws Exception {
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        broker: { revoke_at_risk: 75 }
        """ + BrokerTestConfig.githubIssuer(issuers.github().issuer(), issuers.github().jwksUri())
        + BrokerTestConfig.prodOrgWithReader(BrokerTestConfig.PROD_ID)), Map.of());
    server = PortcullisServer.start(config, dir.resolve("data"), c -> new TokenExchangeServerTest.FakeSalesforce());
    adminToken = Files.readString(dir.resolve("data/admin-token")).strip();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (issuers != null) {
      issuers.close();
    }
  }

  HttpResponse<String> post(String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.adminUrl().resolve("/admin/risk")).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String query) throws Exception {
    return http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/risk" + query)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  void assertRefused(HttpResponse<String> response, int status, String messagePart) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json.readTree(response.body()).get("message").asText()).contains(messagePart);
  }

  @Test
  void withoutAnIssuerTheSubjectsOneIssuerIsTakenFromItsSessionsAndTheCutOffIsTheConfiguredOne() throws Exception {
    JsonNode session = BrokerTestConfig.exchange(http, server.gatewayUrl().orElseThrow(),
        issuers.github().mint(Map.of("sub", MAIN)), "api:read");

    HttpResponse<String> set = post("{\"subject\":\"" + MAIN + "\",\"score\":75,\"reason\":\"impossible travel\"}",
        adminToken);

    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    JsonNode body = json.readTree(set.body());
    assertThat(body.at("/principal/issuer").asText()).isEqualTo(issuers.github().issuer());
    assertThat(body.get("previous_score").isNull()).isTrue();
    assertThat(body.get("revoke_at_risk").asDouble()).isEqualTo(75);
    assertThat(body.get("revoked")).extracting(JsonNode::asText).containsExactly(session.get("session_id").asText());

    JsonNode shown = json.readTree(get("?subject=" + java.net.URLEncoder.encode(MAIN, "UTF-8")).body());
    assertThat(shown.get("risks")).singleElement().satisfies(risk -> {
      assertThat(risk.get("score").asDouble()).isEqualTo(75);
      assertThat(risk.get("reasons")).extracting(JsonNode::asText).containsExactly("impossible travel");
      assertThat(risk.get("set_by").asText()).isEqualTo("admin");
    });
    JsonNode lowered = json.readTree(post("{\"subject\":\"" + MAIN + "\",\"issuer\":\"" + issuers.github().issuer()
        + "\",\"score\":0,\"reason\":\"cleared after review\"}", adminToken).body());
    assertThat(lowered.get("previous_score").asDouble()).isEqualTo(75);
    assertThat(lowered.get("revoked")).isEmpty();
  }

  @Test
  void whatIsRefusedAndWhy() throws Exception {
    assertThat(post("{\"subject\":\"s\",\"score\":5,\"reason\":\"r\"}", null).statusCode()).isEqualTo(401);
    assertThat(post("{\"subject\":\"s\",\"score\":5,\"reason\":\"r\"}", "wrong").statusCode()).isEqualTo(401);
    assertRefused(post("{\"subject\":\"nobody\",\"score\":5,\"reason\":\"r\"}", adminToken), 400,
        "no session of subject 'nobody' is known");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":101,\"reason\":\"r\"}", adminToken), 400,
        "score must be a number from 0 to 100, was 101");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":\"90\",\"reason\":\"r\"}", adminToken), 400,
        "score must be a number");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":5}", adminToken), 400, "give subject, score and reason");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":5,\"reason\":\" \"}", adminToken), 400,
        "'reason' must be a non-empty string");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":5,\"reason\":\"r\",\"sessions\":1}", adminToken),
        400, "unknown field 'sessions' (known: subject, issuer, score, reason)");
    assertRefused(post("{\"subject\":\"s\",\"issuer\":\"i\",\"score\":5,\"reason\":\"" + "x".repeat(1001) + "\"}",
        adminToken), 400, "at most 1000 characters");
    assertRefused(get("?issuer=i"), 400, "give the principal's subject too");
    assertThat(json.readTree(get("").body()).get("risks")).isEmpty();
  }
}
