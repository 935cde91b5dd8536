package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionTokens;
import dev.portcullis.store.Store;
import dev.portcullis.store.StoreException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's session cache, use counts and watches, with two "replicas" (two brokers) over one
 * SQLite store and its in-process revocation feed. Store reads are counted by a wrapping
 * repository; waits are latches with generous deadlines, never sleeps.
 */
class TokenBrokerCacheTest {
  private static final String ORG_ID = "00D000000000001AAA";
  private static final long DEADLINE_SECONDS = 30;

  @TempDir Path dir;
  private BrokerFixture fixture;
  private Store store;
  private OrgTarget org;
  private final FakeSalesforceTokens salesforce = new FakeSalesforceTokens();
  private CountingSessionRepository readsOfA;
  private CountingSessionRepository readsOfB;
  /** The replica that issues sessions. */
  private TokenBroker replicaA;
  /** Another replica over the same store. */
  private TokenBroker replicaB;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new BrokerFixture(dir);
    store = Store.open("sqlite:" + dir.resolve("portcullis.db"), dir);
    org = BrokerFixture.org("prod", ORG_ID, URI.create("https://login.salesforce.com"), "ci@acme.example");
    BrokerFixture.register(store, org);
    readsOfA = new CountingSessionRepository(store.sessions());
    readsOfB = new CountingSessionRepository(store.sessions());
    replicaA = fixture.broker(readsOfA, store.sessionRevocations(), salesforce, org, TokenBroker.DEFAULT_CACHE_CAPACITY);
    replicaB = fixture.broker(readsOfB, store.sessionRevocations(), salesforce, org, TokenBroker.DEFAULT_CACHE_CAPACITY);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
    store.close();
  }

  @Test
  void anotherReplicaObtainsItsOwnSalesforceTokenForTheSessionAndDropsItWhenTheSessionEnds() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = ((Authentication.Active) replicaB.authenticate(issued.accessToken())).session();
    AccessToken onA = replicaA.salesforceAccess(session);
    assertThat(salesforce.issued).containsExactly(onA);

    AccessToken onB = replicaB.salesforceAccess(session);
    assertThat(onB.accessToken()).as("never the token of the issuing replica").isNotEqualTo(onA.accessToken());
    assertThat(replicaB.salesforceAccess(session)).as("one login per session per replica").isSameAs(onB);
    assertThat(salesforce.usernames).containsExactly("ci@acme.example", "ci@acme.example");

    assertThat(replicaA.revoke(session.id(), "admin", "incident")).isTrue();
    assertThat(salesforce.revoked).extracting(AccessToken::accessToken)
        .containsExactlyInAnyOrder(onA.accessToken(), onB.accessToken());
    assertThat(replicaB.holdsSalesforceToken(session.id())).isFalse();
    assertThatThrownBy(() -> replicaB.salesforceAccess(session)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ended");
  }

  @Test
  void aFollowerTokenIsItsOwnOutlivesTheSessionAndIsRevokedWhenReleased() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = ((Authentication.Active) replicaA.authenticate(issued.accessToken())).session();
    AccessToken sessions = replicaA.salesforceAccess(session);
    AccessToken follower = replicaA.followerAccess(session);
    assertThat(follower.accessToken()).as("never the session's token").isNotEqualTo(sessions.accessToken());
    assertThat(salesforce.usernames).containsExactly("ci@acme.example", "ci@acme.example");

    assertThat(replicaA.revoke(session.id(), "admin", "the run ended")).isTrue();
    assertThat(salesforce.revoked).extracting(AccessToken::accessToken).containsExactly(sessions.accessToken());

    replicaA.releaseFollowerAccess(session.orgAlias(), follower);
    assertThat(salesforce.revoked).extracting(AccessToken::accessToken)
        .containsExactly(sessions.accessToken(), follower.accessToken());
  }

  @Test
  void aTokenHeldForASessionWhoseExpiryAnotherReplicaReportedIsDroppedBySweep() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = ((Authentication.Active) replicaB.authenticate(issued.accessToken())).session();
    AccessToken onB = replicaB.salesforceAccess(session);

    fixture.clock.advance(java.time.Duration.ofMinutes(11));
    replicaA.sweepExpired(100); // A reports the expiry
    replicaB.sweepExpired(100); // B has nothing to report, but drops what it holds for it

    assertThat(replicaB.holdsSalesforceToken(session.id())).isFalse();
    assertThat(salesforce.revoked).extracting(AccessToken::accessToken).contains(onB.accessToken());
  }

  private static void assertFailed(Authentication authentication, Authentication.Reason reason) {
    assertThat(authentication).isInstanceOfSatisfying(Authentication.Failed.class,
        f -> assertThat(f.reason()).as(f.message()).isEqualTo(reason));
  }

  @Test
  void aCacheHitNeedsNoStoreRead() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);

    // The issuing replica cached the session it just stored.
    for (int i = 0; i < 3; i++) {
      assertThat(replicaA.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    }
    assertThat(readsOfA.tokenReads).hasValue(0);

    // Another replica reads it once, then answers from memory.
    for (int i = 0; i < 3; i++) {
      assertThat(replicaB.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    }
    assertThat(readsOfB.tokenReads).hasValue(1);
    assertThat(replicaB.cachedSessionCount()).isEqualTo(1);
  }

  @Test
  void aRevocationOnAnotherReplicaIsRefusedAsSoonAsTheFeedDelivers() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    assertThat(replicaB.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    List<Authentication.Failed> ended = new ArrayList<>();
    Session session = store.sessions().findById(issued.sessionId()).orElseThrow();
    replicaB.watch(session, ended::add);

    // The in-process feed delivers before revoke returns (PostgreSQL: see TokenBrokerPostgresTest).
    assertThat(replicaA.revoke(issued.sessionId(), "admin", "leaked")).isTrue();

    assertThat(replicaB.cachedSessionCount()).isZero();
    assertFailed(replicaB.authenticate(issued.accessToken()), Authentication.Reason.REVOKED);
    assertThat(ended).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.REVOKED));
    assertThat(replicaB.watchCount()).isZero();
  }

  @Test
  void aRevocationStraightInTheStoreIsHeardToo() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    replicaA.authenticate(issued.accessToken());

    // As the admin API does it: through the store, not a broker.
    store.sessions().revoke(issued.sessionId(), "detection", "impossible travel", fixture.clock.instant());

    assertFailed(replicaA.authenticate(issued.accessToken()), Authentication.Reason.REVOKED);
    assertFailed(replicaB.authenticate(issued.accessToken()), Authentication.Reason.REVOKED);
  }

  @Test
  void whileTheFeedIsInterruptedEveryAuthenticationReadsTheStore() {
    ControllableRevocationFeed feed = fixture.closeLater(new ControllableRevocationFeed(store.sessionRevocations()));
    CountingSessionRepository reads = new CountingSessionRepository(store.sessions());
    TokenBroker replica = fixture.broker(reads, feed, salesforce, org, TokenBroker.DEFAULT_CACHE_CAPACITY);
    ExchangeResult.Issued kept = fixture.issue(replicaA, org);
    ExchangeResult.Issued revoked = fixture.issue(replicaA, org);
    replica.authenticate(kept.accessToken());
    replica.authenticate(revoked.accessToken());
    assertThat(reads.tokenReads).hasValue(2);
    assertThat(replica.cachedSessionCount()).isEqualTo(2);

    feed.interrupt();
    assertThat(replica.cachedSessionCount()).isZero();
    // A revocation this replica does not hear while the feed is down: the store still tells.
    store.sessions().revoke(revoked.sessionId(), "admin", "leaked", fixture.clock.instant());
    assertFailed(replica.authenticate(revoked.accessToken()), Authentication.Reason.REVOKED);
    for (int i = 0; i < 3; i++) {
      assertThat(replica.authenticate(kept.accessToken())).isInstanceOf(Authentication.Active.class);
    }
    assertThat(reads.tokenReads).hasValue(2 + 1 + 3);
    assertThat(replica.cachedSessionCount()).isZero();

    feed.reconnect(Set.of(revoked.sessionId()));
    assertThat(replica.authenticate(kept.accessToken())).isInstanceOf(Authentication.Active.class);
    assertThat(replica.authenticate(kept.accessToken())).isInstanceOf(Authentication.Active.class);
    assertThat(reads.tokenReads).as("one read to fill again, then hits").hasValue(2 + 1 + 3 + 1);
  }

  @Test
  void aFeedNotYetConnectedIsAnInterruption() {
    ControllableRevocationFeed feed = fixture.closeLater(new ControllableRevocationFeed(store.sessionRevocations()));
    feed.interrupt();
    CountingSessionRepository reads = new CountingSessionRepository(store.sessions());
    TokenBroker replica = fixture.broker(reads, feed, salesforce, org, TokenBroker.DEFAULT_CACHE_CAPACITY);
    ExchangeResult.Issued issued = fixture.issue(replica, org);

    replica.authenticate(issued.accessToken());
    replica.authenticate(issued.accessToken());
    assertThat(reads.tokenReads).hasValue(2);

    feed.reconnect(Set.of());
    replica.authenticate(issued.accessToken());
    replica.authenticate(issued.accessToken());
    assertThat(reads.tokenReads).hasValue(3);
  }

  @Test
  void withoutAFeedNothingIsCached() {
    CountingSessionRepository reads = new CountingSessionRepository(store.sessions());
    TokenBroker replica = fixture.broker(reads, null, salesforce, org, TokenBroker.DEFAULT_CACHE_CAPACITY);
    ExchangeResult.Issued issued = fixture.issue(replica, org);

    replica.authenticate(issued.accessToken());
    replica.authenticate(issued.accessToken());

    assertThat(reads.tokenReads).hasValue(2);
    assertThat(replica.cachedSessionCount()).isZero();
  }

  @Test
  void aCachedSessionExpiresByTheClockWithoutAStoreRead() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = store.sessions().findById(issued.sessionId()).orElseThrow();
    List<Authentication.Failed> ended = new ArrayList<>();
    replicaA.watch(session, ended::add);

    fixture.clock.advance(Duration.ofSeconds(issued.expiresIn() - 1));
    assertThat(replicaA.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    fixture.clock.advance(Duration.ofSeconds(1));
    assertFailed(replicaA.authenticate(issued.accessToken()), Authentication.Reason.EXPIRED);

    assertThat(readsOfA.tokenReads).hasValue(0);
    assertThat(replicaA.cachedSessionCount()).isZero();
    assertThat(ended).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.EXPIRED));
  }

  @Test
  void theSweepEndsTheWatchesOfExpiredSessionsOnEveryReplica() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = store.sessions().findById(issued.sessionId()).orElseThrow();
    List<Authentication.Failed> onA = new ArrayList<>();
    List<Authentication.Failed> onB = new ArrayList<>();
    replicaA.watch(session, onA::add);
    replicaB.watch(session, onB::add);
    fixture.clock.advance(Duration.ofSeconds(issued.expiresIn()));

    assertThat(replicaA.sweepExpired(100)).isEqualTo(1);
    assertThat(replicaB.sweepExpired(100)).as("reported once across replicas").isZero();

    assertThat(onA).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.EXPIRED));
    assertThat(onB).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.EXPIRED));
    assertThat(replicaA.cachedSessionCount()).isZero();
  }

  /**
   * The race: a fill reads the session (active), a revocation is delivered, and only then does the
   * fill insert. The revocation must win: this request is refused and nothing is cached.
   */
  @Test
  void aRevocationDeliveredDuringACacheFillIsNotUndone() throws Exception {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    readsOfB.afterTokenRead = found -> {
      assertThat(found).hasValueSatisfying(s -> assertThat(s.revocation()).isNull());
      read.countDown();
      await(proceed);
    };
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Authentication> filling = executor.submit(() -> replicaB.authenticate(issued.accessToken()));
      await(read);
      readsOfB.afterTokenRead = found -> {};

      assertThat(replicaA.revoke(issued.sessionId(), "admin", "leaked")).isTrue(); // delivered to B before it returns
      proceed.countDown();

      assertFailed(filling.get(DEADLINE_SECONDS, TimeUnit.SECONDS), Authentication.Reason.REVOKED);
    } finally {
      executor.shutdownNow();
    }
    assertThat(replicaB.cachedSessionCount()).isZero();
    assertFailed(replicaB.authenticate(issued.accessToken()), Authentication.Reason.REVOKED);
  }

  @Test
  void randomWellFormedTokensCostAStoreReadEachAndNoMemory() {
    for (int i = 0; i < 5_000; i++) {
      assertFailed(replicaB.authenticate(SessionTokens.generate(ORG_ID)), Authentication.Reason.UNKNOWN);
    }
    assertThat(readsOfB.tokenReads).hasValue(5_000);
    assertThat(replicaB.cachedSessionCount()).isZero();
    assertThat(replicaB.rememberedRevocations()).isZero();
  }

  @Test
  void theCacheAndTheRevokedIdsStayWithinTheCapacity() {
    TokenBroker small = fixture.broker(new CountingSessionRepository(store.sessions()), store.sessionRevocations(),
        salesforce, org, 3);
    List<ExchangeResult.Issued> issued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      issued.add(fixture.issue(replicaA, org));
    }
    for (ExchangeResult.Issued session : issued) {
      assertThat(small.authenticate(session.accessToken())).isInstanceOf(Authentication.Active.class);
      assertThat(small.cachedSessionCount()).isLessThanOrEqualTo(3);
    }
    for (ExchangeResult.Issued session : issued) {
      replicaA.revoke(session.sessionId(), "admin", "cleanup");
      assertThat(small.rememberedRevocations()).isLessThanOrEqualTo(3);
    }
    for (ExchangeResult.Issued session : issued) {
      assertFailed(small.authenticate(session.accessToken()), Authentication.Reason.REVOKED);
    }
  }

  @Test
  void usesAreCountedInMemoryAndFlushedToTheStoreAndTheLedger() {
    ExchangeResult.Issued first = fixture.issue(replicaA, org);
    ExchangeResult.Issued second = fixture.issue(replicaA, org);
    for (int i = 0; i < 3; i++) {
      replicaA.authenticate(first.accessToken());
    }
    replicaB.authenticate(first.accessToken());
    replicaA.authenticate(second.accessToken());
    replicaA.authenticate("not a token");
    replicaA.authenticate(SessionTokens.generate(ORG_ID));
    fixture.clock.advance(Duration.ofSeconds(30));

    assertThat(replicaA.flushUses()).isEqualTo(2);
    assertThat(replicaB.flushUses()).isEqualTo(1);
    assertThat(replicaA.flushUses()).isZero();

    assertThat(store.sessions().findById(first.sessionId()).orElseThrow().useCount()).isEqualTo(4);
    assertThat(store.sessions().findById(second.sessionId()).orElseThrow().useCount()).isEqualTo(1);
    assertThat(store.sessions().findById(first.sessionId()).orElseThrow().lastUsedAt())
        .isEqualTo(BrokerFixture.START.plusSeconds(30));
    assertThat(fixture.events.of(BrokerEvents.SessionsUsed.class)).containsExactly(
        new BrokerEvents.SessionsUsed(Map.of(first.sessionId(), 3L, second.sessionId(), 1L),
            BrokerFixture.START, BrokerFixture.START.plusSeconds(30)),
        new BrokerEvents.SessionsUsed(Map.of(first.sessionId(), 1L),
            BrokerFixture.START, BrokerFixture.START.plusSeconds(30)));
  }

  @Test
  void aRevocationReportsTheUsesKnownSoFar() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    replicaA.authenticate(issued.accessToken());
    replicaA.authenticate(issued.accessToken());
    replicaA.flushUses();
    replicaA.authenticate(issued.accessToken());

    replicaA.revoke(issued.sessionId(), "admin", "done");

    assertThat(fixture.events.of(BrokerEvents.SessionRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.useCount()).isEqualTo(3));
  }

  @Test
  void countsSurviveAFailedFlushAndAreWrittenAtClose() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    replicaA.authenticate(issued.accessToken());
    readsOfA.recordUsesFailure = new StoreException(StoreException.Code.UNAVAILABLE, "the database is down");

    assertThatThrownBy(replicaA::flushUses).isInstanceOf(StoreException.class);
    assertThat(fixture.events.of(BrokerEvents.SessionsUsed.class)).isEmpty();

    readsOfA.recordUsesFailure = null;
    replicaA.authenticate(issued.accessToken());
    replicaA.close();

    assertThat(store.sessions().findById(issued.sessionId()).orElseThrow().useCount()).isEqualTo(2);
    assertThat(fixture.events.of(BrokerEvents.SessionsUsed.class)).singleElement()
        .satisfies(e -> assertThat(e.uses()).containsExactly(Map.entry(issued.sessionId(), 2L)));
  }

  @Test
  void aWatchFiresOnceAtMostAndNotAfterItIsClosed() {
    ExchangeResult.Issued watched = fixture.issue(replicaA, org);
    ExchangeResult.Issued finished = fixture.issue(replicaA, org);
    Session watchedSession = store.sessions().findById(watched.sessionId()).orElseThrow();
    Session finishedSession = store.sessions().findById(finished.sessionId()).orElseThrow();
    List<Authentication.Failed> ended = new ArrayList<>();
    AtomicBoolean finishedEnded = new AtomicBoolean();
    TokenBroker.Watch watch = replicaB.watch(watchedSession, ended::add);
    replicaB.watch(finishedSession, f -> finishedEnded.set(true)).close();

    replicaA.revoke(watched.sessionId(), "admin", "first");
    replicaA.revoke(finished.sessionId(), "admin", "second");
    replicaB.authenticate(watched.accessToken());
    watch.close();

    assertThat(ended).hasSize(1);
    assertThat(finishedEnded).isFalse();
    assertThat(replicaB.watchCount()).isZero();
  }

  @Test
  void aWatchOnASessionAlreadyKnownRevokedFiresAtOnce() {
    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    Session session = store.sessions().findById(issued.sessionId()).orElseThrow();
    replicaA.revoke(issued.sessionId(), "admin", "leaked");
    List<Authentication.Failed> ended = new ArrayList<>();

    replicaB.watch(session, ended::add);

    assertThat(ended).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.REVOKED));
    assertThat(replicaB.watchCount()).isZero();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("latch released within %d s", DEADLINE_SECONDS)
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
