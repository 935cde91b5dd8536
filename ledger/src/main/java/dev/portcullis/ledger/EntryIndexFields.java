package dev.portcullis.ledger;

import java.time.Instant;

/**
 * What the store's search index keeps of one entry: its kind and time, and the well-known fields
 * {@code org}, {@code actor}, {@code session}, {@code commit} and {@code deployment_id} when the
 * entry has them as strings ({@code null} otherwise). Derived from the entry alone, so the index
 * can always be rebuilt from the ledger.
 */
public record EntryIndexFields(
    String kind,
    String org,
    String actor,
    String session,
    String commit,
    String deploymentId,
    Instant time) {

  /** The index fields of {@code entry}. */
  public static EntryIndexFields of(LedgerEntry entry) {
    return new EntryIndexFields(
        entry.kind(),
        text(entry, "org"),
        text(entry, "actor"),
        text(entry, "session"),
        text(entry, "commit"),
        text(entry, "deployment_id"),
        entry.time());
  }

  private static String text(LedgerEntry entry, String field) {
    return entry.fields().get(field) instanceof String value ? value : null;
  }
}
