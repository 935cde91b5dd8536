package dev.portcullis.orgsim;

import dev.portcullis.salesforce.SalesforceId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open query cursors (query locators) of one org: the full result of a query, kept so that
 * {@code nextRecordsUrl} can page through it. Salesforce keeps a locator for 15 minutes of
 * inactivity (REST API Developer Guide, "Query", resources_query.htm); so does this. Thread-safe.
 */
final class QueryCursors {
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** One cursor. */
  static final class Cursor {
    final List<Map<String, Object>> records;
    final int batchSize;
    Instant lastUsed;

    Cursor(List<Map<String, Object>> records, int batchSize, Instant now) {
      this.records = List.copyOf(records);
      this.batchSize = batchSize;
      this.lastUsed = now;
    }
  }

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cursor> cursors = new HashMap<>();

  QueryCursors(Clock clock) {
    this.clock = clock;
  }

  synchronized String open(List<Map<String, Object>> records, int batchSize) {
    StringBuilder id = new StringBuilder("01g");
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    String locator = SalesforceId.to18(id.toString());
    cursors.put(locator, new Cursor(records, batchSize, clock.instant()));
    return locator;
  }

  synchronized Optional<Cursor> get(String locator) {
    Instant now = clock.instant();
    cursors.values().removeIf(c -> !now.isBefore(c.lastUsed.plus(IDLE_TIMEOUT)));
    Cursor c = cursors.get(locator);
    if (c != null) {
      c.lastUsed = now;
    }
    return Optional.ofNullable(c);
  }
}
