package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log of the file-system ledger: what a crash may leave (files never written, files torn by a power
 * loss, a torn last record, records of an earlier generation in a reused segment) is rebuilt from it, and a corrupt
 * record in the middle of the log is refused, never skipped.
 */
class WriteAheadLogTest {
  /** Small segments, so that a few dozen batches cycle through both segments several times. */
  private static final long SEGMENT = 16 * 1024;

  @TempDir
  Path temp;

  private Path dir() {
    return temp.resolve("ledger");
  }

  private FileSystemLedgerStorage open() throws IOException {
    return FileSystemLedgerStorage.open(dir(), 4, SEGMENT);
  }

  @Test
  void acknowledgedBatchesSurviveALossOfEveryFileWrittenAfterTheLastFlush() throws Exception {
    LedgerStorageFixture log = new LedgerStorageFixture();
    List<LedgerStorage.Batch> batches = new ArrayList<>();
    FileSystemLedgerStorage storage = open();
    storage.acquireSequencerLock();
    for (int i = 0; i < 60; i++) {
      LedgerStorage.Batch batch = log.next(1 + i % 7 * 13);
      storage.commit(batch);
      batches.add(batch);
    }
    storage.crashForTest(true);
    storage.close();

    // A power loss keeps what was forced, and may lose or tear anything else: here every tile written by the
    // unflushed segments is torn, the history is cut inside the first unflushed record, the checkpoint is gone.
    WriteAheadLog.Unflushed unflushed;
    try (WriteAheadLog wal = WriteAheadLog.open(dir().toRealPath(), SEGMENT)) {
      unflushed = wal.unflushed();
    }
    assertThat(unflushed.entries()).as("the crash left batches to replay").isNotEmpty();
    assertThat(unflushed.entries().getLast().size()).isEqualTo(log.size());
    for (WriteAheadLog.Entry entry : unflushed.entries()) {
      for (LedgerStorage.Tile tile : entry.tiles()) {
        Path file = dir().resolve(tile.path().format());
        if (Files.exists(file)) {
          try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
          }
        }
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(dir().resolve("checkpoint-history").toFile(), "rw")) {
      f.setLength(unflushed.historyLength() + 3);
    }
    Files.delete(dir().resolve("checkpoint"));

    try (FileSystemLedgerStorage reopened = open()) {
      reopened.acquireSequencerLock();
      assertEverythingIsThere(reopened, log, batches);
    }
    // and after a clean close nothing is left to replay
    try (WriteAheadLog wal = WriteAheadLog.open(dir().toRealPath(), SEGMENT)) {
      assertThat(wal.unflushed().entries()).isEmpty();
    }
    try (FileSystemLedgerStorage reader = open()) {
      assertEverythingIsThere(reader, log, batches);
    }
  }

  @Test
  void batchesAcknowledgedBeforeTheirFilesWereWrittenAreReplayed() throws Exception {
    LedgerStorageFixture log = new LedgerStorageFixture();
    List<LedgerStorage.Batch> batches = new ArrayList<>();
    FileSystemLedgerStorage storage = open();
    storage.acquireSequencerLock();
    for (int i = 0; i < 40; i++) {
      LedgerStorage.Batch batch = log.next(5 + i);
      storage.commit(batch);
      batches.add(batch);
      // readers of this storage see every acknowledged batch at once, written to its files or not
      assertThat(storage.latestCheckpoint()).contains(batch.signedCheckpoint());
      assertThat(storage.checkpoint(batch.size())).contains(batch.signedCheckpoint());
    }
    storage.crashForTest(false); // the publisher stops wherever it was
    storage.close();
    try (FileSystemLedgerStorage reopened = open()) {
      reopened.acquireSequencerLock();
      assertEverythingIsThere(reopened, log, batches);
      // and the log goes on from there
      LedgerStorage.Batch more = log.next(300);
      reopened.commit(more);
      batches.add(more);
      assertEverythingIsThere(reopened, log, batches);
    }
  }

  @Test
  void aTornLastRecordIsNotReplayedAndACorruptRecordBeforeIntactOnesIsRefused() throws Exception {
    Path root = Files.createDirectories(dir()).toRealPath();
    LedgerStorageFixture log = new LedgerStorageFixture();
    List<Long> offsets = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(root, 1 << 20)) {
      wal.start(0);
      long at = WriteAheadLog.RECORDS_START;
      for (int i = 0; i < 3; i++) {
        byte[] payload = WriteAheadLog.encode(log.next(2));
        offsets.add(at);
        wal.append(payload);
        at += 8 + payload.length;
      }
      offsets.add(at);
    }
    Path segment = root.resolve(".wal-0");
    byte[] bytes = Files.readAllBytes(segment);
    // a torn last record: its tail never reached the disk
    byte[] torn = bytes.clone();
    torn[(int) (offsets.get(3) - 1)] ^= 1;
    Files.write(segment, torn);
    try (WriteAheadLog wal = WriteAheadLog.open(root, 1 << 20)) {
      assertThat(wal.unflushed().entries()).extracting(WriteAheadLog.Entry::size).containsExactly(2L, 4L);
    }
    // the same damage in the first record, with intact records after it, is corruption: never skipped silently
    byte[] corrupt = bytes.clone();
    corrupt[(int) (offsets.get(1) - 1)] ^= 1;
    Files.write(segment, corrupt);
    try (WriteAheadLog wal = WriteAheadLog.open(root, 1 << 20)) {
      assertThatThrownBy(wal::unflushed).isInstanceOf(LedgerException.class)
          .satisfies(e -> assertThat(((LedgerException) e).code()).isEqualTo(LedgerErrorCode.HISTORY_CORRUPT))
          .hasMessageContaining(".wal-0").hasMessageContaining("byte " + offsets.get(0));
    }
  }

  @Test
  void recordsOfAnEarlierGenerationInAReusedSegmentAreNotReplayed() throws Exception {
    Path root = Files.createDirectories(dir()).toRealPath();
    LedgerStorageFixture log = new LedgerStorageFixture();
    try (WriteAheadLog wal = WriteAheadLog.open(root, 1 << 20)) {
      wal.start(0);
      for (int i = 0; i < 5; i++) {
        wal.append(WriteAheadLog.encode(log.next(1)));
      }
      int left = wal.switchSegment(0);
      wal.markFlushed(left);
      wal.append(WriteAheadLog.encode(log.next(1)));
      left = wal.switchSegment(0); // back into .wal-0, over the five records of generation 1
      wal.markFlushed(left);
      wal.append(WriteAheadLog.encode(log.next(1)));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(root, 1 << 20)) {
      assertThat(wal.unflushed().entries()).extracting(WriteAheadLog.Entry::size).containsExactly(7L);
    }
  }

  private static void assertEverythingIsThere(FileSystemLedgerStorage storage, LedgerStorageFixture log,
      List<LedgerStorage.Batch> batches) throws IOException {
    assertThat(storage.latestCheckpoint()).contains(batches.getLast().signedCheckpoint());
    List<byte[]> history = new ArrayList<>();
    storage.forEachCheckpoint(history::add);
    assertThat(history).hasSize(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      assertThat(history.get(i)).isEqualTo(batches.get(i).signedCheckpoint());
      assertThat(storage.checkpoint(batches.get(i).size())).contains(batches.get(i).signedCheckpoint());
    }
    assertThat(MerkleProofs.root(new TileHashSource(storage.tileReader(), log.size()), log.size()))
        .isEqualTo(log.root());
    assertThat(SequencerTest.storedEntries(storage, log.size())).containsExactlyElementsOf(log.entries());
  }
}
