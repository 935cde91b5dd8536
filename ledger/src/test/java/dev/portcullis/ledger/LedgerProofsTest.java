package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proofs over a real sequencer's output, for the latest and for earlier published tree sizes. */
class LedgerProofsTest {
  private static final NoteSigner.Ed25519 SIGNER = NoteSigner.Ed25519.generate("proofs.example/log");
  @TempDir Path dir;
  private final List<Long> publishedSizes = new ArrayList<>();
  private LedgerProofs proofs;

  private static byte[] entry(long i) {
    return ("entry " + i).getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void write() throws Exception {
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir)) {
      // Batches of 100 make sizes 100, 200, 300 (whose partial tiles are superseded and deleted) ... 700.
      for (int batch = 0; batch < 7; batch++) {
        try (Sequencer sequencer = Sequencer.open(storage, SIGNER, SIGNER.name(),
            new Sequencer.Options(Duration.ofSeconds(1), 100, 1000))) {
          List<CompletableFuture<Long>> acks = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            acks.add(sequencer.append(entry(batch * 100L + i)));
          }
          CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
          publishedSizes.add(sequencer.size());
        }
      }
    }
    proofs = new LedgerProofs(LedgerReader.directory(dir), List.of(SIGNER.verifier()));
  }

  @Test
  void inclusionAgainstTheLatestCheckpointVerifiesIndependently() throws Exception {
    LedgerProofs.InclusionProof proof = proofs.inclusion(523, OptionalLong.empty());
    assertThat(proof.treeSize()).isEqualTo(700);
    assertThat(proof.entry()).isEqualTo(entry(523));
    Checkpoint checkpoint = Checkpoint.verify(SignedNote.parse(proof.checkpoint()), SIGNER.name(),
        List.of(SIGNER.verifier()));
    MerkleProofs.verifyInclusion(523, 700, MerkleHash.leaf(entry(523)), proof.proof(),
        Hash.of(checkpoint.rootHash()));
  }

  @Test
  void inclusionAndConsistencyForEarlierSizesWhosePartialTilesAreGone() throws Exception {
    FileSystemLedgerStorage.awaitSweeper();
    assertThat(dir.resolve("tile/entries/000.p/100")).doesNotExist();
    LedgerProofs.InclusionProof proof = proofs.inclusion(42, OptionalLong.of(100));
    assertThat(proof.treeSize()).isEqualTo(100);
    assertThat(proof.entry()).isEqualTo(entry(42));
    for (long old : publishedSizes) {
      LedgerProofs.ConsistencyProof consistency = proofs.consistency(old, OptionalLong.empty());
      Checkpoint from = Checkpoint.of(SignedNote.parse(consistency.oldCheckpoint()));
      Checkpoint to = Checkpoint.of(SignedNote.parse(consistency.newCheckpoint()));
      assertThat(from.size()).isEqualTo(old);
      MerkleProofs.verifyConsistency(old, to.size(), consistency.proof(), Hash.of(from.rootHash()),
          Hash.of(to.rootHash()));
    }
    LedgerProofs.ConsistencyProof between = proofs.consistency(200, OptionalLong.of(500));
    assertThat(Checkpoint.of(SignedNote.parse(between.newCheckpoint())).size()).isEqualTo(500);
  }

  @Test
  void sizesNeverPublishedAndIndicesOutsideTheTreeAreNamed() {
    assertThatThrownBy(() -> proofs.inclusion(5, OptionalLong.of(150))).isInstanceOfSatisfying(LedgerException.class,
        e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.INDEX_OUT_OF_RANGE);
          assertThat(e.getMessage()).contains("no checkpoint of size 150");
        });
    assertThatThrownBy(() -> proofs.inclusion(700, OptionalLong.empty())).isInstanceOfSatisfying(
        LedgerException.class, e -> assertThat(e.getMessage()).contains("entry 700 is not in the tree of size 700"));
    assertThatThrownBy(() -> proofs.consistency(800, OptionalLong.empty())).isInstanceOfSatisfying(
        LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.SIZE_ORDER));
  }

  @Test
  void aLogSignedByAnotherKeyGivesNoProof() {
    LedgerProofs foreign = new LedgerProofs(LedgerReader.directory(dir),
        List.of(NoteSigner.Ed25519.generate(SIGNER.name()).verifier()));
    assertThatThrownBy(() -> foreign.inclusion(1, OptionalLong.empty())).isInstanceOfSatisfying(
        LedgerException.class, e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.CHECKPOINT_INVALID));
  }

  @Test
  void entriesAreReadAcrossBundlesInOrder() {
    List<Long> seen = new ArrayList<>();
    LedgerEntries.forEach(LedgerReader.directory(dir), 250, 520, 700, (index, bytes) -> {
      assertThat(bytes).isEqualTo(entry(index));
      seen.add(index);
    });
    assertThat(seen).hasSize(270).first().isEqualTo(250L);
    assertThat(seen).last().isEqualTo(519L);
  }
}
