package dev.portcullis.store;

import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed of a store used by one process (SQLite): revocations are delivered to the listeners, on
 * the revoking thread, right after the revoking transaction committed. Also the local fan-out of
 * {@link PostgresSessionRevocationFeed}. A listener that throws is logged and does not stop the
 * delivery to the others.
 */
final class InProcessSessionRevocationFeed implements SessionRevocationFeed, SessionRevocationPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessSessionRevocationFeed.class);

  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public Subscription subscribe(Listener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    // A wrapper per subscription, so that subscribing one listener twice needs two closes.
    Listener registered = new Listener() {
      @Override
      public void onRevoked(Set<String> sessionIds) {
        listener.onRevoked(sessionIds);
      }

      @Override
      public void onInterrupted(String reason) {
        listener.onInterrupted(reason);
      }
    };
    listeners.add(registered);
    return () -> listeners.remove(registered);
  }

  @Override
  public boolean connected() {
    return true;
  }

  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  @Override
  public void announce(Connection connection, Set<String> sessionIds) {
    // Nobody else to tell: one process uses the database.
  }

  @Override
  public void deliverLocally(Set<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return;
    }
    Set<String> ids = Set.copyOf(sessionIds);
    for (Listener listener : listeners) {
      try {
        listener.onRevoked(ids);
      } catch (RuntimeException e) {
        LOG.error("a session revocation listener failed on {} session(s)", ids.size(), e);
      }
    }
  }

  void interrupted(String reason) {
    for (Listener listener : listeners) {
      try {
        listener.onInterrupted(reason);
      } catch (RuntimeException e) {
        LOG.error("a session revocation listener failed on an interruption", e);
      }
    }
  }
}
