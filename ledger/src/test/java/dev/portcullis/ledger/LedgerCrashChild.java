package dev.portcullis.ledger;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The process {@link LedgerCrashIT} kills: opens a sequencer on the directory in {@code args[0]} and appends
 * from sixteen threads forever ({@link KilledAppender#appendForever}), printing {@code ack <index> <leaf hash hex>}
 * for each acknowledged entry, so the parent knows exactly what was acknowledged before the SIGKILL.
 */
final class LedgerCrashChild {
  private LedgerCrashChild() {
  }

  public static void main(String[] args) throws Exception {
    // args[1]: write-ahead log segment size, small so that kills land in every phase of a segment's life
    FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(Path.of(args[0]),
        CheckpointHistory.DEFAULT_INDEX_INTERVAL, Long.parseLong(args[1]));
    Sequencer sequencer = Sequencer.open(storage, LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN,
        new Sequencer.Options(Duration.ofMillis(1), 64, 1024));
    KilledAppender.appendForever(sequencer, 16);
  }
}
