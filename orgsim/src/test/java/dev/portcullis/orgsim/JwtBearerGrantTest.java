package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.SimulatorClient.Reply;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtBearerGrantTest {
  static final String KEY = "3MVG9.prod.consumer.key";
  static final String SBX_KEY = "3MVG9.sandbox.consumer.key";
  static final String CI = "ci@acme.example";
  static TestKeys keys;
  static TestKeys otherKeys;
  static MutableClock clock;
  static OrgSimulator sim;
  static Org prod;
  static Org sbx;
  final SimulatorClient client = new SimulatorClient();

  @BeforeAll
  static void start() throws Exception {
    keys = TestKeys.generate("prod-app");
    otherKeys = TestKeys.generate("attacker");
    clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    sim = OrgSimulator.builder()
        .clock(clock)
        .org(OrgSpec.builder("prod")
            .connectedApp(KEY, keys.certificate())
            .user(CI)
            .user(new OrgSpec.UserSpec("gone@acme.example", false, true))
            .user(new OrgSpec.UserSpec("unapproved@acme.example", true, false))
            .build())
        .org(OrgSpec.builder("sbx").environment(OrgEnvironment.SANDBOX).connectedApp(SBX_KEY, keys.certificate()).user(CI).build())
        .start();
    prod = sim.org("prod");
    sbx = sim.org("sbx");
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  long inOneMinute() {
    return clock.instant().plusSeconds(60).getEpochSecond();
  }

  String assertion(String iss, String sub, String aud) {
    return SimulatorClient.assertion(keys.keyPair().getPrivate(), iss, sub, aud, inOneMinute(), UUID.randomUUID().toString());
  }

  void assertOAuthError(Reply reply, String error, String description) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo(error);
    assertThat(reply.json().get("error_description").asText()).isEqualTo(description);
  }

  @Test
  void successReturnsTheFieldsSfNeeds() throws Exception {
    Reply reply = client.token(prod.url(), assertion(KEY, CI, prod.url() + "/"));
    assertThat(reply.status()).isEqualTo(200);
    JsonNode json = reply.json();
    assertThat(json.get("access_token").asText()).matches("(00D\\w{12,15})![.\\w]*").startsWith(prod.orgId().substring(0, 15) + "!");
    assertThat(json.get("instance_url").asText()).isEqualTo(prod.url().toString());
    String userId = prod.userId(CI);
    assertThat(json.get("id").asText()).isEqualTo(prod.url() + "/id/" + prod.orgId() + "/" + userId);
    assertThat(SalesforceId.isValid(prod.orgId())).isTrue();
    assertThat(prod.orgId()).startsWith("00D").hasSize(18);
    assertThat(userId).startsWith("005").hasSize(18);
    assertThat(json.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(json.get("scope").asText()).contains("api");
    assertThat(json.get("issued_at").asText()).isEqualTo(Long.toString(clock.millis()));
    assertThat(Base64.getDecoder().decode(json.get("signature").asText())).hasSize(Mac.getInstance("HmacSHA256").getMacLength());
  }

  @Test
  void standardAudienceMatchesTheEnvironment() throws Exception {
    assertThat(client.token(prod.url(), assertion(KEY, CI, "https://login.salesforce.com")).status()).isEqualTo(200);
    assertThat(client.token(prod.url(), assertion(KEY, CI, prod.url().toString())).status()).isEqualTo(200);
    assertThat(client.token(sbx.url(), assertion(SBX_KEY, CI, "https://test.salesforce.com/")).status()).isEqualTo(200);
    String localhost = "http://localhost:" + prod.url().getPort() + "/";
    assertThat(client.token(prod.url(), assertion(KEY, CI, localhost)).status()).isEqualTo(200);
    assertOAuthError(client.token(prod.url(), assertion(KEY, CI, "http://localhost:1/")), "invalid_grant", "audience is invalid");
    assertOAuthError(client.token(prod.url(), assertion(KEY, CI, prod.url() + "/services/oauth2/token")), "invalid_grant", "audience is invalid");
    assertOAuthError(client.token(prod.url(), assertion(KEY, CI, "https://test.salesforce.com")), "invalid_grant", "audience is invalid");
    assertOAuthError(client.token(sbx.url(), assertion(SBX_KEY, CI, "https://login.salesforce.com")), "invalid_grant", "audience is invalid");
    assertOAuthError(client.token(prod.url(), assertion(KEY, CI, sbx.url().toString())), "invalid_grant", "audience is invalid");
  }

  @Test
  void rejectsWrongSignature() throws Exception {
    String forged = SimulatorClient.assertion(otherKeys.keyPair().getPrivate(), KEY, CI, prod.url().toString(), inOneMinute(), null);
    assertOAuthError(client.token(prod.url(), forged), "invalid_grant", "invalid assertion");
    assertOAuthError(client.token(prod.url(), "not.a.jwt"), "invalid_grant", "invalid assertion");
  }

  @Test
  void rejectsUnknownIssuer() throws Exception {
    assertOAuthError(client.token(prod.url(), assertion("someone-else", CI, prod.url().toString())), "invalid_client_id", "client identifier invalid");
    // a consumer key of another org is unknown here
    assertOAuthError(client.token(prod.url(), assertion(SBX_KEY, CI, prod.url().toString())), "invalid_client_id", "client identifier invalid");
  }

  @Test
  void rejectsUnknownInactiveAndUnapprovedUsers() throws Exception {
    assertOAuthError(client.token(prod.url(), assertion(KEY, "nobody@acme.example", prod.url().toString())), "invalid_grant", "user hasn't approved this consumer");
    assertOAuthError(client.token(prod.url(), assertion(KEY, "gone@acme.example", prod.url().toString())), "invalid_grant", "inactive user");
    assertOAuthError(client.token(prod.url(), assertion(KEY, "unapproved@acme.example", prod.url().toString())), "invalid_grant", "user hasn't approved this consumer");
  }

  @Test
  void adminChangesTakeEffectOnTheNextLogin() throws Exception {
    prod.setUserActive(CI, false);
    assertOAuthError(client.token(prod.url(), assertion(KEY, CI, prod.url().toString())), "invalid_grant", "inactive user");
    prod.setUserActive(CI, true);
    prod.setPreAuthorized(CI, false);
    assertOAuthError(client.token(prod.url(), assertion(KEY, "CI@ACME.EXAMPLE", prod.url().toString())), "invalid_grant", "user hasn't approved this consumer");
    prod.setPreAuthorized(CI, true);
    assertThat(client.token(prod.url(), assertion(KEY, "CI@ACME.EXAMPLE", prod.url().toString())).status()).isEqualTo(200);
  }

  @Test
  void rejectsExpiredAndFarFutureAssertions() throws Exception {
    long past = clock.instant().minusSeconds(1).getEpochSecond();
    String expired = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, prod.url().toString(), past, null);
    assertOAuthError(client.token(prod.url(), expired), "invalid_grant", "expired authorization code");
    long tomorrow = clock.instant().plus(Duration.ofDays(1)).getEpochSecond();
    String tooLong = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, prod.url().toString(), tomorrow, null);
    assertOAuthError(client.token(prod.url(), tooLong), "invalid_grant", "invalid assertion");
  }

  @Test
  void acceptsSfCliMillisecondExp() throws Exception {
    // sfdx-core: exp = Date.now() + 300, in milliseconds
    String sf = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, prod.url() + "/", clock.millis() + 300, null);
    clock.advance(Duration.ofSeconds(2));
    assertThat(client.token(prod.url(), sf).status()).isEqualTo(200);
    String stale = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, prod.url() + "/", clock.millis() - Duration.ofMinutes(10).toMillis(), null);
    assertOAuthError(client.token(prod.url(), stale), "invalid_grant", "expired authorization code");
  }

  @Test
  void rejectsReplayOfTheSameAssertionOrJti() throws Exception {
    String once = assertion(KEY, CI, prod.url().toString());
    assertThat(client.token(prod.url(), once).status()).isEqualTo(200);
    assertOAuthError(client.token(prod.url(), once), "invalid_grant", "invalid assertion");
    String jti = UUID.randomUUID().toString();
    String first = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, prod.url().toString(), inOneMinute(), jti);
    String second = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, "https://login.salesforce.com", inOneMinute(), jti);
    assertThat(client.token(prod.url(), first).status()).isEqualTo(200);
    assertOAuthError(client.token(prod.url(), second), "invalid_grant", "invalid assertion");
  }

  @Test
  void rejectsOtherGrantTypes() throws Exception {
    Reply reply = client.postForm(prod.url().resolve("/services/oauth2/token"), "grant_type=password&username=a&password=b", false);
    assertOAuthError(reply, "unsupported_grant_type", "grant type not supported");
  }

  @Test
  void acceptsChunkedTokenRequests() throws Exception {
    String form = "grant_type=" + SimulatorClient.enc(JwtBearerGrant.GRANT_TYPE) + "&assertion=" + SimulatorClient.enc(assertion(KEY, CI, prod.url() + "/"));
    Reply reply = client.postForm(prod.url().resolve("/services/oauth2/token"), form, true);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("access_token").asText()).startsWith("00D");
  }

  String login(Org org, String key) throws Exception {
    Reply reply = client.token(org.url(), SimulatorClient.assertion(keys.keyPair().getPrivate(), key, CI, org.url().toString(), inOneMinute(), UUID.randomUUID().toString()));
    assertThat(reply.status()).isEqualTo(200);
    return reply.json().get("access_token").asText();
  }

  void assertInvalidSession(Reply reply) {
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo("[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
  }

  @Test
  void tokensExpireAfterInactivity() throws Exception {
    String token = login(prod, KEY);
    clock.advance(Duration.ofMinutes(119));
    assertThat(client.get(prod.url(), "/services/data/v66.0/limits", token).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(119));
    assertThat(client.get(prod.url(), "/services/data/v66.0/limits", token).status()).isEqualTo(200);
    clock.advance(Duration.ofHours(2));
    assertInvalidSession(client.get(prod.url(), "/services/data/v66.0/limits", token));
  }

  @Test
  void tokensWorkOnlyInTheirOwnOrg() throws Exception {
    String token = login(sbx, SBX_KEY);
    assertThat(client.get(sbx.url(), "/services/data/v66.0/limits", token).status()).isEqualTo(200);
    assertInvalidSession(client.get(prod.url(), "/services/data/v66.0/limits", token));
    assertInvalidSession(client.get(prod.url(), "/services/data/v66.0/limits", null));
    assertInvalidSession(client.get(prod.url(), "/services/data/v66.0/limits", prod.orgId().substring(0, 15) + "!forged"));
  }

  @Test
  void revokeEndsTheSession() throws Exception {
    String token = login(prod, KEY);
    Reply revoked = client.postForm(prod.url().resolve("/services/oauth2/revoke"), "token=" + SimulatorClient.enc(token), false);
    assertThat(revoked.status()).isEqualTo(200);
    assertInvalidSession(client.get(prod.url(), "/services/data/v66.0/limits", token));
    Reply again = client.postForm(prod.url().resolve("/services/oauth2/revoke"), "token=" + SimulatorClient.enc(token), false);
    assertOAuthError(again, "invalid_token", "Token was invalid");
  }

  @Test
  void introspectionReportsLiveAndDeadTokens() throws Exception {
    String token = login(prod, KEY);
    Reply live = client.postForm(prod.url().resolve("/services/oauth2/introspect"),
        "token=" + SimulatorClient.enc(token) + "&token_type_hint=access_token&client_id=" + SimulatorClient.enc(KEY), false);
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().get("active")).as(live.body()).isNotNull();
    assertThat(live.json().get("active").asBoolean()).isTrue();
    assertThat(live.json().get("username").asText()).isEqualTo(CI);
    assertThat(live.json().get("exp").asLong()).isEqualTo(clock.instant().plus(Duration.ofHours(2)).getEpochSecond());
    client.postForm(prod.url().resolve("/services/oauth2/revoke"), "token=" + SimulatorClient.enc(token), false);
    Reply dead = client.postForm(prod.url().resolve("/services/oauth2/introspect"),
        "token=" + SimulatorClient.enc(token) + "&client_id=" + SimulatorClient.enc(KEY), false);
    assertThat(dead.body()).isEqualTo("{\"active\":false}");
    Reply wrongClient = client.postForm(prod.url().resolve("/services/oauth2/introspect"), "token=x&client_id=other", false);
    assertOAuthError(wrongClient, "invalid_client", "invalid client credentials");
  }

  @Test
  void userinfoAndIdentityDescribeTheUser() throws Exception {
    String token = login(prod, KEY);
    Reply info = client.get(prod.url(), "/services/oauth2/userinfo", token);
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.json().get("user_id").asText()).isEqualTo(prod.userId(CI));
    assertThat(info.json().get("organization_id").asText()).isEqualTo(prod.orgId());
    assertThat(info.json().get("preferred_username").asText()).isEqualTo(CI);
    Reply id = client.get(prod.url(), "/id/" + prod.orgId() + "/" + prod.userId(CI), token);
    assertThat(id.status()).isEqualTo(200);
    assertThat(id.json().get("username").asText()).isEqualTo(CI);
    assertThat(id.json().get("urls").get("rest").asText()).startsWith(prod.url().toString());
    assertInvalidSession(client.get(prod.url(), "/services/oauth2/userinfo", null));
  }

  @Test
  void countsTokenRequests() throws Exception {
    int before = prod.requestCount(Endpoint.TOKEN);
    client.token(prod.url(), "garbage");
    assertThat(prod.requestCount(Endpoint.TOKEN)).isEqualTo(before + 1);
  }
}
