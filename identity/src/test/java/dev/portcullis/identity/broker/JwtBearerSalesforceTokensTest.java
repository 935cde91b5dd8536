package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.identity.MutableClock;
import dev.portcullis.orgsim.Endpoint;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWT bearer flow against orgsim's token and revoke endpoints (docs/ORGSIM.md). */
class JwtBearerSalesforceTokensTest {
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
  private static final String CONSUMER_KEY = "3MVG9.portcullis.test.consumer.key";
  private static final String USERNAME = "ci@acme.example";
  private static ConnectedAppKeys app;
  private static HttpClient http;

  private final MutableClock clock = new MutableClock(START);
  private OrgSimulator sim;
  private Org prod;
  private OrgTarget target;
  private JwtBearerTokenClient client;

  @BeforeAll
  static void keys() {
    app = ConnectedAppKeys.generate("portcullis-test-app", START);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void closeHttp() {
    http.close();
  }

  @BeforeEach
  void start() throws Exception {
    sim = OrgSimulator.builder().clock(clock)
        .org(OrgSpec.builder("prod").connectedApp(CONSUMER_KEY, app.certificate()).user(USERNAME).build())
        .start();
    prod = sim.org("prod");
    target = BrokerFixture.org("prod", prod.orgId(), prod.url(), USERNAME);
    client = new JwtBearerTokenClient(http, Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private JwtBearerSalesforceTokens tokens(KeyPair keys) {
    return JwtBearerSalesforceTokens.builder(client, clock).user("prod", USERNAME, CONSUMER_KEY, keys.getPrivate()).build();
  }

  private IntegrationUser user() {
    return target.integrationUsers().getFirst();
  }

  /** The REST limits resource with {@code token}: 200 while the token is live, 401 after. */
  private int limitsStatus(AccessToken token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(token.instanceUrl() + "/services/data/v62.0/limits"))
        .header("Authorization", "Bearer " + token.accessToken()).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void obtainsATokenOfTheSimulatedOrgForTheUser() throws Exception {
    AccessToken token = tokens(app.keys()).obtain(user(), target);

    assertThat(token.orgId()).isEqualTo(prod.orgId());
    assertThat(token.userId()).isEqualTo(prod.userId(USERNAME));
    assertThat(token.instanceUrl()).isEqualTo(prod.url());
    assertThat(limitsStatus(token)).isEqualTo(200);
  }

  @Test
  void everyObtainIsANewToken() {
    JwtBearerSalesforceTokens tokens = tokens(app.keys());

    AccessToken first = tokens.obtain(user(), target);
    AccessToken second = tokens.obtain(user(), target);

    assertThat(first.accessToken()).isNotEqualTo(second.accessToken());
    assertThat(prod.requestCount(Endpoint.TOKEN)).isEqualTo(2);
  }

  @Test
  void aRevokedTokenNoLongerWorks() throws Exception {
    JwtBearerSalesforceTokens tokens = tokens(app.keys());
    AccessToken revoked = tokens.obtain(user(), target);
    AccessToken kept = tokens.obtain(user(), target);

    tokens.revoke(target, revoked);

    assertThat(prod.requestCount(Endpoint.REVOKE)).isEqualTo(1);
    assertThat(limitsStatus(revoked)).isEqualTo(401);
    assertThat(limitsStatus(kept)).isEqualTo(200);
    // Revoking again: Salesforce answers invalid_token.
    assertThatThrownBy(() -> tokens.revoke(target, revoked)).isInstanceOfSatisfying(SalesforceException.class,
        e -> assertThat(e.code()).isEqualTo(SalesforceErrorCode.OAUTH_INVALID_TOKEN));
  }

  @Test
  void aKeyTheAppDoesNotKnowIsRefusedWithoutTheAssertionInTheMessage() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    JwtBearerSalesforceTokens tokens = tokens(generator.generateKeyPair());

    assertThatThrownBy(() -> tokens.obtain(user(), target)).isInstanceOfSatisfying(SalesforceException.class, e -> {
      assertThat(e.code()).isEqualTo(SalesforceErrorCode.OAUTH_INVALID_GRANT);
      assertThat(e.getMessage()).contains("invalid_grant").contains("invalid assertion")
          .contains("/services/oauth2/token")
          .doesNotContain("eyJ"); // the start of every JWT's header: no assertion in the message
    });
  }

  @Test
  void anUnconfiguredOrgOrUserIsNamed() {
    JwtBearerSalesforceTokens tokens = tokens(app.keys());
    OrgTarget other = BrokerFixture.org("uat", "00D000000000009AAA", prod.url(), USERNAME);
    IntegrationUser stranger = new IntegrationUser("stranger@acme.example", Set.of("api:read"));

    assertThatThrownBy(() -> tokens.obtain(user(), other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("integration user " + USERNAME + " of org uat");
    assertThatThrownBy(() -> tokens.obtain(stranger, target)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("integration user stranger@acme.example of org prod");
    assertThat(prod.requestCount(Endpoint.TOKEN)).isZero();
  }

  @Test
  void usernamesMatchWhateverTheirCase() {
    AccessToken token = JwtBearerSalesforceTokens.builder(client, clock)
        .user("prod", "CI@Acme.Example", CONSUMER_KEY, app.keys().getPrivate()).build()
        .obtain(user(), target);

    assertThat(token.orgId()).isEqualTo(prod.orgId());
  }

  @Test
  void badConfigurationIsRefusedWhenBuilt() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    JwtBearerSalesforceTokens.Builder builder = JwtBearerSalesforceTokens.builder(client, clock)
        .user("prod", USERNAME, CONSUMER_KEY, app.keys().getPrivate());

    assertThatThrownBy(() -> builder.user("prod", "ci@ACME.example", CONSUMER_KEY, app.keys().getPrivate()))
        .hasMessageContaining("configured twice");
    assertThatThrownBy(() -> builder.user("prod", "ec@acme.example", CONSUMER_KEY, ec.generateKeyPair().getPrivate()))
        .hasMessageContaining("integration user ec@acme.example of org prod").hasMessageContaining("RSA");
    assertThatThrownBy(() -> builder.user("prod", "blank@acme.example", " ", app.keys().getPrivate()))
        .hasMessageContaining("consumer key of blank@acme.example in org prod must not be blank");
  }
}
