package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's production Salesforce token source (JWT bearer per integration user, keys from the
 * configuration) against orgsim: a session on the simulated org, whose Salesforce token works and
 * stops working when the session is revoked.
 */
class TokenExchangeOrgsimTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.server.test";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  OidcIssuerSimulator issuers;
  OrgSimulator orgs;
  PortcullisServer server;

  @AfterEach
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {server, orgs, issuers}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  @Test
  void aSessionIsBackedByItsOwnJwtBearerTokenForTheMappedUser() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    TestFiles.write(dir.resolve("keys/app.pem"), TestFiles.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    orgs = OrgSimulator.builder().org(OrgSpec.builder("prod")
            .connectedApp(CONSUMER_KEY, TestFiles.selfSigned(keys, "SHA256withRSA"))
            .user("integration@acme.example").user("reader@acme.example").user("deployer@acme.example").build())
        .start();
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    URI url = orgs.org("prod").url();
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        identity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s }
        orgs:
          - alias: prod
            environment: production
            login_url: %s
            instance_url: %s
            consumer_key: %s
            username: integration@acme.example
            private_key: keys/app.pem
            org_id: %s
            integration_users:
              - { username: reader@acme.example, scopes: [api:read], private_key: keys/app.pem }
              - { username: deployer@acme.example, scopes: [api:read, metadata:deploy], private_key: keys/app.pem }
        """.formatted(issuers.github().issuer(), issuers.github().jwksUri(), url, url, CONSUMER_KEY,
        orgs.org("prod").orgId())), Map.of());
    server = PortcullisServer.start(config, dir.resolve("data"));

    String form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token="
        + issuers.github().mint(Map.of())
        + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token&audience=prod&scope=api%3Aread";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json.readTree(response.body());
    String sessionId = body.get("session_id").asText();
    var session = server.broker().orElseThrow().broker().authenticate(body.get("access_token").asText());
    assertThat(session).isInstanceOfSatisfying(dev.portcullis.identity.broker.Authentication.Active.class,
        active -> assertThat(active.session().integrationUser()).isEqualTo("reader@acme.example"));
    assertThat(server.broker().orElseThrow().broker().holdsSalesforceToken(sessionId)).isTrue();

    // through the gateway: the session's own Salesforce token answers, the client's never reaches the org
    String accessToken = body.get("access_token").asText();
    HttpResponse<String> describe = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
        .resolve("/services/data/v62.0/sobjects/Account/describe")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(describe.statusCode()).as(describe.body()).isEqualTo(200);
    assertThat(json.readTree(describe.body()).get("name").asText()).isEqualTo("Account");
    // the default pack caps production queries (max_records: 2000): forwarded with LIMIT 2000
    HttpResponse<String> query = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
        .resolve("/services/data/v62.0/query?q=SELECT+Id+FROM+Account")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
    assertThat(json.readTree(query.body()).get("totalSize").asInt()).isPositive();
    // an unclassified request is denied in Salesforce's shape
    HttpResponse<String> apex = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
        .resolve("/services/data/v62.0/analytics/reports")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(apex.statusCode()).isEqualTo(403);
    assertThat(apex.body()).contains("PORTCULLIS_DENIED").contains("unclassified");

    assertThat(server.broker().orElseThrow().broker().revoke(sessionId, "test", "done")).isTrue();
    assertThat(server.broker().orElseThrow().broker().holdsSalesforceToken(sessionId)).isFalse();
    HttpResponse<String> afterRevoke = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
        .resolve("/services/data/v62.0/sobjects/Account/describe")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(afterRevoke.statusCode()).isEqualTo(401);
    assertThat(afterRevoke.body()).contains("INVALID_SESSION_ID");
  }
}
