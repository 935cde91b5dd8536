package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.portcullis.store.Session;
import dev.portcullis.store.Store;
import dev.portcullis.store.StoreException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas, each a {@link Store} and a broker, on one PostgreSQL database (a schema of its
 * own): a session revoked through replica A's store reaches replica B's broker over
 * LISTEN/NOTIFY, which evicts it and ends its watch. PostgreSQL at 127.0.0.1:5432, database
 * {@code test}, user {@code postgres}, trust auth, as the store tests use it; {@code
 * PORTCULLIS_TEST_POSTGRES=skip} skips when it is not there. Waits are for events, with a generous
 * deadline; nothing is timed.
 */
class TokenBrokerPostgresTest {
  private static final String HOST_PORT = System.getProperty("portcullis.test.postgres", "127.0.0.1:5432");
  private static final String ADMIN_URL = "jdbc:postgresql://" + HOST_PORT + "/test?connectTimeout=5";
  private static final String ORG_ID = "00D000000000001AAA";
  private static final long DEADLINE_SECONDS = 30;

  @TempDir Path dir;
  private final String schema = "test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
  private BrokerFixture fixture;
  private Store storeA;
  private Store storeB;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new BrokerFixture(dir);
    String url = "postgresql://" + HOST_PORT + "/test?user=postgres&currentSchema=" + schema;
    try {
      storeA = Store.open(url, null); // creates the schema and migrates it
    } catch (StoreException e) {
      String why = "PostgreSQL is not reachable at " + HOST_PORT + " (database test, user postgres, trust auth): "
          + e.getMessage();
      if ("skip".equals(System.getenv("PORTCULLIS_TEST_POSTGRES"))) {
        Assumptions.abort(why + "; skipped because PORTCULLIS_TEST_POSTGRES=skip");
      }
      fail(why + ". Start it, or set PORTCULLIS_TEST_POSTGRES=skip to skip this test.", e);
    }
    storeB = Store.open(url, null);
  }

  @AfterEach
  void tearDown() throws SQLException {
    fixture.close();
    if (storeB != null) {
      storeB.close();
    }
    if (storeA != null) {
      storeA.close();
      try (Connection connection = DriverManager.getConnection(ADMIN_URL, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void aRevocationThroughOneReplicasStoreReachesTheOtherReplicasBroker() throws Exception {
    OrgTarget org = BrokerFixture.org("prod", ORG_ID, URI.create("https://login.salesforce.com"), "ci@acme.example");
    BrokerFixture.register(storeA, org);
    FakeSalesforceTokens salesforce = new FakeSalesforceTokens();
    TokenBroker replicaA = fixture.broker(storeA.sessions(), storeA.sessionRevocations(), salesforce, org,
        TokenBroker.DEFAULT_CACHE_CAPACITY);
    CountingSessionRepository readsOfB = new CountingSessionRepository(storeB.sessions());
    TokenBroker replicaB = fixture.broker(readsOfB, storeB.sessionRevocations(), salesforce, org,
        TokenBroker.DEFAULT_CACHE_CAPACITY);
    awaitConnected(storeB);

    ExchangeResult.Issued issued = fixture.issue(replicaA, org);
    assertThat(replicaB.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    assertThat(replicaB.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    assertThat(readsOfB.tokenReads).as("B read the store once, then answered from its cache").hasValue(1);
    Session session = storeA.sessions().findById(issued.sessionId()).orElseThrow();
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<Authentication.Failed> why = new AtomicReference<>();
    replicaB.watch(session, failed -> {
      why.set(failed);
      ended.countDown();
    });

    assertThat(storeA.sessions().revoke(issued.sessionId(), "admin", "leaked", fixture.clock.instant())).isTrue();

    assertThat(ended.await(DEADLINE_SECONDS, TimeUnit.SECONDS))
        .as("B heard the revocation within %d s", DEADLINE_SECONDS).isTrue();
    assertThat(why.get().reason()).isEqualTo(Authentication.Reason.REVOKED);
    assertThat(replicaB.cachedSessionCount()).isZero();
    assertThat(replicaB.authenticate(issued.accessToken())).isInstanceOfSatisfying(Authentication.Failed.class,
        f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.REVOKED));
    assertThat(replicaA.holdsSalesforceToken(issued.sessionId())).as("A heard its own store").isFalse();
  }

  private static void awaitConnected(Store store) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!store.sessionRevocations().connected()) {
      assertThat(System.nanoTime()).as("the revocation feed connected within %d s", DEADLINE_SECONDS)
          .isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
