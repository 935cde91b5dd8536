package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token exchange end to end over HTTP: a real server (SQLite store, ledger, default policy
 * pack), orgsim's GitHub-Actions-shaped issuer, and a fake Salesforce token source that records
 * what it was asked.
 */
class TokenExchangeServerTest {
  static final String PROD_ID = "00D5e000000AbCdEAA";
  static final String SANDBOX_ID = "00D5e000000XyZwAAA";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  OidcIssuerSimulator issuers;
  PortcullisServer server;
  final FakeSalesforce salesforce = new FakeSalesforce();
  final MutableClock clock = new MutableClock(Instant.now());

  /** The server's clock, moved by the tests. */
  static final class MutableClock extends java.time.Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** Issues distinct tokens for the configured org ids; records obtains and revocations. */
  static final class FakeSalesforce implements SalesforceTokens {
    final List<String> obtainedFor = new CopyOnWriteArrayList<>();
    final List<String> revoked = new CopyOnWriteArrayList<>();
    final AtomicInteger counter = new AtomicInteger();
    volatile String answerOrgId;

    @Override
    public AccessToken obtain(IntegrationUser user, OrgTarget org) {
      obtainedFor.add(org.alias() + "/" + user.username());
      String orgId = answerOrgId != null ? answerOrgId : org.orgId();
      return new AccessToken(orgId + "!sf" + counter.incrementAndGet(), URI.create("https://example.my.salesforce.com"),
          URI.create("https://login.salesforce.com/id/" + orgId + "/005000000000001AAA"), "Bearer", "api", null,
          orgId, "005000000000001AAA");
    }

    @Override
    public void revoke(OrgTarget org, AccessToken token) {
      revoked.add(token.accessToken());
    }
  }

  @BeforeEach
  void start() throws Exception {
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    Path policies = dir.resolve("policies");
    Files.createDirectories(policies);
    PolicyBundle.writeDefault(policies);
    Path params = policies.resolve("params.yaml");
    Files.writeString(params, Files.readString(params).replace("allowed_github_repositories: []",
        "allowed_github_repositories: [\"acme/salesforce-app\"]"));
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    Path file = TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        broker:
          max_ttl: 15m
          policies: policies
        """ + BrokerTestConfig.githubIssuer(issuers.github().issuer(), issuers.github().jwksUri())
        + BrokerTestConfig.prodOrg(PROD_ID,
            "{ username: reader@acme.com, scopes: [api:read, metadata:retrieve], private_key: keys/prod.pem }",
            "{ username: deployer@acme.com, scopes: [api:read, api:write, metadata:deploy, metadata:retrieve],"
                + " private_key: keys/prod.pem }"));
    Config config = ConfigLoader.load(file, Map.of());
    server = new PortcullisServer.Builder(config, dir.resolve("data")).salesforceTokens(c -> salesforce).clock(clock)
        .start();
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

  HttpResponse<String> exchange(Map<String, String> form) throws Exception {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  Map<String, String> request(String token, String audience, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    form.put("subject_token", token);
    form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    form.put("audience", audience);
    form.put("scope", scope);
    return form;
  }

  List<String> ledgerKinds() throws Exception {
    server.ledger().orElseThrow().awaitPublished();
    var reader = server.ledger().orElseThrow().reader();
    long size = dev.portcullis.ledger.Checkpoint.of(dev.portcullis.ledger.SignedNote.parse(
        reader.read(dev.portcullis.ledger.LedgerReader.CHECKPOINT))).size();
    List<String> kinds = new ArrayList<>();
    dev.portcullis.ledger.LedgerEntries.forEach(reader, 0, size, size,
        (index, bytes) -> kinds.add(LedgerEntry.parse(bytes).kind()));
    return kinds;
  }

  @Test
  void aMainBranchRunGetsAReadSessionOnProduction() throws Exception {
    HttpResponse<String> response = exchange(request(issuers.github().mint(Map.of()), "prod", "api:read"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("access_token").asText()).matches("00D5e000000AbCdEAA![A-Za-z0-9._]{96}");
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    assertThat(body.get("expires_in").asLong()).isBetween(1L, 900L);
    assertThat(body.get("scope").asText()).isEqualTo("api:read");
    assertThat(body.get("instance_url").asText()).isEqualTo(server.gatewayUrl().orElseThrow().toString());
    assertThat(body.get("session_id").asText()).startsWith("ses_");
    assertThat(salesforce.obtainedFor).containsExactly("prod/reader@acme.com");
    assertThat(ledgerKinds()).contains("policy.bundle.activated", "session.created");
    assertThat(server.endpoints()).containsEntry("token_url", server.gatewayUrl().orElseThrow() + "/oauth2/token");
  }

  @Test
  void aFeatureBranchAskingToDeployToProductionIsRefusedWithTheReason() throws Exception {
    String token = issuers.github().mint(Map.of("ref", "refs/heads/feature/x",
        "sub", "repo:acme/salesforce-app:ref:refs/heads/feature/x"));
    HttpResponse<String> response = exchange(request(token, "prod", "metadata:deploy"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("access_denied");
    assertThat(body.get("error_description").asText()).contains("metadata:deploy");
    assertThat(body.get("decision_id").asText()).startsWith("dec_");
    assertThat(salesforce.obtainedFor).isEmpty();
    assertThat(ledgerKinds()).contains("session.refused").doesNotContain("session.created");
  }

  @Test
  void anExpiredIdentityTokenIsAnInvalidGrantWithItsCode() throws Exception {
    long past = Instant.now().minusSeconds(7200).getEpochSecond();
    String token = issuers.github().mint(Map.of("iat", past, "nbf", past, "exp", past + 300));
    HttpResponse<String> response = exchange(request(token, "prod", "api:read"));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_grant");
    assertThat(body.get("error_code").asText()).isEqualTo("TOKEN_EXPIRED");
    assertThat(response.body()).doesNotContain(token);
    assertThat(ledgerKinds()).contains("identity.failed");
  }

  @Test
  void malformedRequestsGetTheirOwnErrors() throws Exception {
    String token = issuers.github().mint(Map.of());
    Map<String, String> wrongGrant = request(token, "prod", "api:read");
    wrongGrant.put("grant_type", "client_credentials");
    assertThat(json.readTree(exchange(wrongGrant).body()).get("error").asText()).isEqualTo("unsupported_grant_type");

    assertThat(json.readTree(exchange(request(token, "staging", "api:read")).body()).get("error").asText())
        .isEqualTo("invalid_target");
    assertThat(json.readTree(exchange(request(token, "prod", "api:everything")).body()).get("error").asText())
        .isEqualTo("invalid_scope");

    Map<String, String> noType = request(token, "prod", "api:read");
    noType.remove("subject_token_type");
    assertThat(json.readTree(exchange(noType).body()).get("error").asText()).isEqualTo("invalid_request");

    Map<String, String> noSubject = request(token, "prod", "api:read");
    noSubject.remove("subject_token");
    HttpResponse<String> missing = exchange(noSubject);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json.readTree(missing.body()).get("error_description").asText()).contains("subject_token is missing");

    HttpResponse<String> duplicate = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=a&grant_type=b")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(duplicate.statusCode()).isEqualTo(400);
    assertThat(duplicate.body()).contains("more than once");

    HttpResponse<String> asJson = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(asJson.statusCode()).isEqualTo(415);

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    HttpResponse<String> huge = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
        .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("subject_token=" + "a".repeat(70_000))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(salesforce.obtainedFor).isEmpty();
  }

  @Test
  void theAdminApiListsAndRevokesSessionsWithTheAdminToken() throws Exception {
    JsonNode issued = json.readTree(exchange(request(issuers.github().mint(Map.of()), "prod", "api:read")).body());
    String sessionId = issued.get("session_id").asText();
    String adminToken = Files.readString(dir.resolve("data/admin-token")).strip();
    assertThat(Files.getPosixFilePermissions(dir.resolve("data/admin-token")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions"))
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions"))
        .header("Authorization", "Bearer " + adminToken + "x").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);

    HttpResponse<String> list = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions?state=active"))
        .header("Authorization", "Bearer " + adminToken).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    JsonNode sessions = json.readTree(list.body()).get("sessions");
    assertThat(sessions).hasSize(1);
    assertThat(sessions.get(0).get("id").asText()).isEqualTo(sessionId);
    assertThat(sessions.get(0).get("state").asText()).isEqualTo("active");
    assertThat(sessions.get(0).get("binding").get("repository").asText()).isEqualTo("acme/salesforce-app");
    assertThat(list.body()).doesNotContain(issued.get("access_token").asText());

    HttpResponse<String> revoke = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions/revoke"))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json").timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + sessionId + "\",\"reason\":\"incident-42\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
    assertThat(json.readTree(revoke.body()).get("revoked").get(0).asText()).isEqualTo(sessionId);
    assertThat(salesforce.revoked).hasSize(1);
    assertThat(server.broker().orElseThrow().broker().authenticate(issued.get("access_token").asText()))
        .isInstanceOf(dev.portcullis.identity.broker.Authentication.Failed.class);
    assertThat(ledgerKinds()).contains("session.revoked");

    JsonNode second = json.readTree(exchange(request(issuers.github().mint(Map.of()), "prod", "api:read")).body());
    HttpResponse<String> bySubject = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions/revoke"))
        .header("Authorization", "Bearer " + adminToken).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"repo:acme/salesforce-app:environment:production\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(json.readTree(bySubject.body()).get("revoked")).hasSize(1);
    assertThat(json.readTree(bySubject.body()).get("revoked").get(0).asText()).isEqualTo(second.get("session_id").asText());

    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/sessions/revoke"))
        .header("Authorization", "Bearer " + adminToken).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"a\",\"org\":\"prod\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void usesAndTheExpiryAreRecordedAndTheSalesforceTokenIsRevoked() throws Exception {
    JsonNode issued = json.readTree(exchange(request(issuers.github().mint(Map.of()), "prod", "api:read")).body());
    var broker = server.broker().orElseThrow().broker();
    String token = issued.get("access_token").asText();
    assertThat(broker.authenticate(token)).isInstanceOf(dev.portcullis.identity.broker.Authentication.Active.class);
    assertThat(broker.authenticate(token)).isInstanceOf(dev.portcullis.identity.broker.Authentication.Active.class);
    broker.flushUses();

    clock.advance(Duration.ofMinutes(16));
    broker.sweepExpired(100); // the server's sweep does the same every second; each expiry is reported once
    assertThat(broker.authenticate(token)).isInstanceOfSatisfying(dev.portcullis.identity.broker.Authentication.Failed.class,
        failed -> assertThat(failed.reason()).isEqualTo(dev.portcullis.identity.broker.Authentication.Reason.EXPIRED));
    assertThat(salesforce.revoked).hasSize(1);
    // a later exchange's entry is committed before it is answered, and the ledger keeps append order
    long now = clock.instant().getEpochSecond();
    String later = issuers.github().mint(Map.of("iat", now, "nbf", now, "exp", now + 300));
    HttpResponse<String> next = exchange(request(later, "prod", "api:read"));
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    List<String> kinds = ledgerKinds();
    assertThat(kinds).containsOnlyOnce("session.used", "session.expired");
  }

  private static void replace(Path file, String text) throws Exception {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temporary, text);
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aBadPolicyEditKeepsTheLastGoodBundleAndIsRecorded() throws Exception {
    var broker = server.broker().orElseThrow();
    String good = broker.policy().hash();
    Path rules = dir.resolve("policies/extra.yaml");
    // written as editors and config management do: a temporary file renamed into place, so the
    // watch thread never sees half a file
    replace(rules, "rules:\n  - id: broken\n    effect: allow\n    when: org.environmnt == \"sandbox\"\n");

    assertThat(broker.reloadPolicies()).isFalse(); // whoever loads it first, it does not go into force
    assertThat(broker.policy().hash()).isEqualTo(good);
    assertThat(broker.policyProblems()).singleElement().asString().contains("extra.yaml").contains("environmnt");
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/readyz")).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("did not load and was not applied");
    assertThat(exchange(request(issuers.github().mint(Map.of()), "prod", "api:read")).statusCode()).isEqualTo(200);

    Files.delete(rules);
    replace(dir.resolve("policies/params.yaml"), Files.readString(dir.resolve("policies/params.yaml"))
        .replace("max_risk_score: 80", "max_risk_score: 70"));
    broker.reloadPolicies(); // the watch thread may have been first: either way the change is in force now
    assertThat(broker.policy().hash()).isNotEqualTo(good);
    // an exchange's entry is committed before it is answered, and the ledger keeps append order
    assertThat(exchange(request(issuers.github().mint(Map.of()), "prod", "api:read")).statusCode()).isEqualTo(200);
    List<String> kinds = ledgerKinds();
    assertThat(kinds.stream().filter("policy.bundle.activated"::equals)).hasSize(2);
    assertThat(kinds).containsOnlyOnce("policy.bundle.rejected");
  }

  @Test
  void aSalesforceTokenForAnotherOrgIsRefusedAndRevoked() throws Exception {
    salesforce.answerOrgId = SANDBOX_ID;
    HttpResponse<String> response = exchange(request(issuers.github().mint(Map.of()), "prod", "api:read"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json.readTree(response.body()).get("error_description").asText()).contains(SANDBOX_ID);
    assertThat(salesforce.revoked).hasSize(1);
  }
}
