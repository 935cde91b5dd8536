package dev.portcullis.store;

import dev.portcullis.ledger.LedgerStorageFixture;
import dev.portcullis.ledger.KilledAppender;
import dev.portcullis.ledger.Sequencer;
import java.time.Duration;

/**
 * The process {@link PostgresLedgerCrashIT} kills: opens the ledger kept in the PostgreSQL schema of
 * {@code args[0]} (a store URL) and appends from eight threads forever, printing {@code ack <index> <leaf hash hex>}
 * for each acknowledged entry, one flushed line each.
 */
final class PostgresLedgerCrashChild {
  private PostgresLedgerCrashChild() {
  }

  public static void main(String[] args) throws Exception {
    Store store = Store.open(args[0], null);
    Sequencer sequencer = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sequencer == null) {
      try {
        sequencer = Sequencer.open(store.ledgerStorage(), LedgerStorageFixture.SIGNER, LedgerStorageFixture.ORIGIN,
            new Sequencer.Options(Duration.ofMillis(1), 64, 1024));
      } catch (dev.portcullis.ledger.LedgerException e) {
        // The killed predecessor's session (and its advisory lock) ends when PostgreSQL sees its socket close.
        if (e.code() != dev.portcullis.ledger.LedgerErrorCode.LOCKED || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.onSpinWait();
      }
    }
    KilledAppender.appendForever(sequencer, 8);
  }
}
