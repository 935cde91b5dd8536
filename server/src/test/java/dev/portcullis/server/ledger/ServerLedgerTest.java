package dev.portcullis.server.ledger;

import static dev.portcullis.server.ledger.LedgerFixture.append;
import static dev.portcullis.server.ledger.LedgerFixture.config;
import static dev.portcullis.server.ledger.LedgerFixture.ed25519;
import static dev.portcullis.server.ledger.LedgerFixture.eventually;
import static dev.portcullis.server.ledger.LedgerFixture.identity;
import static dev.portcullis.server.ledger.LedgerFixture.join;
import static dev.portcullis.server.ledger.LedgerFixture.verify;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.Cosigner;
import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.Witness;
import dev.portcullis.ledger.WitnessState;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.witness.WitnessServer;
import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import dev.portcullis.store.LedgerIndexRepository.Query;
import dev.portcullis.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's ledger with real parts: the file-system ledger under a temporary data directory, a real SQLite
 * store for the index, real witnesses over HTTP on loopback.
 */
class ServerLedgerTest {
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dataDir;
  private final KeyPair key = ed25519();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Store store;

  @BeforeEach
  void openStore() {
    store = Store.open("sqlite:portcullis.db", dataDir);
    closeables.add(store);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeables.reversed()) {
      closeable.close();
    }
  }

  private ServerLedger open(Config.Ledger config, LedgerIdentity identity) throws IOException {
    ServerLedger ledger = ServerLedger.open(dataDir, config, store, identity);
    closeables.add(ledger);
    return ledger;
  }

  private ServerLedger open(LedgerIdentity identity) throws IOException {
    return open(config(Config.Ledger.Backend.FILESYSTEM, NEVER, List.of()), identity);
  }

  private LedgerReader directory() {
    return LedgerReader.directory(dataDir.resolve(ServerLedger.DIRECTORY));
  }

  private List<Long> indexed(Query query) {
    return store.ledgerIndex().search(query).stream().map(IndexRow::idx).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  @Test
  void appendsGetDenseIndicesAndTheLedgerVerifies() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger ledger = open(identity);

    List<Long> indices = append(ledger, "test.event", "alice@example.com", 300);

    assertThat(indices).containsExactlyInAnyOrderElementsOf(range(0, 300));
    assertThat(ledger.size()).isEqualTo(300);
    assertThat(ledger.sequencing()).isTrue();
    LedgerVerifier.Result result = verify(directory(), identity, List.of(), 0);
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(300);
    assertThat(result.entriesChecked()).isEqualTo(300);
  }

  @Test
  void lazilyAppendedEntriesAreAcknowledgedIndexedAndVerifiedLikeAnyOther() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger ledger = open(identity);

    java.util.concurrent.CompletableFuture<Long> lazy = ledger.appendLazily(LedgerFixture.entry("test.completed", "alice@example.com", 0));
    long eager = LedgerFixture.join(ledger.append(LedgerFixture.entry("test.decision", "alice@example.com", 1)));

    assertThat(LedgerFixture.join(lazy)).as("the lazy entry took its place in queue order").isZero();
    assertThat(eager).isEqualTo(1);
    ledger.awaitIndexed(LedgerFixture.TIMEOUT);
    assertThat(indexed(Query.all(10).withKind("test.completed"))).containsExactly(0L);
    ledger.awaitPublished();
    assertThat(verify(directory(), identity, List.of(), 0).problems()).isEmpty();
  }

  @Test
  void aReopenedLedgerContinuesWhereItEnded() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger first = open(identity);
    append(first, "test.first", "alice@example.com", 3);
    first.close();

    ServerLedger second = open(identity);
    assertThat(second.size()).isEqualTo(3);
    assertThat(append(second, "test.second", "bob@example.com", 3)).containsExactly(3L, 4L, 5L);

    assertThat(verify(directory(), identity, List.of(), 0).problems()).isEmpty();
    List<String> kinds = new ArrayList<>();
    LedgerEntries.forEach(directory(), 0, 6, 6, (index, bytes) -> kinds.add(LedgerEntry.parse(bytes).kind()));
    assertThat(kinds).containsExactly("test.first", "test.first", "test.first", "test.second", "test.second",
        "test.second");
  }

  @Test
  void aSecondLedgerOnTheSameDataDirectoryIsRefused() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger first = open(identity);

    assertThatThrownBy(() -> open(identity))
        .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.LOCKED))
        .hasMessageContaining(dataDir.resolve(ServerLedger.DIRECTORY).toString())
        .hasMessageContaining("in use by another process");

    assertThat(append(first, "test.event", "alice@example.com", 2)).containsExactly(0L, 1L);
  }

  @Test
  void anotherConfiguredOriginIsRefusedNamingBothAndTheFix() throws Exception {
    LedgerIdentity original = identity(key, Optional.of("audit.example.com/a"));
    ServerLedger first = open(original);
    append(first, "test.event", "alice@example.com", 2);
    first.close();
    Path checkpoint = dataDir.resolve(ServerLedger.DIRECTORY).resolve(LedgerReader.CHECKPOINT);
    byte[] before = Files.readAllBytes(checkpoint);

    assertThatThrownBy(() -> open(identity(key, Optional.of("audit.example.com/b"))))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID))
        .hasMessageContaining("'audit.example.com/a'")
        .hasMessageContaining("'audit.example.com/b'")
        .hasMessageContaining("set ledger.origin: audit.example.com/a");
    assertThatThrownBy(() -> open(identity(key, Optional.empty())))
        .hasMessageContaining("set ledger.origin: audit.example.com/a");

    assertThat(Files.readAllBytes(checkpoint)).isEqualTo(before);
    ServerLedger again = open(original); // the refusals released the data directory
    assertThat(append(again, "test.event", "alice@example.com", 1)).containsExactly(2L);
  }

  @Test
  void aLedgerSignedByAnotherKeyIsRefusedAtOpen() throws Exception {
    ServerLedger first = open(identity(key, Optional.of("audit.example.com/a")));
    append(first, "test.event", "alice@example.com", 1);
    first.close();

    LedgerIdentity stranger = identity(ed25519(), Optional.of("audit.example.com/a"));
    assertThatThrownBy(() -> open(stranger))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID))
        .hasMessageContaining(stranger.vkey())
        .hasMessageContaining("server-signing-ed25519.pem");
  }

  @Test
  void theDefaultOriginIsStableAcrossRestarts() throws Exception {
    ServerLedger first = open(identity(key, Optional.empty()));
    append(first, "test.event", "alice@example.com", 1);
    first.close();

    LedgerIdentity restarted = identity(key, Optional.empty());
    ServerLedger second = open(restarted);
    assertThat(append(second, "test.event", "alice@example.com", 1)).containsExactly(1L);
    String origin = Checkpoint.of(SignedNote.parse(directory().read(LedgerReader.CHECKPOINT))).origin();
    assertThat(origin).isEqualTo(restarted.origin()).startsWith(LedgerIdentity.DEFAULT_ORIGIN_PREFIX);
  }

  @Test
  void appendedEntriesAreFoundInTheIndexByKindAndActor() throws Exception {
    ServerLedger ledger = open(identity(key, Optional.empty()));
    List<Long> alice = append(ledger, "deploy.tested", "alice@example.com", 3);
    List<Long> bob = append(ledger, "deploy.rejected", "bob@example.com", 2);

    ledger.awaitIndexed(LedgerFixture.TIMEOUT);

    assertThat(indexed(Query.all(100).withActor("alice@example.com"))).containsExactlyElementsOf(alice);
    assertThat(store.ledgerIndex().search(Query.all(100).withKind("deploy.rejected")))
        .extracting(IndexRow::idx, IndexRow::actor)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(bob.get(0), "bob@example.com"),
            org.assertj.core.groups.Tuple.tuple(bob.get(1), "bob@example.com"));
    assertThat(indexed(Query.all(100).withKind("deploy.tested").withActor("bob@example.com"))).isEmpty();
  }

  @Test
  void aClearedIndexIsRebuiltFromTheLedger() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger first = open(identity);
    append(first, "test.event", "alice@example.com", 5);
    first.awaitIndexed(LedgerFixture.TIMEOUT);
    first.close();
    store.ledgerIndex().clear();
    assertThat(indexed(Query.all(100))).isEmpty();

    ServerLedger second = open(identity);
    second.awaitIndexed(LedgerFixture.TIMEOUT);
    assertThat(indexed(Query.all(100))).isEqualTo(range(0, 5));
    second.close();

    store.ledgerIndex().clear();
    LedgerIndexer.Outcome outcome = new LedgerIndexer(directory(), store.ledgerIndex()).catchUp();
    assertThat(outcome).isEqualTo(new LedgerIndexer.Outcome(5, 5, 0));
    assertThat(indexed(Query.all(100).withActor("alice@example.com"))).isEqualTo(range(0, 5));
  }

  @Test
  void rowsIndexedFromMemoryAreTheRowsTheFilesGive() throws Exception {
    // the live indexer takes this process's own appends from memory; a rebuild reads them back from the files
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger ledger = open(identity);
    List<java.util.concurrent.CompletableFuture<Long>> acks = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      java.util.Map<String, Object> fields = new java.util.HashMap<>();
      fields.put("actor", "user" + (i % 3) + "@example.com");
      fields.put("n", i);
      if (i % 2 == 0) {
        fields.put("org", "00D" + i);
        fields.put("session", "s-" + i);
      }
      if (i % 5 == 0) {
        fields.put("commit", "c0ffee" + i);
        fields.put("deployment_id", "0Af" + i);
      }
      if (i % 7 == 0) {
        fields.put("org", java.util.Map.of("id", "nested, not a string: not indexed"));
      }
      acks.add(ledger.append(LedgerEntry.of("test.event", LedgerFixture.T0.plusMillis(i * 1001L), fields)));
    }
    acks.forEach(LedgerFixture::join);
    ledger.awaitPublished();
    ledger.awaitIndexed(LedgerFixture.TIMEOUT);
    List<IndexRow> fromMemory = store.ledgerIndex().search(Query.all(100));
    ledger.close();

    store.ledgerIndex().clear();
    assertThat(new LedgerIndexer(directory(), store.ledgerIndex()).catchUp()).isEqualTo(new LedgerIndexer.Outcome(40, 40, 0));
    assertThat(store.ledgerIndex().search(Query.all(100))).hasSize(40).isEqualTo(fromMemory);
  }

  @Test
  void entriesThatAreNotPortcullisEntriesStayInTheLedgerButAreNotIndexed() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dataDir.resolve(ServerLedger.DIRECTORY));
        Sequencer raw = Sequencer.open(storage, identity.signer(), identity.origin(), Sequencer.Options.defaults())) {
      join(raw.append("not json at all".getBytes(UTF_8)));
      join(raw.append("{\"kind\":\"test.event\", \"v\":1}".getBytes(UTF_8))); // not canonical
    }
    ServerLedger ledger = open(identity);
    assertThat(append(ledger, "test.event", "alice@example.com", 2)).containsExactly(2L, 3L);

    ledger.awaitIndexed(LedgerFixture.TIMEOUT);

    assertThat(indexed(Query.all(100))).containsExactly(2L, 3L);
    assertThat(verify(directory(), identity, List.of(), 0).problems()).isEmpty();
    assertThat(LedgerIndexer.row(0, "not json at all".getBytes(UTF_8))).isNull();
  }

  @Test
  void aForeignTailIsReadOnceUntilTheIndexIsCleared() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    ServerLedger ledger = open(identity);
    append(ledger, "test.event", "alice@example.com", 2);
    ledger.awaitIndexed(LedgerFixture.TIMEOUT);
    ledger.close();
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dataDir.resolve(ServerLedger.DIRECTORY));
        Sequencer raw = Sequencer.open(storage, identity.signer(), identity.origin(), Sequencer.Options.defaults())) {
      join(raw.append(new byte[] {(byte) 0xff}));
    }
    LedgerIndexer indexer = new LedgerIndexer(directory(), store.ledgerIndex());

    assertThat(indexer.catchUp()).isEqualTo(new LedgerIndexer.Outcome(3, 0, 1));
    assertThat(indexer.catchUp()).isEqualTo(new LedgerIndexer.Outcome(3, 0, 0));
    store.ledgerIndex().clear();
    assertThat(indexer.catchUp()).isEqualTo(new LedgerIndexer.Outcome(3, 2, 1));
    assertThat(indexed(Query.all(100))).containsExactly(0L, 1L);
  }

  // ------------------------------------------------------------------------------------------------ witnesses

  private record RunningWitness(WitnessServer server, CosignatureVerifier key) {
    Config.Ledger.Witness configured() {
      return new Config.Ledger.Witness(server.url(), key.vkey());
    }
  }

  private RunningWitness startWitness(String name, LedgerIdentity log) throws Exception {
    Cosigner cosigner = Cosigner.generate(name, Clock.systemUTC());
    WitnessState state = WitnessState.open(dataDir.resolve("witness-" + name.replace('/', '_')));
    closeables.add(state);
    Map<String, List<NoteVerifier>> logs = Map.of(log.origin(), List.of(log.signer().verifier()));
    WitnessServer server = WitnessServer.start(new Witness(cosigner, logs, state, Clock.systemUTC()), "127.0.0.1", 0);
    closeables.add(server);
    return new RunningWitness(server, cosigner.verifier());
  }

  /** A witness URL where nothing listens. */
  private static URI deadWitnessUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
  }

  private SignedNote latestCheckpoint() {
    return SignedNote.parse(directory().read(LedgerReader.CHECKPOINT));
  }

  @Test
  void witnessCosignaturesArePublishedAtEveryIntervalAndVerify() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    RunningWitness one = startWitness("witness.example/one", identity);
    RunningWitness two = startWitness("witness.example/two", identity);
    ServerLedger ledger = open(config(Config.Ledger.Backend.FILESYSTEM, Duration.ofMillis(50),
        List.of(one.configured(), two.configured())), identity);

    append(ledger, "test.event", "alice@example.com", 5);

    SignedNote cosigned = eventually("a checkpoint of size 5 cosigned by both witnesses", () -> {
      SignedNote note = latestCheckpoint();
      if (Checkpoint.of(note).size() != 5) {
        return Optional.empty();
      }
      try {
        note.verify(List.of(one.key(), two.key()), 2);
        return Optional.of(note);
      } catch (NoteException notYet) {
        return Optional.empty();
      }
    });
    assertThat(one.key().verifiedTimestamp(cosigned)).isPositive();
    assertThat(two.key().verifiedTimestamp(cosigned)).isPositive();
    LedgerVerifier.Result result = verify(directory(), identity, List.of(one.key(), two.key()), 2);
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(5);

    append(ledger, "test.event", "alice@example.com", 2);
    eventually("the next checkpoint cosigned", () -> {
      SignedNote note = latestCheckpoint();
      return Checkpoint.of(note).size() == 7 && note.signatures().size() == 3 ? Optional.of(note) : Optional.empty();
    });
    assertThat(verify(directory(), identity, List.of(one.key(), two.key()), 2).problems()).isEmpty();
  }

  @Test
  void aDeadWitnessDoesNotStopAppendsNorTheOthersCosignatures() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    RunningWitness live = startWitness("witness.example/live", identity);
    CosignatureVerifier deadKey = Cosigner.generate("witness.example/dead", Clock.systemUTC()).verifier();
    ServerLedger ledger = open(config(Config.Ledger.Backend.FILESYSTEM, NEVER,
        List.of(new Config.Ledger.Witness(deadWitnessUrl(), deadKey.vkey()), live.configured())), identity);

    assertThat(append(ledger, "test.event", "alice@example.com", 3)).containsExactly(0L, 1L, 2L);
    ledger.publishCosigned();
    assertThat(append(ledger, "test.event", "alice@example.com", 1)).containsExactly(3L);
    ledger.publishCosigned();

    SignedNote latest = latestCheckpoint();
    assertThat(Checkpoint.of(latest).size()).isEqualTo(4);
    assertThat(latest.verify(List.of(deadKey, live.key()), 1)).hasSize(1);
    assertThat(verify(directory(), identity, List.of(deadKey, live.key()), 1).problems()).isEmpty();
    assertThat(verify(directory(), identity, List.of(deadKey, live.key()), 2).problems())
        .isNotEmpty()
        .allSatisfy(problem -> assertThat(problem.path()).isEqualTo(LedgerReader.CHECKPOINT));
  }

  @Test
  void withOnlyDeadWitnessesTheCheckpointStaysAsSigned() throws Exception {
    LedgerIdentity identity = identity(key, Optional.empty());
    CosignatureVerifier deadKey = Cosigner.generate("witness.example/dead", Clock.systemUTC()).verifier();
    ServerLedger ledger = open(config(Config.Ledger.Backend.FILESYSTEM, NEVER,
        List.of(new Config.Ledger.Witness(deadWitnessUrl(), deadKey.vkey()))), identity);
    append(ledger, "test.event", "alice@example.com", 2);
    byte[] signed = directory().read(LedgerReader.CHECKPOINT);

    ledger.publishCosigned();

    assertThat(directory().read(LedgerReader.CHECKPOINT)).isEqualTo(signed);
    assertThat(append(ledger, "test.event", "alice@example.com", 1)).containsExactly(2L);
  }
}
