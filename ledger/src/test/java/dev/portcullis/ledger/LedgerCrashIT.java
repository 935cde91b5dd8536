package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is appending to a ledger with SIGKILL, 40 times, at random points, and checks after each
 * kill that recovery keeps every promise: each acknowledged entry is at its index with the same bytes, the
 * latest checkpoint is consistent with every earlier one in the history, and the whole tree re-verifies from
 * the entry bundles.
 */
class LedgerCrashIT {
  private static final int KILLS = 40;
  /** Write-ahead log segments of 32 KiB: the child switches segments every few batches. */
  private static final long SEGMENT = 32 * 1024;

  @TempDir
  Path temp;

  @Test
  void acknowledgedEntriesSurviveSigkill() throws Exception {
    long seed = Long.getLong("ledger.crash.seed", System.nanoTime());
    System.out.println("LedgerCrashIT seed " + seed);
    Random random = new Random(seed);
    Path dir = temp.resolve("ledger");
    Map<Long, String> acknowledged = new HashMap<>();
    for (int kill = 0; kill < KILLS; kill++) {
      int acksBeforeKill = 1 + random.nextInt(60);
      long started = System.nanoTime();
      Map<Long, String> acks = KilledAppender.run(LedgerCrashChild.class, List.of(dir.toString(), Long.toString(SEGMENT)), acksBeforeKill,
          temp.resolve("child-" + kill + ".err"));
      for (Map.Entry<Long, String> ack : acks.entrySet()) {
        assertThat(acknowledged.put(ack.getKey(), ack.getValue())).as("index %s acknowledged twice (seed %d)",
            ack.getKey(), seed).isNull();
      }
      long killed = System.nanoTime();
      verify(dir, acknowledged, seed);
      System.out.printf("kill %d after %d acks: child %d ms, verify %d ms%n", kill, acks.size(),
          (killed - started) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);
    }
  }

  private static void verify(Path dir, Map<Long, String> acknowledged, long seed) throws Exception {
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir, CheckpointHistory.DEFAULT_INDEX_INTERVAL,
        SEGMENT)) {
      long size;
      try (Sequencer sequencer = Sequencer.open(storage, LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN,
          Sequencer.Options.defaults())) {
        size = sequencer.size();
        assertThat(Checkpoint.of(SignedNote.parse(storage.latestCheckpoint().orElseThrow())).size()).isEqualTo(size);
      }
      List<byte[]> entries = SequencerTest.storedEntries(storage, size);
      MemoryHashSource tree = new MemoryHashSource();
      entries.forEach(tree::appendEntry);
      Checkpoint latest = Checkpoint.verify(SignedNote.parse(storage.latestCheckpoint().orElseThrow()),
          LedgerStorageFixture.ORIGIN, List.of(LedgerStorageFixture.SIGNER.verifier()));
      assertThat(Hash.of(latest.rootHash())).as("tree re-verified from the bundles (seed %d)", seed).isEqualTo(tree.root());
      for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
        assertThat(ack.getKey()).as("acknowledged index inside the tree (seed %d)", seed).isLessThan(size);
        assertThat(MerkleHash.leaf(entries.get(ack.getKey().intValue())).hex())
            .as("entry %d (seed %d)", ack.getKey(), seed).isEqualTo(ack.getValue());
      }
      List<Checkpoint> history = new ArrayList<>();
      storage.forEachCheckpoint(note -> history.add(Checkpoint.verify(SignedNote.parse(note),
          LedgerStorageFixture.ORIGIN, List.of(LedgerStorageFixture.SIGNER.verifier()))));
      assertThat(history.getLast()).isEqualTo(latest);
      for (Checkpoint old : history) {
        List<Hash> proof = MerkleProofs.consistencyProof(tree, old.size(), size);
        MerkleProofs.verifyConsistency(old.size(), size, proof, Hash.of(old.rootHash()), tree.root());
      }
    } catch (IOException e) {
      throw new IOException("verification after a kill failed (seed " + seed + ")", e);
    }
  }
}
