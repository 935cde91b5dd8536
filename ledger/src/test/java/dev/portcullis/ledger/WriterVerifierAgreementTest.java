package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real writer (sequencer over the file system) and the independent verifier agree: what the sequencer writes,
 * batch after batch, is a tlog-tiles log that the verifier accepts in full, history included; and damage the
 * verifier must see is seen on real output too.
 */
class WriterVerifierAgreementTest {
  private static final NoteSigner.Ed25519 SIGNER = NoteSigner.Ed25519.generate("agreement.example/log");

  @TempDir Path dir;

  private long write(long entries, int batches, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir)) {
      for (int b = 0; b < batches; b++) {
        // Reopening between batches exercises recovery on real output as well.
        try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(),
            new Sequencer.Options(Duration.ofMillis(1), 1 + random.nextInt(700), 65536))) {
          List<CompletableFuture<Long>> acks = new ArrayList<>();
          for (long i = 0; i < entries / batches; i++) {
            byte[] entry = new byte[1 + random.nextInt(300)];
            random.nextBytes(entry);
            ByteBuffer.wrap(entry).put((byte) i);
            acks.add(sequencer.append(entry));
          }
          CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
      }
      return storage.latestCheckpoint().map(note -> Checkpoint.of(SignedNote.parse(note)).size()).orElseThrow();
    }
  }

  private LedgerVerifier.Result verify() {
    return LedgerVerifier.builder(LedgerReader.directory(dir), List.of(SIGNER.verifier()))
        .verifyHistory(true).threads(2).build().verify();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 255, 256, 257, 3 * 256 + 17, 65_536 + 3})
  void whatTheSequencerWritesVerifiesInFullWithItsHistory(long entries) throws Exception {
    long size = write(entries, entries > 1000 ? 3 : 1, entries);
    LedgerVerifier.Result result = verify();
    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(size).isEqualTo(entries - entries % (entries > 1000 ? 3 : 1));
    assertThat(result.entriesChecked()).isEqualTo(size);
  }

  @Test
  void aFlippedByteInARealBundleIsReportedWithItsPath() throws Exception {
    write(600, 2, 9);
    Path bundle = dir.resolve("tile/entries/001");
    byte[] bytes = Files.readAllBytes(bundle);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(bundle, bytes);
    LedgerVerifier.Result result = verify();
    assertThat(result.ok()).isFalse();
    assertThat(result.problems().get(0).toString()).contains("tile/entries/001");
  }
}
