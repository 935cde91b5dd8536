package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  @TempDir
  Path temp;

  @Test
  void acknowledgedEntriesSurviveSigkill() throws Exception {
    long seed = Long.getLong("ledger.crash.seed", System.nanoTime());
    System.out.println("LedgerCrashIT seed " + seed);
    Random random = new Random(seed);
    Path dir = temp.resolve("ledger");
    Map<Long, String> acknowledged = new HashMap<>();
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (int kill = 0; kill < KILLS; kill++) {
      int acksBeforeKill = 1 + random.nextInt(60);
      long started = System.nanoTime();
      Path stderr = temp.resolve("child-" + kill + ".err");
      Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
          "-Xshare:auto",
          "-cp", System.getProperty("java.class.path"), LedgerCrashChild.class.getName(), dir.toString())
          .redirectError(stderr.toFile())
          .start();
      int acks = 0;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while (acks < acksBeforeKill && (line = out.readLine()) != null) {
          String[] parts = line.split(" ");
          if (parts[0].equals("ack")) {
            String previous = acknowledged.put(Long.parseLong(parts[1]), parts[2]);
            assertThat(previous).as("index %s acknowledged twice (seed %d)", parts[1], seed).isNull();
            acks++;
          }
        }
        child.destroyForcibly();
        child.waitFor();
      }
      assertThat(acks).as("child %d acknowledged too little before dying (seed %d): %s", kill, seed,
          Files.readString(stderr)).isEqualTo(acksBeforeKill);
      long killed = System.nanoTime();
      verify(dir, acknowledged, seed);
      System.out.printf("kill %d after %d acks: child %d ms, verify %d ms%n", kill, acks,
          (killed - started) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);
    }
  }

  private static void verify(Path dir, Map<Long, String> acknowledged, long seed) throws Exception {
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir)) {
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
