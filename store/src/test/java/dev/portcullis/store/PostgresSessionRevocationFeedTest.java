package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (two {@link Store}s) on one PostgreSQL schema: a revocation through one reaches the
 * other's listeners through LISTEN/NOTIFY, and after the listening connection was killed, through
 * the resync that follows the reconnect. Waits are for events, with generous deadlines.
 */
class PostgresSessionRevocationFeedTest {
  private static final long DEADLINE_SECONDS = 30;

  private StoreFixture fixture;
  private Store replicaA;
  private Store replicaB;
  private Instant now;

  /** Records what a listener heard, in order. */
  private static final class Recorder implements SessionRevocationFeed.Listener {
    final BlockingQueue<Set<String>> revoked = new LinkedBlockingQueue<>();
    final BlockingQueue<String> interruptions = new LinkedBlockingQueue<>();

    @Override
    public void onRevoked(Set<String> sessionIds) {
      revoked.add(sessionIds);
    }

    @Override
    public void onInterrupted(String reason) {
      interruptions.add(reason);
    }

    /** Waits until every id in {@code expected} was heard; returns everything heard meanwhile. */
    List<String> awaitAll(Set<String> expected) throws InterruptedException {
      List<String> heard = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
      while (!new HashSet<>(heard).containsAll(expected)) {
        Set<String> next = revoked.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(next).as("revocations heard within %d s: %s of %s", DEADLINE_SECONDS, heard.size(),
            expected.size()).isNotNull();
        heard.addAll(next);
      }
      return heard;
    }
  }

  @BeforeEach
  void open() {
    fixture = StoreFixture.create("postgresql");
    replicaA = fixture.open();
    replicaB = fixture.open();
    replicaA.orgs().upsert(Samples.org("acme", "00D000000000001"));
    // Sessions issued a minute ago, valid for 15 minutes: the resync only reads unexpired ones.
    now = Clock.systemUTC().instant();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private Session createSession(Store store, int n) {
    Session sample = Samples.session("acme", n);
    Instant issued = now.minusSeconds(60);
    return store.sessions().create(Session.issued(SessionTokens.newSessionId(issued), sample.tokenHash(), "acme",
        sample.orgId(), sample.principal(), sample.binding(), sample.scopes(), sample.integrationUser(), null,
        sample.policyHash(), null, issued, issued.plusSeconds(900)));
  }

  /** Subscribes and waits until the replica's listening connection is up and resynchronised. */
  private Recorder subscribe(Store replica) throws InterruptedException {
    Recorder recorder = new Recorder();
    replica.sessionRevocations().subscribe(recorder);
    awaitConnected(replica);
    return recorder;
  }

  private static void awaitConnected(Store replica) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!replica.sessionRevocations().connected()) {
      assertThat(System.nanoTime()).as("the feed connected").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aRevocationOnOneReplicaReachesTheOther() throws Exception {
    Session session = createSession(replicaA, 1);
    Recorder onB = subscribe(replicaB);

    assertThat(replicaA.sessions().revoke(session.id(), "admin", "test", now)).isTrue();

    assertThat(onB.awaitAll(Set.of(session.id()))).contains(session.id());
  }

  @Test
  void revokingAPrincipalsManySessionsReachesTheOtherReplicaInSeveralNotifications() throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 400; i++) {
      ids.add(createSession(replicaA, i).id());
    }
    Recorder onB = subscribe(replicaB);
    // 400 ids of 30 characters do not fit one 8000-byte payload.
    assertThat(PostgresSessionRevocationFeed.payloads("origin", ids)).hasSizeGreaterThan(1);

    List<Session> revoked = replicaA.sessions().revokeByPrincipal(
        Samples.GITHUB_MAIN.issuer(), Samples.GITHUB_MAIN.subject(), "detection", "risk raised", now);

    assertThat(revoked).hasSize(400);
    assertThat(onB.awaitAll(ids)).containsAll(ids);
  }

  @Test
  void theRevokingReplicaHearsItsOwnRevocationOnceAndInOrder() throws Exception {
    Session first = createSession(replicaA, 1);
    Session second = createSession(replicaA, 2);
    Recorder onA = subscribe(replicaA);

    replicaA.sessions().revoke(first.id(), "admin", "test", now);
    // Delivered locally before revoke returned:
    assertThat(onA.revoked.poll()).containsExactly(first.id());
    replicaB.sessions().revoke(second.id(), "admin", "test", now);

    // Notifications arrive in commit order: once B's is heard, A's own would have been heard before it.
    List<String> heard = onA.awaitAll(Set.of(second.id()));
    assertThat(heard).containsExactly(second.id());
  }

  @Test
  void aRevocationMadeWhileTheListenerWasDisconnectedIsDeliveredAfterTheReconnect() throws Exception {
    Session session = createSession(replicaA, 1);
    Recorder onB = subscribe(replicaB);
    PostgresSessionRevocationFeed feedB = (PostgresSessionRevocationFeed) replicaB.sessionRevocations();
    CountDownLatch reconnectAllowed = new CountDownLatch(1);
    feedB.beforeReconnect(() -> {
      try {
        reconnectAllowed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    assertThat(fixture.queryStrings("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        + " WHERE application_name = '" + feedB.applicationName() + "'")).containsExactly("t");
    assertThat(onB.interruptions.poll(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("B was told it lost the feed")
        .contains("lost its PostgreSQL connection");
    assertThat(feedB.connected()).isFalse();

    // Revoked while B does not listen: the NOTIFY is lost for B ...
    assertThat(replicaA.sessions().revoke(session.id(), "admin", "while B was down", now)).isTrue();
    assertThat(onB.revoked).isEmpty();
    reconnectAllowed.countDown();

    // ... and the resync after the reconnect delivers it.
    assertThat(onB.awaitAll(Set.of(session.id()))).contains(session.id());
    awaitConnected(replicaB);

    // Notifications flow again after the reconnect.
    Session later = createSession(replicaA, 2);
    replicaA.sessions().revoke(later.id(), "admin", "after", now);
    assertThat(onB.awaitAll(Set.of(later.id()))).contains(later.id());
  }

  @Test
  void installationsInOtherSchemasUseAnotherChannel() {
    assertThat(PostgresSessionRevocationFeed.channelFor("tenant_a"))
        .isNotEqualTo(PostgresSessionRevocationFeed.channelFor("tenant_b"))
        .startsWith(PostgresSessionRevocationFeed.CHANNEL_PREFIX)
        .hasSizeLessThanOrEqualTo(63); // PostgreSQL's identifier limit
  }

  @Test
  void payloadsStayUnderPostgresqlsLimitAndCarryEveryIdOnce() {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(SessionTokens.newSessionId(now));
    }
    List<String> payloads = PostgresSessionRevocationFeed.payloads("0123456789abcdef", ids);
    List<String> carried = new ArrayList<>();
    for (String payload : payloads) {
      assertThat(payload.length()).isLessThan(8000);
      String[] words = payload.split(" ");
      assertThat(words[0]).isEqualTo("0123456789abcdef");
      carried.addAll(List.of(words).subList(1, words.length));
    }
    assertThat(carried).containsExactlyElementsOf(ids);
    assertThat(PostgresSessionRevocationFeed.payloads("o", Set.of())).isEmpty();
  }
}
