package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LedgerStorage} backend must have (file system here; PostgreSQL in the store
 * module subclasses this from the ledger test-jar). Each test gets a fresh, empty storage from
 * {@link #newStorage()}; it is closed afterwards.
 */
public abstract class LedgerStorageContract {
  protected LedgerStorage storage;
  private final List<LedgerStorage.SequencerLock> locks = new ArrayList<>();

  /** A new, empty storage. */
  protected abstract LedgerStorage newStorage() throws IOException;

  @BeforeEach
  public void openStorage() throws IOException {
    storage = newStorage();
  }

  @AfterEach
  public void closeStorage() throws IOException {
    for (LedgerStorage.SequencerLock l : locks) {
      l.close();
    }
    storage.close();
  }

  protected LedgerStorage.SequencerLock lock() throws IOException {
    LedgerStorage.SequencerLock l = storage.acquireSequencerLock();
    locks.add(l);
    return l;
  }

  private static LedgerErrorCode codeOf(Throwable t) {
    return ((LedgerException) t).code();
  }

  private List<byte[]> history() throws IOException {
    List<byte[]> out = new ArrayList<>();
    storage.forEachCheckpoint(out::add);
    return out;
  }

  @Test
  public void emptyStorageHasNothing() throws IOException {
    assertThat(storage.latestCheckpoint()).isEmpty();
    assertThat(storage.checkpoint(0)).isEmpty();
    assertThat(storage.read(TilePath.tile(0, 0, 1))).isEmpty();
    assertThat(storage.read(TilePath.entryBundle(0, 256))).isEmpty();
    assertThat(history()).isEmpty();
  }

  @Test
  public void writesNeedTheSequencerLock() throws IOException {
    LedgerStorageFixture log = new LedgerStorageFixture();
    assertThatThrownBy(() -> storage.commit(log.next(3)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.NOT_LOCK_HOLDER));
    assertThatThrownBy(() -> storage.repair(TilePath.tile(0, 0, 1), new byte[32]))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.NOT_LOCK_HOLDER));
    assertThatThrownBy(() -> storage.publishCosigned(LedgerStorageFixture.signedCheckpoint(0, MerkleHash.empty())))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.NOT_LOCK_HOLDER));
    assertThat(storage.latestCheckpoint()).isEmpty();
    assertThat(storage.read(TilePath.tile(0, 0, 3))).isEmpty();
  }

  @Test
  public void theLockIsExclusiveUntilReleased() throws IOException {
    LedgerStorage.SequencerLock first = storage.acquireSequencerLock();
    assertThatThrownBy(storage::acquireSequencerLock)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.LOCKED));
    first.close();
    lock();
  }

  @Test
  public void commitPublishesTilesAndCheckpoints() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    List<byte[]> notes = new ArrayList<>();
    for (int n : new int[] {0, 1, 299, 300, 700}) {
      LedgerStorage.Batch batch = log.next(n);
      storage.commit(batch);
      notes.add(batch.signedCheckpoint());
      assertThat(storage.latestCheckpoint()).hasValue(batch.signedCheckpoint());
      for (LedgerStorage.Tile tile : batch.tiles()) {
        assertThat(storage.read(tile.path())).as(tile.path().format()).hasValue(tile.data());
      }
      assertThat(MerkleProofs.root(new TileHashSource(storage.tileReader(), log.size()), log.size()))
          .isEqualTo(log.root());
    }
    assertThat(history()).containsExactlyElementsOf(notes);
    assertThat(storage.checkpoint(0)).hasValue(notes.get(0));
    assertThat(storage.checkpoint(300)).hasValue(notes.get(2));
    assertThat(storage.checkpoint(1300)).hasValue(notes.get(4));
    assertThat(storage.checkpoint(2)).isEmpty();
    assertThat(storage.checkpoint(1301)).isEmpty();
  }

  @Test
  public void manyCheckpointsAreEachFoundBySize() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    List<byte[]> notes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      LedgerStorage.Batch batch = log.next(i % 3 == 0 ? 1 : 2);
      storage.commit(batch);
      notes.add(batch.signedCheckpoint());
    }
    for (byte[] note : notes) {
      long size = Checkpoint.of(SignedNote.parse(note)).size();
      assertThat(storage.checkpoint(size)).as("size %d", size).hasValue(note);
    }
    assertThat(storage.checkpoint(log.size() + 1)).isEmpty();
  }

  @Test
  public void aBatchMustGrowTheTree() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch batch = log.next(10);
    storage.commit(batch);
    assertThatThrownBy(() -> storage.commit(batch))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BAD_BATCH))
        .hasMessageContaining("10");
    assertThat(history()).hasSize(1);
  }

  @Test
  public void aBatchMustMatchItsCheckpoint() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch batch = log.next(10);
    LedgerStorage.Batch lying = new LedgerStorage.Batch(11, batch.tiles(), batch.signedCheckpoint());
    assertThatThrownBy(() -> storage.commit(lying))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BAD_BATCH));
    LedgerStorage.Batch badTile = new LedgerStorage.Batch(10,
        List.of(new LedgerStorage.Tile(TilePath.tile(0, 0, 10), new byte[31])), batch.signedCheckpoint());
    assertThatThrownBy(() -> storage.commit(badTile))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BAD_BATCH))
        .hasMessageContaining("tile/0/000.p/10");
    LedgerStorage.Batch beyond = new LedgerStorage.Batch(10,
        List.of(new LedgerStorage.Tile(TilePath.tile(0, 0, 11), new byte[11 * 32])), batch.signedCheckpoint());
    assertThatThrownBy(() -> storage.commit(beyond))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BAD_BATCH))
        .hasMessageContaining("beyond");
    assertThat(storage.latestCheckpoint()).isEmpty();
    assertThat(storage.read(TilePath.tile(0, 0, 10))).isEmpty();
    assertThat(storage.read(TilePath.tile(0, 0, 11))).isEmpty();
    assertThat(storage.read(TilePath.entryBundle(0, 10))).isEmpty();
  }

  @Test
  public void committedTilesNeverChange() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch first = log.next(256);
    storage.commit(first);
    TilePath full = TilePath.tile(0, 0, 256);
    byte[] original = storage.read(full).orElseThrow();
    LedgerStorage.Batch next = log.next(5);
    byte[] other = original.clone();
    other[7] ^= 1;
    List<LedgerStorage.Tile> tiles = new ArrayList<>(next.tiles());
    tiles.add(new LedgerStorage.Tile(full, other));
    assertThatThrownBy(() -> storage.commit(new LedgerStorage.Batch(next.size(), tiles, next.signedCheckpoint())))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.TILE_CONFLICT))
        .hasMessageContaining("tile/0/000");
    assertThat(storage.read(full)).hasValue(original);
    assertThat(storage.latestCheckpoint()).hasValue(first.signedCheckpoint());
    assertThat(storage.read(TilePath.entryBundle(1, 5))).isEmpty();

    tiles.set(tiles.size() - 1, new LedgerStorage.Tile(full, original.clone()));
    storage.commit(new LedgerStorage.Batch(next.size(), tiles, next.signedCheckpoint()));
    assertThat(storage.latestCheckpoint()).hasValue(next.signedCheckpoint());
  }

  @Test
  public void cosignedCheckpointReplacesTheLatestButNotTheHistory() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch batch = log.next(3);
    storage.commit(batch);
    SignedNote signed = SignedNote.parse(batch.signedCheckpoint());
    SignedNote cosigned = signed.withSignature(NoteSigner.Ed25519.generate("witness.test"));
    storage.publishCosigned(cosigned.bytes());
    assertThat(storage.latestCheckpoint()).hasValue(cosigned.bytes());
    assertThat(storage.checkpoint(3)).hasValue(batch.signedCheckpoint());

    byte[] otherBody = LedgerStorageFixture.signedCheckpoint(4, log.root());
    assertThatThrownBy(() -> storage.publishCosigned(otherBody))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.CHECKPOINT_MISMATCH));
    assertThat(storage.latestCheckpoint()).hasValue(cosigned.bytes());
  }

  @Test
  public void repairRewritesATile() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    storage.commit(log.next(3));
    TilePath path = TilePath.tile(0, 0, 3);
    byte[] good = storage.read(path).orElseThrow();
    byte[] other = new byte[good.length];
    storage.repair(path, other);
    assertThat(storage.read(path)).hasValue(other);
    storage.repair(path, good);
    assertThat(storage.read(path)).hasValue(good);
    assertThat(Optional.of(MerkleProofs.root(new TileHashSource(storage.tileReader(), 3), 3))).hasValue(log.root());
  }
}
