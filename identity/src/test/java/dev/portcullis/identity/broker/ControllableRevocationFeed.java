package dev.portcullis.identity.broker;

import dev.portcullis.store.SessionRevocationFeed;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A revocation feed whose connection the test breaks and restores: it passes on what the store's
 * own feed delivers, and, like the PostgreSQL feed, tells of an interruption and resynchronises
 * (delivers the revoked sessions) before it reports {@link #connected()} again.
 */
final class ControllableRevocationFeed implements SessionRevocationFeed, AutoCloseable {
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Subscription upstream;
  private volatile boolean connected = true;

  ControllableRevocationFeed(SessionRevocationFeed store) {
    upstream = store.subscribe(ids -> {
      if (connected) {
        listeners.forEach(listener -> listener.onRevoked(ids));
      }
    });
  }

  @Override
  public Subscription subscribe(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public boolean connected() {
    return connected;
  }

  /** The listening connection is lost: revocations are not passed on until {@link #reconnect}. */
  void interrupt() {
    connected = false;
    listeners.forEach(listener -> listener.onInterrupted("the test broke the feed"));
  }

  /** Reconnects: delivers {@code revokedMeanwhile} (the resync), then reports connected. */
  void reconnect(Set<String> revokedMeanwhile) {
    if (!revokedMeanwhile.isEmpty()) {
      listeners.forEach(listener -> listener.onRevoked(revokedMeanwhile));
    }
    connected = true;
  }

  @Override
  public void close() {
    upstream.close();
  }
}
