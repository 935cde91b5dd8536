package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.MerkleHash;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.TilePath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL-specific behaviour of the ledger storage: the advisory lock, fencing of a sequencer that lost
 * it, write-once tiles, atomic batches. (The storage contract common to both backends runs in
 * {@code PostgresLedgerStorageContractTest}.)
 */
@SuppressWarnings("try") // a held lock is the point of those try blocks
class PostgresLedgerStorageTest {
  private static final NoteSigner.Ed25519 SIGNER = NoteSigner.Ed25519.generate("test.example/ledger");
  private StoreFixture fixture;
  private LedgerStorage storage;

  @BeforeEach
  void open() {
    fixture = StoreFixture.create("postgresql");
    storage = fixture.open().ledgerStorage();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static byte[] checkpoint(long size) {
    return new Checkpoint("test.example/ledger", size, MerkleHash.leaf(new byte[] {(byte) size}).toBytes())
        .sign(SIGNER).format().getBytes(StandardCharsets.UTF_8);
  }

  private static LedgerStorage.Batch batch(long size, LedgerStorage.Tile... tiles) {
    return new LedgerStorage.Batch(size, List.of(tiles), checkpoint(size));
  }

  private static LedgerStorage.Tile bundle(int width, byte fill) {
    byte[] data = new byte[width * 3];
    java.util.Arrays.fill(data, fill);
    return new LedgerStorage.Tile(TilePath.entryBundle(0, width), data);
  }

  @Test
  void aSecondSequencerIsRefusedUntilTheFirstReleases() throws Exception {
    LedgerStorage other = fixture.open().ledgerStorage();
    try (LedgerStorage.SequencerLock lock = storage.acquireSequencerLock()) {
      assertThatThrownBy(other::acquireSequencerLock).isInstanceOfSatisfying(LedgerException.class,
          e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.LOCKED));
      // Even the same storage object: advisory locks are re-entrant per session, ours are per connection.
      assertThatThrownBy(storage::acquireSequencerLock).isInstanceOf(LedgerException.class);
    }
    try (LedgerStorage.SequencerLock lock = other.acquireSequencerLock()) {
      assertThat(lock).isNotNull();
    }
  }

  @Test
  void commitsAreVisibleToEveryReplicaAndKeepEveryCheckpoint() throws Exception {
    LedgerStorage replica = fixture.open().ledgerStorage();
    try (var lock = storage.acquireSequencerLock()) {
      storage.commit(batch(1, bundle(1, (byte) 1)));
      storage.commit(batch(2, bundle(2, (byte) 1)));
    }
    assertThat(replica.latestCheckpoint()).hasValue(checkpoint(2));
    assertThat(replica.checkpoint(1)).hasValue(checkpoint(1));
    assertThat(replica.checkpoint(3)).isEmpty();
    assertThat(replica.read(TilePath.entryBundle(0, 2))).isPresent();
    List<byte[]> history = new ArrayList<>();
    replica.forEachCheckpoint(history::add);
    assertThat(history).containsExactly(checkpoint(1), checkpoint(2));
  }

  @Test
  void aSequencerThatLostItsLockIsFencedAndWritesNothing() throws Exception {
    LedgerStorage usurper = fixture.open().ledgerStorage();
    var stale = storage.acquireSequencerLock();
    storage.commit(batch(1, bundle(1, (byte) 1)));
    // The lock is lost behind the sequencer's back (its session ended); another replica takes over.
    String ours = "locktype = 'advisory' AND classid = " + PostgresLedgerStorage.LOCK_CLASS
        + " AND objid::bigint = (hashtext('" + ((StoreFixture.Postgresql) fixture).schema()
        + "')::bigint + 4294967296) % 4294967296";
    fixture.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE " + ours);
    // pg_terminate_backend only signals; wait (bounded) until the session and its lock are gone.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!fixture.queryStrings("SELECT count(*) FROM pg_locks WHERE " + ours).equals(List.of("0"))) {
      assertThat(System.nanoTime()).as("advisory lock released after terminate").isLessThan(deadline);
      Thread.onSpinWait();
    }
    try (var lock = usurper.acquireSequencerLock()) {
      usurper.commit(batch(2, bundle(2, (byte) 2)));
      assertThatThrownBy(() -> storage.commit(batch(2, bundle(2, (byte) 3)))).isInstanceOfSatisfying(
          LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.FENCED));
    }
    assertThat(storage.latestCheckpoint()).hasValue(checkpoint(2));
    assertThat(storage.read(TilePath.entryBundle(0, 2)).orElseThrow()[0]).isEqualTo((byte) 2);
    try {
      stale.close();
    } catch (java.io.IOException expected) {
      // its connection was terminated
    }
  }

  @Test
  void aTileIsWrittenOnceAndAFailedBatchLeavesNothing() throws Exception {
    try (var lock = storage.acquireSequencerLock()) {
      storage.commit(batch(1, bundle(1, (byte) 1)));
      assertThatThrownBy(() -> storage.commit(batch(1, bundle(1, (byte) 1)))).isInstanceOfSatisfying(
          LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.BAD_BATCH));
      LedgerStorage.Tile fresh = new LedgerStorage.Tile(TilePath.tile(0, 0, 2), new byte[64]);
      assertThatThrownBy(() -> storage.commit(batch(2, fresh, bundle(1, (byte) 9))))
          .isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.code()).isEqualTo(LedgerErrorCode.TILE_CONFLICT);
            assertThat(e.getMessage()).contains("tile/entries/000.p/1");
          });
      assertThat(storage.read(TilePath.tile(0, 0, 2))).isEmpty();
      assertThat(storage.latestCheckpoint()).hasValue(checkpoint(1));
      // The sequencer may go on after a refused batch: the fence still expects size 1.
      storage.commit(batch(2, fresh));
      assertThat(storage.latestCheckpoint()).hasValue(checkpoint(2));
    }
  }

  @Test
  void repairAndCosignedPublicationNeedTheLock() throws Exception {
    assertThatThrownBy(() -> storage.repair(TilePath.tile(0, 0, 1), new byte[32]))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.NOT_LOCK_HOLDER));
    try (var lock = storage.acquireSequencerLock()) {
      storage.commit(batch(1, bundle(1, (byte) 1)));
      storage.repair(TilePath.entryBundle(0, 1), new byte[] {0, 1, 5});
      assertThat(storage.read(TilePath.entryBundle(0, 1))).hasValue(new byte[] {0, 1, 5});
      assertThatThrownBy(() -> storage.publishCosigned(checkpoint(2))).isInstanceOfSatisfying(
          LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.CHECKPOINT_MISMATCH));
    }
  }

  @Test
  void sqliteStoresSayTheLedgerNeedsPostgresql() {
    try (StoreFixture sqlite = StoreFixture.create("sqlite")) {
      Store store = sqlite.open();
      assertThatThrownBy(store::ledgerStorage).isInstanceOfSatisfying(StoreException.class, e -> {
        assertThat(e.code()).isEqualTo(StoreException.Code.UNSUPPORTED);
        assertThat(e.getMessage()).contains("DATA_DIR/ledger");
      });
    }
  }
}
