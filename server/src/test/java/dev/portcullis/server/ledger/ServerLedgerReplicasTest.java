package dev.portcullis.server.ledger;

import static dev.portcullis.server.ledger.LedgerFixture.config;
import static dev.portcullis.server.ledger.LedgerFixture.ed25519;
import static dev.portcullis.server.ledger.LedgerFixture.entry;
import static dev.portcullis.server.ledger.LedgerFixture.eventually;
import static dev.portcullis.server.ledger.LedgerFixture.identity;
import static dev.portcullis.server.ledger.LedgerFixture.join;
import static dev.portcullis.server.ledger.LedgerFixture.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.server.config.Config;
import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import dev.portcullis.store.LedgerIndexRepository.Query;
import dev.portcullis.store.Store;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server replicas sharing one ledger in PostgreSQL (a fresh schema of the test database per test): one sequences,
 * the others hand their entries over, and one of them takes over when the sequencer goes away.
 */
class ServerLedgerReplicasTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);

  @TempDir Path dir;
  private final KeyPair key = ed25519();
  private final LedgerIdentity identity = identity(key, Optional.of("portcullis.test/replicas"));
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String schema;

  @BeforeEach
  void createSchema() throws Exception {
    schema = LedgerFixture.createSchema();
  }

  @AfterEach
  void dropSchema() throws Exception {
    for (AutoCloseable closeable : closeables.reversed()) {
      closeable.close();
    }
    LedgerFixture.dropSchema(schema);
  }

  private Store store(String replica) {
    Store store = Store.open(LedgerFixture.postgresqlUrl(schema), dir.resolve(replica));
    closeables.add(store);
    return store;
  }

  /** A replica: its own store (connection pool) and data directory, the shared schema and signing key. */
  private record Replica(Store store, ServerLedger ledger) {}

  private Replica replica(String name, LedgerIdentity as) throws Exception {
    Store store = store(name);
    ServerLedger ledger = ServerLedger.open(dir.resolve(name),
        config(Config.Ledger.Backend.POSTGRESQL, INTERVAL, List.of()), store, as);
    closeables.add(ledger);
    return new Replica(store, ledger);
  }

  private static List<CompletableFuture<Long>> submit(ServerLedger ledger, String actor, int count) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(ledger.append(entry("test.event", actor, i)));
    }
    return acks;
  }

  private static List<Long> all(List<CompletableFuture<Long>> acks) {
    return acks.stream().map(LedgerFixture::join).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  @Test
  void oneReplicaSequencesAndTheOtherHandsItsEntriesOver() throws Exception {
    Replica first = replica("a", identity);
    Replica second = replica("b", identity);
    assertThat(first.ledger().sequencing()).isTrue();
    assertThat(second.ledger().sequencing()).isFalse();

    List<CompletableFuture<Long>> handedOver = submit(second.ledger(), "bob@example.com", 20);
    List<CompletableFuture<Long>> direct = submit(first.ledger(), "alice@example.com", 20);
    List<Long> indices = new ArrayList<>(all(handedOver));
    indices.addAll(all(direct));

    assertThat(indices).containsExactlyInAnyOrderElementsOf(range(0, 40));
    assertThat(second.ledger().size()).isEqualTo(40);
    LedgerVerifier.Result result = verify(LedgerReader.storage(second.store().ledgerStorage()), identity, List.of(), 0);
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(40);

    second.ledger().awaitIndexed(LedgerFixture.TIMEOUT);
    first.ledger().awaitIndexed(LedgerFixture.TIMEOUT);
    assertThat(second.store().ledgerIndex().search(Query.all(100).withActor("bob@example.com")))
        .extracting(IndexRow::idx).containsExactlyInAnyOrderElementsOf(all(handedOver));
  }

  @Test
  void whenTheSequencerClosesAnotherReplicaTakesOverAndAppendsContinue() throws Exception {
    Replica first = replica("a", identity);
    Replica second = replica("b", identity);
    assertThat(all(submit(second.ledger(), "bob@example.com", 5))).containsExactlyInAnyOrderElementsOf(range(0, 5));

    first.ledger().close();
    // Handed over while no replica sequences: answered once the second one has taken over.
    List<CompletableFuture<Long>> waiting = submit(second.ledger(), "bob@example.com", 3);

    eventually("the second replica sequences", () -> Optional.of(second.ledger()).filter(ServerLedger::sequencing));
    assertThat(all(waiting)).containsExactlyInAnyOrderElementsOf(range(5, 8));
    assertThat(all(submit(second.ledger(), "carol@example.com", 2))).containsExactly(8L, 9L);
    assertThatThrownBy(() -> first.ledger().append(entry("test.event", "alice@example.com", 0)))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.SEQUENCER_CLOSED));

    Replica third = replica("c", identity);
    assertThat(third.ledger().sequencing()).isFalse();
    assertThat(all(submit(third.ledger(), "dave@example.com", 2))).containsExactly(10L, 11L);
    LedgerVerifier.Result result = verify(LedgerReader.storage(third.store().ledgerStorage()), identity, List.of(), 0);
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(12);
  }

  @Test
  void aReplicaWithAnotherKeyIsRefusedAtOpenRatherThanAtTakeOver() throws Exception {
    Replica first = replica("a", identity);
    assertThat(all(submit(first.ledger(), "alice@example.com", 1))).containsExactly(0L);

    LedgerIdentity stranger = identity(ed25519(), Optional.of(identity.origin()));
    assertThatThrownBy(() -> replica("b", stranger))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID))
        .hasMessageContaining("the ledger in PostgreSQL is not signed by this server's key");
    assertThat(join(first.ledger().append(entry("test.event", "alice@example.com", 1)))).isEqualTo(1L);
  }
}
