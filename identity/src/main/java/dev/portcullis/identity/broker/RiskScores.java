package dev.portcullis.identity.broker;

import dev.portcullis.store.PrincipalRisk;
import dev.portcullis.store.RiskRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One replica's copy of every principal's risk score, so that a decision reads {@code risk} without
 * a store read.
 *
 * <h2>Design note</h2>
 *
 * <ul>
 *   <li><b>Freshness.</b> {@link #refresh} reads the changes after the highest version seen ({@link
 *       RiskRepository#changedSince}; versions commit in order, so none is skipped). The server calls
 *       it every half second with the session sweep, so a change made on any replica reaches every
 *       other one within a second. A change made through this replica is applied at once ({@link
 *       #apply}); the next refresh reads it again, which changes nothing.
 *   <li><b>Fail closed.</b> A decision asks {@link #current}, which trusts memory only when it was
 *       refreshed within {@code maxAge}. Otherwise it refreshes on the calling thread, and when the
 *       store does not answer it throws, so the decision is a deny rather than one made on a score that
 *       may be stale. After a failed refresh, further callers fail at once for {@code retryAfter}
 *       instead of each waiting on a store that is down.
 *   <li><b>Order.</b> A row replaces what is remembered only when its version is higher, so a
 *       refresh racing a local {@link #apply} never puts an older score back.
 * </ul>
 *
 * <p>Thread-safe: reads take no lock; refreshes are serialised on this object.
 */
final class RiskScores {
  /** Rows read per store query while catching up. */
  static final int BATCH = 1_000;

  private final RiskRepository repository;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration retryAfter;
  private final Map<Principal, PrincipalRisk> byPrincipal = new ConcurrentHashMap<>();
  /** The highest version read from the store. Guarded by {@code this}. */
  private long version;
  /** When the last successful refresh started; null before the first. */
  private volatile Instant refreshedAt;
  /** When the last refresh failed, and why; null after a success. Guarded by {@code this}. */
  private Instant failedAt;
  private String failure;

  private record Principal(String issuer, String subject) {}

  RiskScores(RiskRepository repository, Clock clock, Duration maxAge, Duration retryAfter) {
    this.repository = repository;
    this.clock = clock;
    this.maxAge = maxAge;
    this.retryAfter = retryAfter;
  }

  /**
   * Reads every change made since the last refresh.
   *
   * @return the rows that changed, in version order
   * @throws RuntimeException from the store; memory is then unchanged but for the rows already read
   */
  synchronized List<PrincipalRisk> refresh() {
    Instant started = clock.instant(); // freshness counts from the read's start: later changes are not in it
    List<PrincipalRisk> changed = new ArrayList<>();
    try {
      List<PrincipalRisk> batch;
      do {
        batch = repository.changedSince(version, BATCH);
        for (PrincipalRisk row : batch) {
          apply(row);
          version = Math.max(version, row.version());
          changed.add(row);
        }
      } while (batch.size() == BATCH);
    } catch (RuntimeException e) {
      failedAt = clock.instant();
      failure = e.getMessage();
      throw e;
    }
    refreshedAt = started;
    failedAt = null;
    failure = null;
    return changed;
  }

  /** Remembers {@code row} unless a newer version of the principal's row is remembered. */
  void apply(PrincipalRisk row) {
    byPrincipal.merge(new Principal(row.issuer(), row.subject()), row,
        (old, candidate) -> candidate.version() > old.version() ? candidate : old);
  }

  /**
   * The principal's risk for a decision: from memory when it was refreshed within {@code maxAge},
   * else after refreshing it now.
   *
   * @return empty when no score was ever set for the principal (it is 0)
   * @throws IllegalStateException naming the cause when the scores cannot be read from the store
   */
  Optional<PrincipalRisk> current(String issuer, String subject) {
    if (isStale(clock.instant())) {
      refreshForDecision();
    }
    return remembered(issuer, subject);
  }

  /** The principal's risk as this replica remembers it, without reading the store. */
  Optional<PrincipalRisk> remembered(String issuer, String subject) {
    return Optional.ofNullable(byPrincipal.get(new Principal(issuer, subject)));
  }

  private boolean isStale(Instant now) {
    Instant at = refreshedAt;
    return at == null || Duration.between(at, now).compareTo(maxAge) > 0;
  }

  private synchronized void refreshForDecision() {
    Instant now = clock.instant();
    if (!isStale(now)) {
      return; // another caller refreshed meanwhile
    }
    if (failedAt != null && Duration.between(failedAt, now).compareTo(retryAfter) < 0) {
      throw unavailable(failure, null);
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      throw unavailable(e.getMessage(), e);
    }
  }

  private IllegalStateException unavailable(String cause, RuntimeException e) {
    Instant at = refreshedAt;
    return new IllegalStateException("the principals' risk scores could not be read from the store (" + cause
        + "); " + (at == null ? "they were never read" : "they were last read at " + at)
        + ", so no decision is made with them", e);
  }
}
