package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.KilledAppender;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.LedgerStorageFixture;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.MerkleHash;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.ledger.SignedNote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's crash test on the PostgreSQL backend, as {@code LedgerCrashIT} is on the file system: a child JVM
 * appending from eight threads is killed with SIGKILL at random points, 20 times; after each kill a new sequencer
 * recovers, every acknowledged entry is at its index with the same bytes, and the whole log (every entry, every
 * tile, every checkpoint of the history, consistency with the latest) verifies.
 */
class PostgresLedgerCrashIT {
  private static final int KILLS = 20;

  @TempDir Path temp;
  private StoreFixture fixture;

  @BeforeEach
  void schema() {
    fixture = StoreFixture.create("postgresql");
  }

  @AfterEach
  void drop() {
    fixture.close();
  }

  @Test
  void acknowledgedEntriesSurviveSigkillOfTheSequencer() throws Exception {
    long seed = Long.getLong("ledger.crash.seed", System.nanoTime());
    System.out.println("PostgresLedgerCrashIT seed " + seed);
    Random random = new Random(seed);
    Map<Long, String> acknowledged = new HashMap<>();
    for (int kill = 0; kill < KILLS; kill++) {
      int acksBeforeKill = 1 + random.nextInt(80);
      Map<Long, String> acks = KilledAppender.run(PostgresLedgerCrashChild.class, List.of(fixture.url()),
          acksBeforeKill, temp.resolve("child-" + kill + ".err"));
      for (Map.Entry<Long, String> ack : acks.entrySet()) {
        assertThat(acknowledged.put(ack.getKey(), ack.getValue())).as("index %s acknowledged twice (seed %d)",
            ack.getKey(), seed).isNull();
      }
      verify(acknowledged, seed);
    }
  }

  private void verify(Map<Long, String> acknowledged, long seed) throws Exception {
    Store store = fixture.open();
    LedgerStorage storage = store.ledgerStorage();
    long size;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Sequencer sequencer = Sequencer.open(storage, LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN,
          Sequencer.Options.defaults())) {
        size = sequencer.size(); // recovery ran: the lock was taken over from the killed child
        break;
      } catch (LedgerException e) {
        if (e.code() != LedgerErrorCode.LOCKED || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.onSpinWait(); // PostgreSQL ends the killed child's session when it sees the socket close
      }
    }
    LedgerReader reader = LedgerReader.storage(storage);
    LedgerVerifier.Result result = LedgerVerifier.builder(reader, List.of(LedgerStorageFixture.SIGNER.verifier()))
        .verifyHistory(true).build().verify();
    assertThat(result.problems()).as("full verification after a kill (seed %d)", seed).isEmpty();
    assertThat(result.size()).isEqualTo(size);
    assertThat(Checkpoint.of(SignedNote.parse(storage.latestCheckpoint().orElseThrow())).size()).isEqualTo(size);
    Map<Long, String> stored = new HashMap<>();
    LedgerEntries.forEach(reader, 0, size, size, (index, entry) -> stored.put(index, MerkleHash.leaf(entry).hex()));
    for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
      assertThat(ack.getKey()).as("acknowledged index inside the tree (seed %d)", seed).isLessThan(size);
      assertThat(stored.get(ack.getKey())).as("entry %d (seed %d)", ack.getKey(), seed).isEqualTo(ack.getValue());
    }
  }
}
