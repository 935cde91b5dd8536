package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the file system, plus what only the file layout can show. */
class FileSystemLedgerStorageTest extends LedgerStorageContract {
  @TempDir
  Path temp;
  private int opened;

  private Path dir() {
    return temp.resolve("ledger");
  }

  @Override
  protected LedgerStorage newStorage() throws IOException {
    opened++;
    // a small sparse-index interval, so that lookups cross index entries in a short history
    return FileSystemLedgerStorage.open(temp.resolve("ledger"), 4);
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static LedgerErrorCode codeOf(Throwable t) {
    return ((LedgerException) t).code();
  }

  @Test
  void batchesPublishedTogetherWriteEachTileOnceAndEveryWidthStillReadsBack() throws Exception {
    // a publisher that paces itself (here: 10 minutes, so every commit after the first waits for awaitPublished)
    // writes a tile that several commits widened only at its widest; each narrower width of every committed size
    // must read back, through the storage and from the directory alone, as the bytes that commit made
    storage.close();
    storage = FileSystemLedgerStorage.open(dir(), 4, WriteAheadLog.DEFAULT_SEGMENT_BYTES,
        java.util.concurrent.TimeUnit.MINUTES.toNanos(10));
    LedgerStorage.SequencerLock held = storage.acquireSequencerLock();
    try {
      LedgerStorageFixture log = new LedgerStorageFixture();
      List<LedgerStorage.Tile> made = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        LedgerStorage.Batch batch = log.next(1 + (i * 7) % 11); // 360 entries: across the first full tile
        made.addAll(batch.tiles());
        storage.commit(batch);
      }
      FileSystemLedgerStorage files = (FileSystemLedgerStorage) storage;
      // before publication: everything reads from memory
      for (LedgerStorage.Tile tile : made) {
        assertThat(storage.read(tile.path())).as(tile.path().format()).hasValue(tile.data());
      }
      files.awaitPublished();
      FileSystemLedgerStorage.awaitSweeper();
      LedgerReader directory = LedgerReader.directory(dir());
      for (LedgerStorage.Tile tile : made) {
        assertThat(storage.read(tile.path())).as(tile.path().format()).hasValue(tile.data());
        assertThat(directory.read(tile.path())).as(tile.path().format()).isEqualTo(tile.data());
      }
      long bundleFiles;
      try (Stream<Path> partial = Files.list(dir().resolve("tile/entries/001.p"))) {
        bundleFiles = partial.count();
      }
      long bundleWidths = made.stream().filter(t -> t.path().entries() && t.path().index() == 1).count();
      assertThat(bundleWidths).isGreaterThan(5);
      assertThat(bundleFiles).as("partial bundles written").isLessThan(bundleWidths);
      // a width beyond the committed tree is never made up from other files
      long size = log.size();
      int open = (int) (size % 256);
      assertThat(storage.read(TilePath.entryBundle(1, open + 1))).isEmpty();
      assertThat(storage.read(TilePath.tile(0, 1, open + 1))).isEmpty();
      assertThat(storage.read(TilePath.tile(0, 2, 1))).isEmpty();
    } finally {
      held.close();
    }
  }

  @Test
  void writesTheTlogTilesLayoutAndNoTemporaryFiles() throws Exception {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    storage.commit(log.next(1));
    storage.commit(log.next(300));
    LedgerStorage.Batch last = log.next(2);
    storage.commit(last);
    // acknowledged once the write-ahead log holds the batch; the files follow at once, off the commit path
    ((FileSystemLedgerStorage) storage).awaitPublished();
    assertThat(Files.readAllBytes(dir().resolve("checkpoint"))).isEqualTo(last.signedCheckpoint());
    assertThat(dir().resolve("tile/0/000")).isRegularFile().hasSize(256 * 32);
    assertThat(dir().resolve("tile/0/001.p/47")).isRegularFile().hasSize(47 * 32);
    assertThat(dir().resolve("tile/1/000.p/1")).isRegularFile().hasSize(32);
    assertThat(dir().resolve("tile/entries/000")).isRegularFile();
    assertThat(dir().resolve("tile/entries/001.p/47")).isRegularFile();
    // superseded partials of a tile that became full are gone (swept off the commit path); those of the open
    // tile stay
    FileSystemLedgerStorage.awaitSweeper();
    assertThat(dir().resolve("tile/0/000.p")).doesNotExist();
    // the open tile's widths: 47 has its file; 45 too unless it was published with 47 (then it is 47's prefix)
    assertThat(storage.read(TilePath.tile(0, 1, 45))).hasValueSatisfying(tile -> assertThat(tile)
        .isEqualTo(java.util.Arrays.copyOf(readBytes(dir().resolve("tile/0/001.p/47")), 45 * 32)));
    try (Stream<Path> files = Files.walk(dir())) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
    ByteBuffer history = ByteBuffer.wrap(Files.readAllBytes(dir().resolve("checkpoint-history")));
    int records = 0;
    while (history.hasRemaining()) {
      int length = history.getInt();
      history.position(history.position() + length);
      records++;
    }
    assertThat(records).isEqualTo(3);
  }

  @Test
  void aSecondStorageOnTheSameDirectoryCannotTakeTheLock() throws IOException {
    lock();
    try (FileSystemLedgerStorage other = FileSystemLedgerStorage.open(dir())) {
      assertThatThrownBy(other::acquireSequencerLock)
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.LOCKED))
          .hasMessageContaining(dir().toRealPath().toString());
    }
  }

  @Test
  void aTornHistoryTailIsIgnoredByReadersAndCutByTheLockHolder() throws IOException {
    LedgerStorage.SequencerLock l = storage.acquireSequencerLock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch batch = log.next(5);
    storage.commit(batch);
    l.close();
    Path history = dir().resolve("checkpoint-history");
    long goodLength = Files.size(history);
    byte[] next = log.next(1).signedCheckpoint();
    ByteBuffer torn = ByteBuffer.allocate(4 + next.length / 2).putInt(next.length).put(next, 0, next.length / 2);
    Files.write(history, torn.array(), StandardOpenOption.APPEND);

    try (FileSystemLedgerStorage reader = FileSystemLedgerStorage.open(dir())) {
      assertThat(reader.checkpoint(5)).hasValue(batch.signedCheckpoint());
      assertThat(reader.checkpoint(6)).isEmpty();
    }
    lock();
    assertThat(Files.size(history)).isEqualTo(goodLength);
    assertThat(storage.latestCheckpoint()).hasValue(batch.signedCheckpoint());
  }

  @Test
  void aCorruptHistoryRecordFailsWithItsOffset() throws IOException {
    Files.createDirectories(dir());
    Files.write(dir().resolve("checkpoint-history"), new byte[] {0, 0, 0, 0, 1, 2, 3});
    assertThatThrownBy(() -> storage.checkpoint(0))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.HISTORY_CORRUPT))
        .hasMessageContaining("at byte 0");
  }

  @Test
  void theCheckpointFileIsRewrittenFromTheHistoryWhenStaleOrTorn() throws IOException {
    LedgerStorage.SequencerLock l = storage.acquireSequencerLock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    LedgerStorage.Batch old = log.next(1);
    storage.commit(old);
    LedgerStorage.Batch latest = log.next(1);
    storage.commit(latest);
    l.close();
    Path checkpoint = dir().resolve("checkpoint");
    for (byte[] wrong : List.of(old.signedCheckpoint(), "garbage".getBytes(),
        LedgerStorageFixture.signedCheckpoint(9, log.root()))) {
      Files.write(checkpoint, wrong);
      LedgerStorage.SequencerLock again = storage.acquireSequencerLock();
      assertThat(Files.readAllBytes(checkpoint)).isEqualTo(latest.signedCheckpoint());
      again.close();
    }
  }

  @Test
  void aCheckpointFileWithoutHistoryIsRemoved() throws IOException {
    Files.createDirectories(dir());
    Files.write(dir().resolve("checkpoint"), LedgerStorageFixture.signedCheckpoint(0, MerkleHash.empty()));
    lock();
    assertThat(storage.latestCheckpoint()).isEmpty();
  }

  @Test
  void tilesLeftBeyondTheCommittedSizeAreOverwritten() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    storage.commit(log.next(10));
    ((FileSystemLedgerStorage) storage).awaitPublished();
    // a batch that crashed before its commit point left a full bundle and tile with other entries
    Files.createDirectories(dir().resolve("tile/entries"));
    Files.write(dir().resolve("tile/0/000"), new byte[256 * 32]);
    Files.write(dir().resolve("tile/entries/000"), new byte[] {0, 1, 9});
    storage.commit(log.next(246));
    assertThat(MerkleProofs.root(new TileHashSource(storage.tileReader(), 256), 256)).isEqualTo(log.root());
    assertThat(storage.read(TilePath.entryBundle(0, 256)).orElseThrow()).hasSizeGreaterThan(256 * 2);
  }

  @Test
  void symbolicLinksInsideTheLedgerAreRefused() throws IOException {
    lock();
    storage.commit(new LedgerStorageFixture().next(1));
    ((FileSystemLedgerStorage) storage).awaitPublished();
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Files.write(elsewhere.resolve("000"), new byte[256 * 32]);
    Files.createSymbolicLink(dir().resolve("tile/7"), elsewhere);
    assertThatThrownBy(() -> storage.read(TilePath.tile(7, 0, 256)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.UNSAFE_PATH))
        .hasMessageContaining("tile/7");
    Files.createSymbolicLink(dir().resolve("tile/0/001"), elsewhere.resolve("000"));
    assertThatThrownBy(() -> storage.read(TilePath.tile(0, 1, 256)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.UNSAFE_PATH));
  }

  @Test
  void aCommitThroughASymbolicLinkIsRefusedBeforeItIsLoggedThoughEarlierCommitsCheckedItsPathMissing()
      throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    storage.commit(log.next(1)); // the level-1 tile directory does not exist yet: checked missing, nothing noted
    ((FileSystemLedgerStorage) storage).awaitPublished();
    byte[] before = storage.latestCheckpoint().orElseThrow();
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Files.createSymbolicLink(dir().resolve("tile/1"), elsewhere);
    LedgerStorage.Batch full = log.next(256 * 256); // needs tile/1/000 (and so the linked directory)
    assertThatThrownBy(() -> storage.commit(full))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.UNSAFE_PATH))
        .hasMessageContaining("tile/1");
    assertThat(storage.latestCheckpoint().orElseThrow()).isEqualTo(before);
    try (java.util.stream.Stream<Path> files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theLedgerDirectoryItselfMayBeASymbolicLink() throws IOException {
    lock();
    LedgerStorageFixture log = new LedgerStorageFixture();
    storage.commit(log.next(3));
    ((FileSystemLedgerStorage) storage).awaitPublished();
    Path link = Files.createSymbolicLink(temp.resolve("link"), dir());
    try (FileSystemLedgerStorage viaLink = FileSystemLedgerStorage.open(link)) {
      assertThat(viaLink.read(TilePath.tile(0, 0, 3))).isPresent();
      assertThat(viaLink.directory()).isEqualTo(dir().toRealPath());
    }
    assertThat(opened).isEqualTo(1);
  }
}
