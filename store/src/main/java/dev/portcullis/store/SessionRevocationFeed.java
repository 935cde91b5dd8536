package dev.portcullis.store;

import java.util.Set;

/**
 * Tells this replica which sessions were revoked, on any replica, within a second.
 *
 * <p>Delivery is at least once: a listener may hear of a session more than once (after a
 * reconnect every revoked session that has not expired is announced again), so it must treat
 * {@link Listener#onRevoked} as idempotent. A revocation made through this store is delivered to
 * this store's listeners before the revoking call returns. Expiry needs no feed: every replica
 * compares {@link Session#expiresAt()} with its own clock.
 *
 * <p>With SQLite (one process) the feed is in-process. With PostgreSQL the revoking transaction
 * sends {@code NOTIFY}, and each replica listens on a dedicated connection; while that connection
 * is down, listeners are told through {@link Listener#onInterrupted} so they can fail closed
 * (drop cached sessions, check the store on every request) until the feed resynchronises.
 */
public interface SessionRevocationFeed {

  /**
   * Registers {@code listener}. With PostgreSQL the first subscription starts the listening
   * thread and, once it is connected, delivers every revoked session that has not expired.
   */
  Subscription subscribe(Listener listener);

  /**
   * Whether revocations from other replicas currently reach this one: always true for SQLite;
   * for PostgreSQL, true while the listening connection is up and resynchronised.
   */
  boolean connected();

  /** Receives revocations. Called from the revoking thread or the feed's thread: must be thread-safe. */
  interface Listener {

    /** These sessions are revoked (some may have been announced before). */
    void onRevoked(Set<String> sessionIds);

    /**
     * The feed lost its connection and may miss revocations until it reconnects, which is followed
     * by an {@link #onRevoked} of every revoked session that has not expired.
     *
     * @param reason what happened, for the log
     */
    default void onInterrupted(String reason) {}
  }

  /** A registration; closing it stops deliveries to its listener. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
