package dev.portcullis.certs.rotate;

import dev.portcullis.ledger.LedgerEntry;

/**
 * Where a rotation records its steps: appends one entry and returns once the ledger acknowledged
 * it (durable), or throws. The CLI appends through the data directory's sequencer.
 */
@FunctionalInterface
public interface RotationLedger {
  /** Appends {@code entry}; returns its index. */
  long append(LedgerEntry entry);
}
