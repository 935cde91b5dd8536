package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clean logs of sizes around the tile boundaries verify, with the root the test writer computed. */
class LedgerVerifierTest {
  @TempDir
  Path dir;

  static LedgerVerifier.Builder verifier(Path dir) {
    return LedgerVerifier.builder(LedgerReader.directory(dir), List.of(TestLedgerWriter.LOG_KEY.verifier()));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537})
  void cleanLogVerifies(long size) {
    Checkpoint checkpoint = TestLedgerWriter.write(dir, size, size / 3, size / 2);

    List<Long> progress = new ArrayList<>();
    LedgerVerifier.Result result = verifier(dir).origin(TestLedgerWriter.ORIGIN).threads(2)
        .progress(progress::add).build().verify();

    assertThat(result.problems()).isEmpty();
    assertThat(result.ok()).isTrue();
    assertThat(result.size()).isEqualTo(size);
    assertThat(result.rootHash()).isEqualTo(Hash.of(checkpoint.rootHash()));
    assertThat(result.rootHash()).isEqualTo(NaiveMerkle.mth(leaves(size)));
    assertThat(result.entriesChecked()).isEqualTo(size);
    if (size > 0) {
      assertThat(progress).isSorted().last().isEqualTo(size);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8})
  void sameResultWhateverTheThreadCount(int threads) {
    TestLedgerWriter.write(dir, 3 * 256 + 7);

    LedgerVerifier.Result result = verifier(dir).threads(threads).build().verify();

    assertThat(result.ok()).isTrue();
    assertThat(result.entriesChecked()).isEqualTo(3 * 256 + 7);
  }

  @Test
  void trustedEarlierCheckpointIsAccepted() {
    TestLedgerWriter w = new TestLedgerWriter(dir);
    w.append(0, 300, TestLedgerWriter::entry);
    SignedNote trusted = new Checkpoint(TestLedgerWriter.ORIGIN, 300, w.publish().rootHash())
        .sign(TestLedgerWriter.LOG_KEY);
    w.append(300, 1000, TestLedgerWriter::entry);
    w.publish();

    LedgerVerifier.Result result = verifier(dir).trustedCheckpoint(trusted).build().verify();

    assertThat(result.problems()).isEmpty();
  }

  @Test
  void witnessQuorumMet() {
    Checkpoint checkpoint = TestLedgerWriter.write(dir, 10);
    Cosigner w1 = new Cosigner("witness.example/w1", TestLedgerWriter.seed(21), LedgerTamperTest.CLOCK);
    Cosigner w2 = new Cosigner("witness.example/w2", TestLedgerWriter.seed(22), LedgerTamperTest.CLOCK);
    LedgerTamperTest.write(dir, LedgerReader.CHECKPOINT,
        checkpoint.sign(TestLedgerWriter.LOG_KEY, w1).bytes());

    LedgerVerifier.Result result = verifier(dir).witnesses(List.of(w1.verifier(), w2.verifier()), 1).build()
        .verify();

    assertThat(result.problems()).isEmpty();
  }

  @Test
  void tornLastHistoryRecordIsIgnored() throws Exception {
    TestLedgerWriter.write(dir, 20, 10);
    byte[] history = java.nio.file.Files.readAllBytes(dir.resolve(LedgerReader.CHECKPOINT_HISTORY));
    byte[] torn = java.util.Arrays.copyOf(history, history.length + 7);
    torn[history.length + 3] = 100; // a length of 100, then 3 bytes of the note: a crash mid-append
    LedgerTamperTest.write(dir, LedgerReader.CHECKPOINT_HISTORY, torn);

    assertThat(verifier(dir).build().verify().problems()).isEmpty();
  }

  static List<Hash> leaves(long size) {
    List<Hash> out = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      out.add(MerkleHash.leaf(TestLedgerWriter.entry(i)));
    }
    return out;
  }
}
