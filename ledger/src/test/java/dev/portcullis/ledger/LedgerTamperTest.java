package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of tampering is detected, with the right code and the file and index an auditor needs. The fixture is
 * a log of 778 entries: bundles and level-0 tiles 000, 001, 002 (full) and 003.p/10, level-1 tile 000.p/3,
 * checkpoints published at sizes 100, 300 and 778.
 */
class LedgerTamperTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
  static final long SIZE = 3 * 256 + 10;

  @TempDir
  Path dir;
  Checkpoint checkpoint;

  @BeforeEach
  void writeLog() {
    checkpoint = TestLedgerWriter.write(dir, SIZE, 100, 300);
    assertThat(verify().problems()).isEmpty();
  }

  // ------------------------------------------------------------------ tiles and bundles

  @Test
  void flippedBitInLevel0Tile() {
    flipBit("tile/0/001", 17 * Hash.SIZE + 5, 3);

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.TILE_MISMATCH, "tile/0/001", 256 + 17);
    assertThat(p.found()).isEqualTo(MerkleHash.leaf(TestLedgerWriter.entry(256 + 17)).hex());
    assertThat(p.expected()).isNotEqualTo(p.found()).hasSize(64);
    assertThat(p.message()).startsWith("tile/0/001: hash 17 expected " + p.expected() + " found " + p.found())
        .contains("entry 273 (256·1+17) of tile/entries/001");
  }

  @Test
  void flippedBitInPartialLevel0Tile() {
    flipBit("tile/0/003.p/10", 9 * Hash.SIZE, 0);

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/0/003.p/10", 777);
  }

  @Test
  void flippedBitInLevel1Tile() {
    flipBit("tile/1/000.p/3", 2 * Hash.SIZE + 31, 7);

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.TILE_MISMATCH, "tile/1/000.p/3", 2);
    assertThat(p.message()).contains("recomputed from entries 512..767");
  }

  @Test
  void flippedBitInFullLevel1Tile() {
    checkpoint = TestLedgerWriter.write(dir, 65_537);
    flipBit("tile/1/000", 200 * Hash.SIZE, 1);

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/1/000", 200);
  }

  @Test
  void flippedBitInFullLevel2PartialTile() {
    checkpoint = TestLedgerWriter.write(dir, 65_537);
    flipBit("tile/2/000.p/1", 0, 1);

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/2/000.p/1", 0);
  }

  @Test
  void flippedBitInFullBundle() {
    flipBit("tile/entries/001", payloadOffset("tile/entries/001", 5), 2);

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.TILE_MISMATCH, "tile/0/001", 256 + 5);
    assertThat(p.expected()).isEqualTo(MerkleHash.leaf(TestLedgerWriter.entry(256 + 5)).hex());
  }

  @Test
  void flippedBitInPartialBundle() {
    flipBit("tile/entries/003.p/10", payloadOffset("tile/entries/003.p/10", 9), 6);

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/0/003.p/10", 777);
  }

  @Test
  void flippedBitInLengthPrefix() {
    flipBit("tile/entries/000", payloadOffset("tile/entries/000", 4) - 2, 7); // +32768

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, "tile/entries/000", 4);
    assertThat(p.message()).contains("length prefix").contains("runs past the end");
  }

  @Test
  void truncatedTile() {
    truncate("tile/0/002", 100);

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.WRONG_TILE_SIZE, "tile/0/002", 512);
    assertThat(p.expected()).isEqualTo("8192");
    assertThat(p.found()).isEqualTo("100");
  }

  @Test
  void truncatedBundle() {
    byte[] bundle = read("tile/entries/002");
    truncate("tile/entries/002", bundle.length - 3);

    assertProblem(first(), LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, "tile/entries/002", 512 + 255);
  }

  @Test
  void trailingBytesInBundle() {
    byte[] bundle = read("tile/entries/003.p/10");
    write(dir, "tile/entries/003.p/10", Arrays.copyOf(bundle, bundle.length + 2));

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, "tile/entries/003.p/10", 778);
    assertThat(p.message()).contains("2 trailing bytes");
  }

  @Test
  void deletedFiles() throws IOException {
    Files.delete(dir.resolve("tile/0/001"));
    assertProblem(first(), LedgerErrorCode.MISSING_TILE, "tile/0/001", 256);

    Files.delete(dir.resolve("tile/entries/000"));
    assertProblem(first(), LedgerErrorCode.MISSING_TILE, "tile/entries/000", 0);
  }

  @Test
  void deletedPartialBundleAndUpperTile() throws IOException {
    Files.delete(dir.resolve("tile/1/000.p/3"));
    assertProblem(first(), LedgerErrorCode.MISSING_TILE, "tile/1/000.p/3", 0);

    Files.delete(dir.resolve("tile/entries/003.p/10"));
    assertProblem(first(), LedgerErrorCode.MISSING_TILE, "tile/entries/003.p/10", 768);
  }

  @Test
  void entryRemoved() {
    List<byte[]> entries = new ArrayList<>(TestLedgerWriter.entries(read("tile/entries/001")));
    entries.remove(7);
    write(dir, "tile/entries/001", TestLedgerWriter.bundle(entries));

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, "tile/entries/001", 256 + 255);
    assertThat(p.message()).contains("ends after 255 entries, expected 256");
  }

  @Test
  void twoEntriesSwapped() {
    List<byte[]> entries = new ArrayList<>(TestLedgerWriter.entries(read("tile/entries/001")));
    Collections.swap(entries, 3, 9);
    write(dir, "tile/entries/001", TestLedgerWriter.bundle(entries));

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/0/001", 256 + 3);
  }

  @Test
  void twoEntriesSwappedAndLevel0TileRewritten() {
    List<byte[]> entries = new ArrayList<>(TestLedgerWriter.entries(read("tile/entries/001")));
    Collections.swap(entries, 3, 9);
    write(dir, "tile/entries/001", TestLedgerWriter.bundle(entries));
    byte[] tile = new byte[256 * Hash.SIZE];
    for (int i = 0; i < 256; i++) {
      MerkleHash.leaf(entries.get(i)).copyTo(tile, i * Hash.SIZE);
    }
    write(dir, "tile/0/001", tile);

    assertProblem(first(), LedgerErrorCode.TILE_MISMATCH, "tile/1/000.p/3", 1);
  }

  @Test
  void wholeTreeRewrittenUnderTheOldCheckpoint() {
    byte[] oldCheckpoint = read(LedgerReader.CHECKPOINT);
    TestLedgerWriter w = new TestLedgerWriter(dir);
    w.append(0, SIZE, i -> i == 500 ? "forged".getBytes() : TestLedgerWriter.entry(i));
    w.publish();
    write(dir, LedgerReader.CHECKPOINT, oldCheckpoint);

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.ROOT_MISMATCH, "checkpoint", -1);
    assertThat(p.expected()).isEqualTo(Hash.of(checkpoint.rootHash()).hex());
  }

  // ------------------------------------------------------------------ checkpoints

  @Test
  void flippedBitInCheckpointBody() {
    byte[] note = read(LedgerReader.CHECKPOINT);
    int sizeLine = checkpoint.origin().length() + 1;
    note[sizeLine + 2] ^= 1; // "778" -> "779"
    write(dir, LedgerReader.CHECKPOINT, note);

    assertProblem(first(), LedgerErrorCode.BAD_SIGNATURE, "checkpoint", -1);
  }

  @Test
  void flippedBitInCheckpointSignature() {
    SignedNote note = SignedNote.parse(read(LedgerReader.CHECKPOINT));
    NoteSignature s = note.signatures().getFirst();
    byte[] sig = s.signature();
    sig[10] ^= 0x10;
    write(dir, LedgerReader.CHECKPOINT,
        new SignedNote(note.text(), List.of(NoteSignature.of(s.keyName(), s.keyId(), sig))).bytes());

    assertProblem(first(), LedgerErrorCode.BAD_SIGNATURE, "checkpoint", -1);
  }

  @Test
  void truncatedOrDeletedCheckpoint() throws IOException {
    truncate(LedgerReader.CHECKPOINT, 30);
    assertProblem(first(), LedgerErrorCode.CHECKPOINT_INVALID, "checkpoint", -1);

    Files.delete(dir.resolve(LedgerReader.CHECKPOINT));
    assertProblem(first(), LedgerErrorCode.CHECKPOINT_INVALID, "checkpoint", -1);
  }

  @Test
  void checkpointSignedByAnotherKey() {
    write(dir, LedgerReader.CHECKPOINT, checkpoint.sign(TestLedgerWriter.OTHER_KEY).bytes());

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.UNVERIFIED, "checkpoint", -1);
    assertThat(p.message()).contains(TestLedgerWriter.LOG_KEY.verifier().name());
  }

  @Test
  void wrongOrigin() {
    LedgerVerifier.Result result = LedgerVerifierTest.verifier(dir).origin("example.com/other").build().verify();

    assertProblem(result.problems().getFirst(), LedgerErrorCode.CHECKPOINT_INVALID, "checkpoint", -1);
  }

  @Test
  void rolledBackAgainstTrustedCheckpoint() {
    TestLedgerWriter w = new TestLedgerWriter(dir.resolve("future"));
    w.append(0, SIZE + 5, TestLedgerWriter::entry);
    SignedNote newer = w.publish().sign(TestLedgerWriter.LOG_KEY);

    LedgerVerifier.Problem p = LedgerVerifierTest.verifier(dir).trustedCheckpoint(newer).build().verify()
        .problems().getFirst();

    assertProblem(p, LedgerErrorCode.CHECKPOINT_ROLLBACK, "checkpoint", -1);
    assertThat(p.found()).isEqualTo(Long.toString(SIZE));
  }

  @Test
  void rolledBackAgainstHistory() {
    TestLedgerWriter w = new TestLedgerWriter(dir);
    w.append(0, SIZE + 1, TestLedgerWriter::entry);
    w.publish(); // history: 100, 300, 778, 779
    write(dir, LedgerReader.CHECKPOINT, checkpoint.sign(TestLedgerWriter.LOG_KEY).bytes());

    assertProblem(first(), LedgerErrorCode.CHECKPOINT_ROLLBACK, "checkpoint", 0);
  }

  @Test
  void forkAgainstTrustedCheckpointOfSameSize() {
    SignedNote forked = new Checkpoint(TestLedgerWriter.ORIGIN, SIZE, MerkleHash.leaf(new byte[1]).toBytes())
        .sign(TestLedgerWriter.LOG_KEY);

    LedgerVerifier.Problem p = LedgerVerifierTest.verifier(dir).trustedCheckpoint(forked).build().verify()
        .problems().getFirst();

    assertProblem(p, LedgerErrorCode.FORK, "checkpoint", -1);
  }

  @Test
  void forkAgainstSmallerTrustedCheckpoint() {
    SignedNote forked = new Checkpoint(TestLedgerWriter.ORIGIN, 300, MerkleHash.leaf(new byte[1]).toBytes())
        .sign(TestLedgerWriter.LOG_KEY);

    LedgerVerifier.Problem p = LedgerVerifierTest.verifier(dir).trustedCheckpoint(forked).build().verify()
        .problems().getFirst();

    assertThat(p.code()).isEqualTo(LedgerErrorCode.FORK);
    assertThat(p.message()).contains("size 300");
  }

  @Test
  void forkInHistory() {
    byte[] forked = new Checkpoint(TestLedgerWriter.ORIGIN, SIZE, MerkleHash.leaf(new byte[1]).toBytes())
        .sign(TestLedgerWriter.LOG_KEY).bytes();
    byte[] history = read(LedgerReader.CHECKPOINT_HISTORY);
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concat(history, record(forked)));

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.FORK, "checkpoint-history", 3);
    assertThat(p.expected()).isEqualTo(Hash.of(checkpoint.rootHash()).hex());
  }

  @Test
  void inconsistentHistoryRecord() {
    byte[] bogus = new Checkpoint(TestLedgerWriter.ORIGIN, 300, MerkleHash.leaf(new byte[1]).toBytes())
        .sign(TestLedgerWriter.LOG_KEY).bytes();
    byte[] history = read(LedgerReader.CHECKPOINT_HISTORY);
    List<byte[]> records = records(history);
    records.set(1, bogus);
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concatRecords(records));

    assertProblem(first(), LedgerErrorCode.HISTORY_INCONSISTENT, "checkpoint-history", 1);
  }

  @Test
  void shrinkingHistory() {
    List<byte[]> records = records(read(LedgerReader.CHECKPOINT_HISTORY));
    Collections.swap(records, 0, 1);
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concatRecords(records));

    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.HISTORY_INCONSISTENT, "checkpoint-history", 1);
    assertThat(p.message()).contains("shrank from size 300");
  }

  @Test
  void historyRecordSignedByAnotherKey() {
    List<byte[]> records = records(read(LedgerReader.CHECKPOINT_HISTORY));
    records.set(0, Checkpoint.of(SignedNote.parse(records.get(0))).sign(TestLedgerWriter.OTHER_KEY).bytes());
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concatRecords(records));

    assertProblem(first(), LedgerErrorCode.UNVERIFIED, "checkpoint-history", 0);
  }

  @Test
  void historyCutShortOrWithADamagedLength() {
    byte[] history = read(LedgerReader.CHECKPOINT_HISTORY);
    List<byte[]> records = records(history);
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concatRecords(records.subList(0, 2)));
    LedgerVerifier.Problem p = first();
    assertProblem(p, LedgerErrorCode.HISTORY_INCONSISTENT, "checkpoint-history", 2);
    assertThat(p.message()).contains("latest checkpoint (size 778) is not among its 2 records");

    history[1] ^= 1; // first record's length now runs past the end: the whole file looks like one torn record
    write(dir, LedgerReader.CHECKPOINT_HISTORY, history);
    assertProblem(first(), LedgerErrorCode.HISTORY_INCONSISTENT, "checkpoint-history", 0);
  }

  @Test
  void historyIsSkippedWhenNotAsked() {
    List<byte[]> records = records(read(LedgerReader.CHECKPOINT_HISTORY));
    Collections.swap(records, 0, 1);
    write(dir, LedgerReader.CHECKPOINT_HISTORY, concatRecords(records));

    assertThat(LedgerVerifierTest.verifier(dir).verifyHistory(false).build().verify().ok()).isTrue();
  }

  @Test
  void tooFewWitnesses() {
    Cosigner w1 = new Cosigner("witness.example/w1", TestLedgerWriter.seed(21), CLOCK);
    Cosigner w2 = new Cosigner("witness.example/w2", TestLedgerWriter.seed(22), CLOCK);
    write(dir, LedgerReader.CHECKPOINT, checkpoint.sign(TestLedgerWriter.LOG_KEY, w1).bytes());

    LedgerVerifier.Problem p = LedgerVerifierTest.verifier(dir).witnesses(List.of(w1.verifier(), w2.verifier()), 2)
        .build().verify().problems().getFirst();

    assertProblem(p, LedgerErrorCode.TOO_FEW_WITNESSES, "checkpoint", -1);
    assertThat(p.expected()).isEqualTo("2");
    assertThat(p.found()).isEqualTo("1");
  }

  // ------------------------------------------------------------------ reporting

  @Test
  void collectingAllProblemsReportsThemInIndexOrder() throws IOException {
    flipBit("tile/0/002", 0, 0);
    Files.delete(dir.resolve("tile/entries/000"));
    flipBit("tile/0/001", 40 * Hash.SIZE, 0);

    for (int threads : new int[] {1, 3}) {
      List<LedgerVerifier.Problem> problems = LedgerVerifierTest.verifier(dir).stopAtFirstProblem(false)
          .threads(threads).build().verify().problems();

      assertThat(problems).extracting(LedgerVerifier.Problem::path)
          .containsExactly("tile/entries/000", "tile/0/001", "tile/0/002");
      assertThat(problems).extracting(LedgerVerifier.Problem::index).containsExactly(0L, 296L, 512L);
    }
  }

  // ------------------------------------------------------------------ helpers

  private LedgerVerifier.Result verify() {
    return LedgerVerifierTest.verifier(dir).threads(2).build().verify();
  }

  private LedgerVerifier.Problem first() {
    LedgerVerifier.Result result = verify();
    assertThat(result.ok()).isFalse();
    assertThat(result.problems()).hasSize(1);
    return result.problems().getFirst();
  }

  static void assertProblem(LedgerVerifier.Problem p, LedgerErrorCode code, String path, long index) {
    assertThat(p.code()).as(p.message()).isEqualTo(code);
    assertThat(p.path()).as(p.message()).isEqualTo(path);
    assertThat(p.index()).as(p.message()).isEqualTo(index);
  }

  private byte[] read(String relative) {
    try {
      return Files.readAllBytes(dir.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void flipBit(String relative, int offset, int bit) {
    byte[] bytes = read(relative);
    bytes[offset] ^= (byte) (1 << bit);
    write(dir, relative, bytes);
  }

  private void truncate(String relative, int length) {
    write(dir, relative, Arrays.copyOf(read(relative), length));
  }

  /** Byte offset of entry {@code position}'s payload in a bundle. */
  private int payloadOffset(String bundle, int position) {
    byte[] b = read(bundle);
    int at = 0;
    for (int i = 0; i < position; i++) {
      at += 2 + (((b[at] & 0xff) << 8) | (b[at + 1] & 0xff));
    }
    int length = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    assertThat(length).as("entry %d of %s must not be empty", position, bundle).isPositive();
    return at + 2;
  }

  static void write(Path dir, String relative, byte[] bytes) {
    try {
      Files.write(dir.resolve(relative), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] record(byte[] note) {
    byte[] out = new byte[4 + note.length];
    out[0] = (byte) (note.length >>> 24);
    out[1] = (byte) (note.length >>> 16);
    out[2] = (byte) (note.length >>> 8);
    out[3] = (byte) note.length;
    System.arraycopy(note, 0, out, 4, note.length);
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static List<byte[]> records(byte[] history) {
    List<byte[]> out = new ArrayList<>();
    for (int at = 0; at < history.length; ) {
      int n = ((history[at] & 0xff) << 24) | ((history[at + 1] & 0xff) << 16) | ((history[at + 2] & 0xff) << 8)
          | (history[at + 3] & 0xff);
      out.add(Arrays.copyOfRange(history, at + 4, at + 4 + n));
      at += 4 + n;
    }
    return out;
  }

  static byte[] concatRecords(List<byte[]> records) {
    byte[] out = new byte[0];
    for (byte[] r : records) {
      out = concat(out, record(r));
    }
    return out;
  }
}
