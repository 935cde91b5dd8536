package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reopening after damage: a log of 600 entries (bundles 000, 001, 002.p/88; tiles 0/000, 0/001, 0/002.p/88,
 * 1/000.p/2) is damaged on disk, then reopened: torn tiles are rebuilt, corrupt bundles and tampered trees are
 * refused with their codes, leftovers of a crashed batch are ignored.
 */
class SequencerRecoveryTest {
  private static final int SIZE = 600;

  @TempDir
  Path temp;
  private FileSystemLedgerStorage storage;
  private final MemoryHashSource memory = new MemoryHashSource();

  @BeforeEach
  void writeLog() throws Exception {
    storage = FileSystemLedgerStorage.open(temp.resolve("ledger"));
    try (Sequencer s = open()) {
      List<byte[]> entries = new ArrayList<>();
      for (int i = 0; i < SIZE; i++) {
        entries.add(LedgerStorageFixture.entry(i));
        memory.appendEntry(entries.getLast());
      }
      s.appendAll(entries).getLast().get();
    }
  }

  @AfterEach
  void closeStorage() throws IOException {
    storage.close();
  }

  private Sequencer open() throws IOException {
    return Sequencer.open(storage, LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN, Sequencer.Options.defaults());
  }

  private Path file(String path) {
    return storage.directory().resolve(path);
  }

  private static LedgerErrorCode codeOf(Throwable t) {
    return ((LedgerException) t).code();
  }

  private static void flip(Path f, int offset) throws IOException {
    byte[] b = Files.readAllBytes(f);
    b[offset] ^= 0x40;
    Files.write(f, b);
  }

  private static void truncate(Path f, int length) throws IOException {
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, length));
  }

  /** Reopens, expects the log intact at 600 with every damaged file restored, and appends once more. */
  private void assertRecovered(List<String> paths, List<byte[]> original) throws Exception {
    try (Sequencer s = open()) {
      assertThat(s.size()).isEqualTo(SIZE);
      for (int i = 0; i < paths.size(); i++) {
        assertThat(Files.readAllBytes(file(paths.get(i)))).as(paths.get(i)).isEqualTo(original.get(i));
      }
      byte[] e = LedgerStorageFixture.entry(SIZE);
      assertThat(s.append(e).get()).isEqualTo(SIZE);
      memory.appendEntry(e);
      assertThat(Hash.of(Checkpoint.of(s.checkpoint()).rootHash())).isEqualTo(memory.root());
    }
    SequencerTest.assertHistoryConsistent(storage);
  }

  private List<byte[]> read(List<String> paths) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String p : paths) {
      out.add(Files.readAllBytes(file(p)));
    }
    return out;
  }

  @Test
  void tornAndAlteredTilesOnTheRightEdgeAreRebuilt() throws Exception {
    List<String> paths = List.of("tile/0/002.p/88", "tile/0/001", "tile/1/000.p/2");
    List<byte[]> original = read(paths);
    truncate(file("tile/0/002.p/88"), 100);
    flip(file("tile/0/001"), 5000);
    flip(file("tile/1/000.p/2"), 3);
    assertRecovered(paths, original);
  }

  @Test
  void missingTilesAreRebuiltFromTheBundles() throws Exception {
    List<String> paths = List.of("tile/0/000", "tile/0/001", "tile/1/000.p/2");
    List<byte[]> original = read(paths);
    for (String p : paths) {
      Files.delete(file(p));
    }
    assertRecovered(paths, original);
  }

  @Test
  void aCorruptBundleInsideTheTreeIsRefused() throws Exception {
    flip(file("tile/entries/002.p/88"), 10);
    assertThatThrownBy(this::open)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BUNDLE_CORRUPT))
        .hasMessageContaining("tile/entries/002.p/88");
    assertThat(storage.acquireSequencerLock()).as("a failed open releases the lock").isNotNull();
  }

  @Test
  void aTornBundleInsideTheTreeIsRefused() throws Exception {
    truncate(file("tile/entries/001"), 300);
    assertThatThrownBy(this::open)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BUNDLE_CORRUPT))
        .hasMessageContaining("tile/entries/001");
  }

  @Test
  void aTamperedTreeIsRefused() throws Exception {
    byte[] tile = Files.readAllBytes(file("tile/0/000"));
    tile[7] ^= 1;
    Files.write(file("tile/0/000"), tile);
    assertThatThrownBy(this::open)
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.RECOVERY_ROOT_MISMATCH))
        .hasMessageContaining("600");
  }

  @Test
  void aTornHistoryTailIsDropped() throws Exception {
    byte[] note = LedgerStorageFixture.signedCheckpoint(601, memory.root());
    ByteBuffer torn = ByteBuffer.allocate(4 + 20).putInt(note.length).put(note, 0, 20);
    Files.write(file("checkpoint-history"), torn.array(), StandardOpenOption.APPEND);
    assertRecovered(List.of(), List.of());
  }

  @Test
  void aStaleOrTornCheckpointFileIsRewrittenFromTheHistory() throws Exception {
    byte[] latest = Files.readAllBytes(file("checkpoint"));
    Files.write(file("checkpoint"), storage.checkpoint(0).orElseThrow());
    assertRecovered(List.of(), List.of());
    truncate(file("checkpoint"), 30);
    try (Sequencer s = open()) {
      assertThat(s.size()).isEqualTo(SIZE + 1);
    }
    assertThat(Files.readAllBytes(file("checkpoint"))).isNotEqualTo(latest)
        .isEqualTo(storage.checkpoint(SIZE + 1).orElseThrow());
  }

  @Test
  void filesOfACrashedBatchAreIgnoredAndOverwritten() throws Exception {
    Files.write(file("tile/0/002.p/99"), new byte[99 * 32]);
    Files.write(file("tile/entries/002.p/99"), new byte[] {1, 2, 3});
    Files.write(file("tile/0/003"), new byte[17]);
    Files.write(file("tile/entries/003"), new byte[] {0, 0});
    Files.createDirectories(file("tile/1/000.p"));
    Files.write(file("tile/1/000.p/3"), new byte[3 * 32]);
    try (Sequencer s = open()) {
      List<byte[]> entries = new ArrayList<>();
      for (int i = SIZE; i < 1100; i++) {
        entries.add(LedgerStorageFixture.entry(i));
        memory.appendEntry(entries.getLast());
      }
      s.appendAll(entries).getLast().get();
      assertThat(Hash.of(Checkpoint.of(s.checkpoint()).rootHash())).isEqualTo(memory.root());
    }
    assertThat(MerkleProofs.root(new TileHashSource(storage.tileReader(), 1100), 1100)).isEqualTo(memory.root());
    List<byte[]> stored = SequencerTest.storedEntries(storage, 1100);
    for (int i = 0; i < 1100; i++) {
      assertThat(stored.get(i)).isEqualTo(LedgerStorageFixture.entry(i));
    }
    try (Sequencer s = open()) {
      assertThat(s.size()).isEqualTo(1100);
    }
  }
}
