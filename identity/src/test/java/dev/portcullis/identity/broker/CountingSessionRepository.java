package dev.portcullis.identity.broker;

import dev.portcullis.store.Session;
import dev.portcullis.store.SessionRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A session repository that counts the reads of {@link #findByTokenHash} and can run a hook after
 * such a read and before it returns (to hold a cache fill in the middle of its race).
 */
final class CountingSessionRepository implements SessionRepository {
  private final SessionRepository delegate;
  final AtomicInteger tokenReads = new AtomicInteger();
  volatile Consumer<Optional<Session>> afterTokenRead = found -> {};
  /** When set, {@link #recordUses} throws it instead of writing. */
  volatile RuntimeException recordUsesFailure;

  CountingSessionRepository(SessionRepository delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<Session> findByTokenHash(String tokenHash) {
    tokenReads.incrementAndGet();
    Optional<Session> found = delegate.findByTokenHash(tokenHash);
    afterTokenRead.accept(found);
    return found;
  }

  @Override
  public Session create(Session session) {
    return delegate.create(session);
  }

  @Override
  public Optional<Session> findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public List<Session> listActive(Instant now, Filter filter) {
    return delegate.listActive(now, filter);
  }

  @Override
  public List<Session> list(Filter filter, int limit) {
    return delegate.list(filter, limit);
  }

  @Override
  public boolean revoke(String id, String revokedBy, String reason, Instant now) {
    return delegate.revoke(id, revokedBy, reason, now);
  }

  @Override
  public List<Session> revokeByPrincipal(String issuer, String subject, String revokedBy, String reason, Instant now) {
    return delegate.revokeByPrincipal(issuer, subject, revokedBy, reason, now);
  }

  @Override
  public List<Session> revokeByOrg(String orgAlias, String revokedBy, String reason, Instant now) {
    return delegate.revokeByOrg(orgAlias, revokedBy, reason, now);
  }

  @Override
  public boolean recordUse(String id, long count, Instant usedAt) {
    return delegate.recordUse(id, count, usedAt);
  }

  @Override
  public int recordUses(Map<String, Long> counts, Instant usedAt) {
    RuntimeException failure = recordUsesFailure;
    if (failure != null) {
      throw failure;
    }
    return delegate.recordUses(counts, usedAt);
  }

  @Override
  public List<Session> sweepExpired(Instant now, int limit, Consumer<List<Session>> report) {
    return delegate.sweepExpired(now, limit, report);
  }
}
