package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.ledger.TilePath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several replicas on one PostgreSQL database: one holds the sequencer lock and runs the real {@link Sequencer} over
 * {@link PostgresLedgerStorage}; the others hand their entries to it and learn each entry's index.
 */
@SuppressWarnings("try") // the pump runs for the duration of its try block
class LedgerHandoffTest {
  private static final NoteSigner.Ed25519 SIGNER = NoteSigner.Ed25519.generate("handoff.example/ledger");
  private StoreFixture fixture;
  private Store sequencerReplica;
  private Store otherReplica;

  @BeforeEach
  void open() {
    fixture = StoreFixture.create("postgresql");
    sequencerReplica = fixture.open();
    otherReplica = fixture.open();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static byte[] entry(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The entry at {@code index} read back from the shared storage. */
  private byte[] entryAt(LedgerStorage storage, long index, long size) throws Exception {
    long bundle = index / 256;
    int width = (int) Math.min(256, size - bundle * 256);
    byte[] data = storage.read(TilePath.entryBundle(bundle, width)).orElseThrow();
    int offset = 0;
    for (int i = 0; i < index % 256; i++) {
      offset += 2 + (((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff));
    }
    int length = ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
    return java.util.Arrays.copyOfRange(data, offset + 2, offset + 2 + length);
  }

  @Test
  void entriesFromAnotherReplicaGetTheirIndexOnceDurable() throws Exception {
    LedgerStorage storage = sequencerReplica.ledgerStorage();
    try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(), Sequencer.Options.defaults());
        AutoCloseable pump = sequencerReplica.ledgerHandoff().startPump(sequencer::appendAll)) {
      CompletableFuture<Long> local = sequencer.append(entry("local"));
      List<CompletableFuture<Long>> handed = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        handed.add(otherReplica.ledgerHandoff().submit(entry("remote " + i)));
      }
      Set<Long> indices = new HashSet<>();
      indices.add(local.get(30, TimeUnit.SECONDS));
      for (int i = 0; i < handed.size(); i++) {
        long index = handed.get(i).get(30, TimeUnit.SECONDS);
        indices.add(index);
        assertThat(entryAt(storage, index, sequencer.size())).isEqualTo(entry("remote " + i));
      }
      assertThat(indices).hasSize(301);
      assertThat(sequencer.size()).isEqualTo(301);
    }
    // Finished hand-offs are cleaned up by the replica that read them.
    assertThat(fixture.queryStrings("SELECT count(*) FROM ledger_handoff")).containsExactly("0");
  }

  @Test
  void anEntryTheLedgerRefusesFailsItsFutureWithTheReason() throws Exception {
    try (Sequencer sequencer = Sequencer.open(sequencerReplica.ledgerStorage(), SIGNER, SIGNER.name(),
            Sequencer.Options.defaults());
        AutoCloseable pump = sequencerReplica.ledgerHandoff().startPump(sequencer::appendAll)) {
      CompletableFuture<Long> tooBig = otherReplica.ledgerHandoff().submit(new byte[70_000]);
      assertThatThrownBy(() -> tooBig.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.code()).isEqualTo(LedgerErrorCode.HANDOFF_REFUSED);
            assertThat(e.getMessage()).contains("65");
          });
      assertThat(otherReplica.ledgerHandoff().submit(entry("fine")).get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void entriesHandedOffWhileNoSequencerRunsWaitDurablyForOne() throws Exception {
    CompletableFuture<Long> waiting = otherReplica.ledgerHandoff().submit(entry("early"));
    assertThat(waiting).isNotDone();
    try (Sequencer sequencer = Sequencer.open(sequencerReplica.ledgerStorage(), SIGNER, SIGNER.name(),
            Sequencer.Options.defaults());
        AutoCloseable pump = sequencerReplica.ledgerHandoff().startPump(sequencer::appendAll)) {
      assertThat(waiting.get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aSequencerThatDiedBeforeRecordingIndicesIsNotAppendedTwice() throws Exception {
    // A claimed row whose entry reached the log, but whose index was never recorded (crash in between) ...
    LedgerStorage storage = sequencerReplica.ledgerStorage();
    try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(), Sequencer.Options.defaults())) {
      sequencer.append(entry("other")).join();
      sequencer.append(entry("crashed")).join();
    }
    fixture.execute("INSERT INTO ledger_handoff (entry, claimed_size) VALUES ('\\x" + hex(entry("crashed"))
        + "'::bytea, 1), ('\\x" + hex(entry("never appended")) + "'::bytea, 1)");
    // ... is resolved from the log by the next pump; the other claimed row is appended once.
    try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(), Sequencer.Options.defaults());
        AutoCloseable pump = sequencerReplica.ledgerHandoff().startPump(sequencer::appendAll)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!fixture.queryStrings("SELECT count(*) FROM ledger_handoff WHERE idx IS NULL").equals(List.of("0"))) {
        assertThat(System.nanoTime()).as("hand-off recovery finished").isLessThan(deadline);
        Thread.onSpinWait();
      }
      assertThat(fixture.queryStrings("SELECT idx FROM ledger_handoff ORDER BY id")).containsExactly("1", "2");
      assertThat(sequencer.size()).isEqualTo(3);
      assertThat(entryAt(storage, 2, 3)).isEqualTo(entry("never appended"));
    }
  }

  @Test
  void theWholeSharedLogVerifiesAfterHandOffs() throws Exception {
    LedgerStorage storage = sequencerReplica.ledgerStorage();
    try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(), Sequencer.Options.defaults());
        AutoCloseable pump = sequencerReplica.ledgerHandoff().startPump(sequencer::appendAll)) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        acks.add(otherReplica.ledgerHandoff().submit(entry("entry " + i)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    LedgerReader reader = path -> {
      try {
        if (path.equals(LedgerReader.CHECKPOINT)) {
          return storage.latestCheckpoint().orElse(null);
        }
        if (path.equals(LedgerReader.CHECKPOINT_HISTORY)) {
          return null;
        }
        return storage.read(TilePath.parse(path)).orElse(null);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    var result = dev.portcullis.ledger.LedgerVerifier.builder(reader, List.of(SIGNER.verifier())).build().verify();
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(600);
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
