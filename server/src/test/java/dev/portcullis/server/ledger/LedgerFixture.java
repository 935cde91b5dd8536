package dev.portcullis.server.ledger;

import static org.assertj.core.api.Assertions.fail;

import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.server.config.Config;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** What the server-ledger tests share: keys, configurations, entries, verification and polling with a deadline. */
public final class LedgerFixture {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

  /** The test PostgreSQL: database {@code test}, user {@code postgres}, trust authentication. */
  static final String POSTGRES = "127.0.0.1:5432";

  private LedgerFixture() {}

  /** Creates a schema with a random name in the test database, for one test. */
  public static String createSchema() throws SQLException {
    String schema = "test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    try {
      execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      // Same switch as the store's tests: skipping PostgreSQL is a deliberate choice, never a silent one.
      if ("skip".equals(System.getenv("PORTCULLIS_TEST_POSTGRES"))) {
        org.junit.jupiter.api.Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES
            + "; skipped because PORTCULLIS_TEST_POSTGRES=skip");
      }
      throw new SQLException("PostgreSQL is not reachable at " + POSTGRES + " (database test, user postgres, trust"
          + " auth): " + e.getMessage() + ". Set PORTCULLIS_TEST_POSTGRES=skip to skip these tests on purpose.", e);
    }
    return schema;
  }

  public static void dropSchema(String schema) throws SQLException {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** The store URL of {@code schema}. */
  public static String postgresqlUrl(String schema) {
    return "postgresql://" + POSTGRES + "/test?user=postgres&currentSchema=" + schema;
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + POSTGRES + "/test", "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static LedgerIdentity identity(KeyPair key, Optional<String> origin) {
    return LedgerIdentity.of(key.getPrivate().getEncoded(), key.getPublic().getEncoded(), origin);
  }

  static Config.Ledger config(Config.Ledger.Backend backend, Duration witnessInterval,
      List<Config.Ledger.Witness> witnesses) {
    return new Config.Ledger(Optional.empty(), backend, Duration.ofMillis(2), 4096, witnesses, witnessInterval);
  }

  /** An entry of a kind Portcullis does not define, so only the envelope rules apply. */
  static LedgerEntry entry(String kind, String actor, int n) {
    return LedgerEntry.of(kind, T0.plusSeconds(n), Map.of("actor", actor, "n", n));
  }

  /** Appends all at once (so they share batches) and waits for every index. */
  static List<Long> append(ServerLedger ledger, String kind, String actor, int count) {
    List<CompletableFuture<Long>> acks = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(ledger.append(entry(kind, actor, i)));
    }
    List<Long> indices = acks.stream().map(LedgerFixture::join).toList();
    try {
      ledger.awaitPublished(); // the tests read the directory too
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return indices;
  }

  static long join(CompletableFuture<Long> ack) {
    try {
      return ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("append was not acknowledged: " + e, e);
    }
  }

  /** Verifies the whole log as an auditor would, history included. */
  static LedgerVerifier.Result verify(LedgerReader reader, LedgerIdentity identity,
      List<CosignatureVerifier> witnesses, int quorum) {
    LedgerVerifier.Builder builder = LedgerVerifier.builder(reader, List.of(identity.signer().verifier()))
        .origin(identity.origin())
        .verifyHistory(true)
        .stopAtFirstProblem(false);
    if (quorum > 0) {
      builder.witnesses(witnesses, quorum);
    }
    return builder.build().verify();
  }

  /**
   * Polls {@code probe} until it yields a value, failing after {@link #TIMEOUT}. The pause between polls is the
   * poll interval of a deadline-bound wait (as Awaitility does), not a synchronisation point.
   */
  public static <T> T eventually(String what, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        return fail("not within " + TIMEOUT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
