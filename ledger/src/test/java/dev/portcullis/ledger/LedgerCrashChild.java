package dev.portcullis.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The process {@link LedgerCrashIT} kills: opens a sequencer on the directory in {@code args[0]} and appends
 * from four threads forever, printing {@code ack <index> <leaf hash hex>} for each acknowledged entry, one
 * flushed line each, so the parent knows exactly what was acknowledged before the SIGKILL.
 */
final class LedgerCrashChild {
  private LedgerCrashChild() {
  }

  public static void main(String[] args) throws Exception {
    FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(Path.of(args[0]));
    Sequencer sequencer = Sequencer.open(storage, LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN,
        new Sequencer.Options(Duration.ofMillis(1), 64, 1024));
    System.out.println("ready " + sequencer.size());
    System.out.flush();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      Thread writer = new Thread(() -> {
        for (long i = 0; ; i++) {
          byte[] entry = ("pid " + ProcessHandle.current().pid() + " thread " + thread + " entry " + i + " "
              + "z".repeat(ThreadLocalRandom.current().nextInt(40))).getBytes(StandardCharsets.UTF_8);
          long index = sequencer.append(entry).join();
          String line = "ack " + index + " " + MerkleHash.leaf(entry).hex();
          synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
          }
        }
      });
      writer.start();
    }
  }
}
