package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.Endpoint;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.store.Session;
import dev.portcullis.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker end to end with the production {@link SalesforceTokens}: the JWT bearer flow against
 * orgsim, a SQLite store, orgsim's GitHub-shaped OIDC issuer.
 */
class TokenBrokerOrgsimTest {
  private static final String CONSUMER_KEY = "3MVG9.portcullis.test.consumer.key";
  private static final String USERNAME = "ci@acme.example";

  @TempDir Path dir;
  private BrokerFixture fixture;
  private OrgSimulator sim;
  private Org prod;
  private Store store;
  private HttpClient http;
  private RecordingTokens salesforce;
  private OrgTarget target;
  private TokenBroker broker;

  /** Passes every call to the JWT bearer implementation and keeps the tokens it obtained. */
  private static final class RecordingTokens implements SalesforceTokens {
    final SalesforceTokens delegate;
    final List<AccessToken> obtained = new CopyOnWriteArrayList<>();

    RecordingTokens(SalesforceTokens delegate) {
      this.delegate = delegate;
    }

    @Override
    public AccessToken obtain(IntegrationUser user, OrgTarget org) {
      AccessToken token = delegate.obtain(user, org);
      obtained.add(token);
      return token;
    }

    @Override
    public void revoke(OrgTarget org, AccessToken token) {
      delegate.revoke(org, token);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    fixture = new BrokerFixture(dir);
    ConnectedAppKeys app = ConnectedAppKeys.generate("portcullis-test-app", BrokerFixture.START);
    sim = OrgSimulator.builder().clock(fixture.clock)
        .org(OrgSpec.builder("prod").connectedApp(CONSUMER_KEY, app.certificate()).user(USERNAME).build())
        .start();
    prod = sim.org("prod");
    target = BrokerFixture.org("prod", prod.orgId(), prod.url(), USERNAME);
    store = Store.open("sqlite:" + dir.resolve("portcullis.db"), dir);
    BrokerFixture.register(store, target);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    salesforce = new RecordingTokens(JwtBearerSalesforceTokens.builder(
            new JwtBearerTokenClient(http, Duration.ofSeconds(10)), fixture.clock)
        .user("prod", USERNAME, CONSUMER_KEY, app.keys().getPrivate()).build());
    broker = fixture.broker(store.sessions(), store.sessionRevocations(), salesforce, target,
        TokenBroker.DEFAULT_CACHE_CAPACITY);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
    store.close();
    sim.close();
    http.close();
  }

  private int limitsStatus(AccessToken token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(token.instanceUrl() + "/services/data/v62.0/limits"))
        .header("Authorization", "Bearer " + token.accessToken()).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aSessionGetsItsOwnSalesforceTokenWhichDiesWithIt() throws Exception {
    ExchangeResult.Issued first = fixture.issue(broker, target);
    ExchangeResult.Issued second = fixture.issue(broker, target);

    Session stored = store.sessions().findById(first.sessionId()).orElseThrow();
    assertThat(stored.orgId()).isEqualTo(prod.orgId());
    assertThat(stored.integrationUser()).isEqualTo(USERNAME);
    assertThat(salesforce.obtained).hasSize(2);
    AccessToken firstToken = salesforce.obtained.get(0);
    AccessToken secondToken = salesforce.obtained.get(1);
    assertThat(firstToken.accessToken()).isNotEqualTo(secondToken.accessToken());
    assertThat(firstToken.orgId()).isEqualTo(prod.orgId());
    assertThat(limitsStatus(firstToken)).isEqualTo(200);

    assertThat(broker.revoke(first.sessionId(), "admin", "done")).isTrue();

    assertThat(prod.requestCount(Endpoint.REVOKE)).isEqualTo(1);
    assertThat(limitsStatus(firstToken)).as("the revoked session's Salesforce token").isEqualTo(401);
    assertThat(limitsStatus(secondToken)).as("another session's Salesforce token").isEqualTo(200);
    assertThat(broker.holdsSalesforceToken(first.sessionId())).isFalse();
    assertThat(broker.holdsSalesforceToken(second.sessionId())).isTrue();
  }

  @Test
  void aRefusedLoginIsTemporarilyUnavailableAndStoresNoSession() {
    prod.setPreAuthorized(USERNAME, false);

    ExchangeResult result = broker.exchange(fixture.mainRun(), "prod", "api:read");

    assertThat(result).isInstanceOfSatisfying(ExchangeResult.Refused.class, refused -> {
      assertThat(refused.error()).isEqualTo(OAuthError.TEMPORARILY_UNAVAILABLE);
      assertThat(refused.description()).contains("integration user " + USERNAME).contains("invalid_grant")
          .doesNotContain("eyJ");
    });
    assertThat(store.sessions().list(dev.portcullis.store.SessionRepository.Filter.ALL, 10)).isEmpty();
  }
}
