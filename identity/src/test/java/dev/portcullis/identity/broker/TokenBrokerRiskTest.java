package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.store.PrincipalRisk;
import dev.portcullis.store.RiskRepository;
import dev.portcullis.store.Session;
import dev.portcullis.store.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Risk scores through the broker: what decisions read, the {@code revoke_at_risk} cut-off (sessions
 * revoked with reason {@code RISK}, none issued), changes made elsewhere read by the refresh, and
 * failing closed when the scores cannot be read.
 */
class TokenBrokerRiskTest {
  static final String PRODUCTION_ID = "00D5e000000AbCdEAA";
  static final String MAIN = "repo:acme/salesforce-app:environment:production";

  @TempDir Path dir;
  BrokerFixture fixture;
  Store store;
  FlakyRisks risks;
  OrgTarget prod;
  final FakeSalesforceTokens salesforce = new FakeSalesforceTokens();

  /** The store's risk repository, made to fail on demand; counts the reads of changes. */
  static final class FlakyRisks implements RiskRepository {
    final RiskRepository delegate;
    volatile boolean down;
    final AtomicInteger changeReads = new AtomicInteger();

    FlakyRisks(RiskRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public Change set(String issuer, String subject, double score, List<String> reasons, String setBy, Instant at) {
      return delegate.set(issuer, subject, score, reasons, setBy, at);
    }

    @Override
    public Optional<PrincipalRisk> find(String issuer, String subject) {
      return delegate.find(issuer, subject);
    }

    @Override
    public List<PrincipalRisk> list(int limit) {
      return delegate.list(limit);
    }

    @Override
    public List<PrincipalRisk> changedSince(long version, int limit) {
      changeReads.incrementAndGet();
      if (down) {
        throw new dev.portcullis.store.StoreException(dev.portcullis.store.StoreException.Code.UNAVAILABLE,
            "reading risk changes: lost the connection to the database");
      }
      return delegate.changedSince(version, limit);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    fixture = new BrokerFixture(dir);
    store = Store.open("sqlite:" + dir.resolve("portcullis.db"), dir);
    risks = new FlakyRisks(store.risks());
    prod = BrokerFixture.org("prod", PRODUCTION_ID, URI.create("https://login.salesforce.com"), "ci@acme.example");
    BrokerFixture.register(store, prod);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
    store.close();
  }

  TokenBroker broker(PolicyBundle policy) {
    return fixture.closeLater(TokenBroker.builder().verifier(fixture.verifier).policy(() -> policy)
        .sessions(store.sessions()).revocations(store.sessionRevocations()).risks(risks).salesforceTokens(salesforce)
        .clock(fixture.clock).events(fixture.events).org(prod).build());
  }

  TokenBroker broker() {
    return broker(fixture.policy);
  }

  String issuer() {
    return fixture.github.issuer();
  }

  String run(String subject) {
    return fixture.github.mint(Map.of("sub", subject, "exp", BrokerFixture.START.plusSeconds(3600).getEpochSecond()));
  }

  ExchangeResult.Issued issue(TokenBroker broker, String subject) {
    ExchangeResult result = broker.exchange(run(subject), "prod", "api:read");
    assertThat(result).isInstanceOf(ExchangeResult.Issued.class);
    return (ExchangeResult.Issued) result;
  }

  @Test
  void aScoreSetThroughTheBrokerIsWhatDecisionsReadAtOnce() {
    TokenBroker broker = broker();
    assertThat(broker.risk(issuer(), MAIN)).isEqualTo(new DecisionInput.Risk(0, List.of()));

    RiskChange change = broker.setRisk(issuer(), MAIN, 42.5, List.of("impossible travel"), "admin");

    assertThat(broker.risk(issuer(), MAIN)).isEqualTo(new DecisionInput.Risk(42.5, List.of("impossible travel")));
    assertThat(broker.risk("https://gitlab.com", MAIN).score()).as("another issuer's principal").isZero();
    assertThat(change.previous()).isEmpty();
    assertThat(change.revokedSessions()).isEmpty();
    assertThat(fixture.events.of(BrokerEvents.RiskChanged.class)).singleElement().satisfies(event -> {
      assertThat(event.current()).isEqualTo(change.current());
      assertThat(event.previous()).isEmpty();
      assertThat(event.revokeAtRisk()).isEqualTo(TokenBroker.DEFAULT_REVOKE_AT_RISK);
    });
  }

  @Test
  void aScoreAtTheCutOffRevokesThePrincipalsSessionsWithReasonRiskAndEndsTheirRequests() {
    TokenBroker broker = broker();
    ExchangeResult.Issued first = issue(broker, MAIN);
    ExchangeResult.Issued second = issue(broker, MAIN);
    ExchangeResult.Issued other = issue(broker, "repo:acme/salesforce-app:ref:refs/heads/other");
    Session session = ((Authentication.Active) broker.authenticate(first.accessToken())).session();
    CompletableFuture<Authentication.Failed> ended = new CompletableFuture<>();
    broker.watch(session, ended::complete);

    RiskChange change = broker.setRisk(issuer(), MAIN, 80, List.of("leaked token"), "admin");

    assertThat(change.revokedSessions()).containsExactlyInAnyOrder(first.sessionId(), second.sessionId());
    assertThat(ended).isCompletedWithValueMatching(failed -> failed.reason() == Authentication.Reason.REVOKED);
    assertThat(broker.authenticate(first.accessToken())).isInstanceOf(Authentication.Failed.class);
    assertThat(broker.authenticate(other.accessToken())).as("another principal's session")
        .isInstanceOf(Authentication.Active.class);
    assertThat(store.sessions().findById(first.sessionId()).orElseThrow().revocation().reason()).isEqualTo("RISK");
    assertThat(fixture.events.of(BrokerEvents.SessionRevoked.class))
        .extracting(BrokerEvents.SessionRevoked::sessionId, BrokerEvents.SessionRevoked::reason,
            BrokerEvents.SessionRevoked::revokedBy)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(first.sessionId(), "RISK", "admin"),
            org.assertj.core.groups.Tuple.tuple(second.sessionId(), "RISK", "admin"));
    assertThat(broker.holdsSalesforceToken(first.sessionId())).isFalse();
    assertThat(broker.holdsSalesforceToken(other.sessionId())).isTrue();
  }

  @Test
  void aScoreBelowTheCutOffEndsNothingAndTheCutOffIsConfigurable() {
    TokenBroker strict = fixture.closeLater(TokenBroker.builder().verifier(fixture.verifier)
        .policy(() -> fixture.policy).sessions(store.sessions()).revocations(store.sessionRevocations()).risks(risks)
        .salesforceTokens(salesforce).clock(fixture.clock).events(fixture.events).org(prod).revokeAtRisk(50).build());
    ExchangeResult.Issued issued = issue(strict, MAIN);

    assertThat(strict.setRisk(issuer(), MAIN, 49.9, List.of("new location"), "admin").revokedSessions()).isEmpty();
    assertThat(strict.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    assertThat(strict.setRisk(issuer(), MAIN, 50, List.of("new location"), "admin").revokedSessions())
        .containsExactly(issued.sessionId());
    assertThatThrownBy(() -> TokenBroker.builder().verifier(fixture.verifier).policy(() -> fixture.policy)
        .sessions(store.sessions()).salesforceTokens(salesforce).org(prod).revokeAtRisk(0).build())
        .hasMessageContaining("revoke_at_risk must be above 0 and at most 100, was 0.0");
  }

  @Test
  void noSessionIsIssuedToAPrincipalAtOrAboveTheCutOff() {
    TokenBroker broker = broker();
    broker.setRisk(issuer(), MAIN, 95, List.of("impossible travel", "new device"), "admin");

    ExchangeResult result = broker.exchange(run(MAIN), "prod", "api:read");

    assertThat(result).isInstanceOfSatisfying(ExchangeResult.Refused.class, refused -> {
      assertThat(refused.error()).isEqualTo(OAuthError.ACCESS_DENIED);
      assertThat(refused.description()).isEqualTo("the principal's risk score 95.0 is at or above"
          + " broker.revoke_at_risk (80.0): impossible travel; new device");
    });
    assertThat(salesforce.issued).as("no Salesforce token was obtained").isEmpty();
  }

  @Test
  void policyDecidesTheExchangeOnTheScoreAndItsReasons() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("risk-policies"));
    Files.writeString(policies.resolve("p.yaml"), """
        rules:
          - id: read
            effect: allow
            when: principal.kind == "github"
            session: { scopes: [api:read], max_ttl: 10m }
          - id: no-sessions-on-travel
            effect: deny
            when: risk.score >= 30 && "impossible travel" in risk.reasons
            reason: impossible travel
        """);
    TokenBroker broker = broker(PolicyBundle.load(policies));
    broker.setRisk(issuer(), MAIN, 30, List.of("impossible travel"), "admin");

    assertThat(broker.exchange(run(MAIN), "prod", "api:read")).isInstanceOfSatisfying(ExchangeResult.Refused.class,
        refused -> assertThat(refused.reasons()).containsExactly("impossible travel"));
    assertThat(broker.exchange(run("repo:acme/salesforce-app:ref:refs/heads/other"), "prod", "api:read"))
        .isInstanceOf(ExchangeResult.Issued.class);
  }

  @Test
  void aChangeMadeOnAnotherReplicaIsReadByTheRefreshAndEndsTheSessionsHere() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issue(broker, MAIN);
    assertThat(broker.risk(issuer(), MAIN).score()).isZero();

    // Another replica set it and stopped before it revoked anything.
    store.risks().set(issuer(), MAIN, 90, List.of("detection: mass export"), "detection", fixture.clock.instant());
    assertThat(broker.risk(issuer(), MAIN).score()).as("memory younger than a second").isZero();

    assertThat(broker.refreshRisks()).isEqualTo(1);

    assertThat(broker.risk(issuer(), MAIN)).isEqualTo(new DecisionInput.Risk(90, List.of("detection: mass export")));
    Session revoked = store.sessions().findById(issued.sessionId()).orElseThrow();
    assertThat(revoked.revocation().reason()).isEqualTo("RISK");
    assertThat(revoked.revocation().by()).isEqualTo("detection");
    assertThat(broker.refreshRisks()).as("nothing changed since").isZero();
  }

  @Test
  void memoryOlderThanASecondIsRefreshedBeforeADecisionReadsIt() {
    TokenBroker broker = broker();
    broker.risk(issuer(), MAIN);
    store.risks().set(issuer(), MAIN, 30, List.of("x"), "admin", fixture.clock.instant());

    fixture.clock.advance(Duration.ofMillis(1001));

    assertThat(broker.risk(issuer(), MAIN).score()).isEqualTo(30);
  }

  @Test
  void aStoreThatDoesNotAnswerFailsDecisionsInsteadOfServingAStaleScore() {
    TokenBroker broker = broker();
    broker.setRisk(issuer(), MAIN, 10, List.of("x"), "admin");
    broker.risk(issuer(), MAIN);
    risks.down = true;
    fixture.clock.advance(Duration.ofSeconds(2));

    assertThatThrownBy(() -> broker.risk(issuer(), MAIN)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("risk scores could not be read from the store")
        .hasMessageContaining("lost the connection").hasMessageContaining("no decision is made with them");
    int reads = risks.changeReads.get();
    assertThatThrownBy(() -> broker.risk(issuer(), MAIN)).isInstanceOf(IllegalStateException.class);
    assertThat(broker.exchange(run(MAIN), "prod", "api:read")).isInstanceOfSatisfying(ExchangeResult.Refused.class,
        refused -> assertThat(refused.error()).isEqualTo(OAuthError.TEMPORARILY_UNAVAILABLE));
    assertThat(risks.changeReads.get()).as("failing fast, the store is not asked again at once").isEqualTo(reads);

    fixture.clock.advance(Duration.ofSeconds(1));
    risks.down = false;
    assertThat(broker.risk(issuer(), MAIN).score()).isEqualTo(10);
    assertThat(risks.changeReads.get()).isGreaterThan(reads);
  }

  @Test
  void aSessionThatSlippedThroughIsRevokedAtItsFirstUse() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issue(broker, MAIN);
    // Another replica raised the score; this one read it for a decision before its refresh ran.
    store.risks().set(issuer(), MAIN, 99, List.of("x"), "admin", fixture.clock.instant());
    fixture.clock.advance(Duration.ofSeconds(2));
    assertThat(broker.risk(issuer(), MAIN).score()).isEqualTo(99);

    assertThat(broker.authenticate(issued.accessToken())).isInstanceOfSatisfying(Authentication.Failed.class,
        failed -> {
          assertThat(failed.reason()).isEqualTo(Authentication.Reason.REVOKED);
          assertThat(failed.message()).contains("risk score 99.0");
        });
    assertThat(store.sessions().findById(issued.sessionId()).orElseThrow().revocation().reason()).isEqualTo("RISK");
  }

  @Test
  void aScoreRaisedWhileAnExchangeRunsRefusesTheSessionItWasAboutToIssue() {
    TokenBroker[] broker = new TokenBroker[1];
    SalesforceTokens raisingMidway = new SalesforceTokens() {
      @Override
      public dev.portcullis.salesforce.oauth.AccessToken obtain(IntegrationUser user, OrgTarget org) {
        broker[0].setRisk(issuer(), MAIN, 85, List.of("raised mid-exchange"), "admin");
        return salesforce.obtain(user, org);
      }

      @Override
      public void revoke(OrgTarget org, dev.portcullis.salesforce.oauth.AccessToken token) {
        salesforce.revoke(org, token);
      }
    };
    broker[0] = fixture.closeLater(TokenBroker.builder().verifier(fixture.verifier).policy(() -> fixture.policy)
        .sessions(store.sessions()).revocations(store.sessionRevocations()).risks(risks)
        .salesforceTokens(raisingMidway).clock(fixture.clock).events(fixture.events).org(prod).build());

    ExchangeResult result = broker[0].exchange(run(MAIN), "prod", "api:read");

    assertThat(result).isInstanceOfSatisfying(ExchangeResult.Refused.class,
        refused -> assertThat(refused.description()).contains("risk score 85.0"));
    assertThat(store.sessions().listActive(fixture.clock.instant(), dev.portcullis.store.SessionRepository.Filter.ALL))
        .isEmpty();
    assertThat(salesforce.revoked).hasSize(1);
  }
}
