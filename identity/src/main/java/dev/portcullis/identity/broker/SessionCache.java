package dev.portcullis.identity.broker;

import dev.portcullis.store.Session;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one replica remembers about sessions so that {@link TokenBroker#authenticate} needs no store
 * read on a hit: sessions by token hash, the ids it heard were revoked, and the watches of requests
 * in flight.
 *
 * <h2>Design note</h2>
 *
 * <ul>
 *   <li><b>What is cached.</b> Only sessions that were active when read from the store (or just
 *       issued), keyed by token hash, at most {@code capacity} of them. Unknown tokens are never
 *       cached: a session created on another replica works at once, and random well-formed tokens
 *       cost a store read each but no memory. Expiry needs no message: a hit compares the
 *       session's {@code expiresAt} with the broker's clock.
 *   <li><b>Revocation.</b> {@link #revoked} (the store's feed, a local revoke, or a store read that
 *       found the session revoked) evicts the sessions and remembers their ids as revoked until
 *       they expire (until {@code now + revokedMemory} when their expiry is unknown), at most
 *       {@code capacity} ids.
 *   <li><b>The fill race.</b> A cache fill reads the store, then inserts. A revocation can commit
 *       and be delivered between the two, and a plain insert would then resurrect the revoked
 *       session until it expires. Two guards close this: (1) the fill takes {@link #generation()}
 *       before its store read, every revocation and interruption increments the generation under
 *       {@link #lock}, and {@link #admit} inserts only if the generation is unchanged; (2) {@link
 *       #admit} refuses an id remembered as revoked, so the racing request itself is answered
 *       {@code REVOKED}. Both run under {@link #lock}, so a revocation is either wholly before an
 *       admit (seen by it) or wholly after (and evicts what it inserted).
 *   <li><b>Fail closed.</b> Without a feed nothing is cached. When the feed reports an
 *       interruption the cache is cleared and nothing is cached or answered from memory until the
 *       feed reports {@code connected()} again; the feed resynchronises (delivers every revoked,
 *       unexpired session) before it does.
 *   <li><b>Watches.</b> A watch registers, then checks the revoked ids; a revocation records the id,
 *       then takes the watches, with a full fence between the two steps on both sides, so one of
 *       them sees the other: a watch never misses a revocation. Each watch fires at most once.
 * </ul>
 *
 * <p>Hits read two concurrent maps and take no lock; fills, revocations and interruptions take
 * {@link #lock}. Thread-safe.
 */
final class SessionCache {
  private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);

  private final int capacity;
  private final Duration revokedMemory;
  /** Null when the broker has no revocation feed: then nothing is cached. */
  private final BooleanSupplier feedConnected;

  private final Object lock = new Object();
  private final Map<String, Session> byTokenHash = new ConcurrentHashMap<>();
  /** Session id → token hash of the cached sessions. Guarded by {@link #lock}. */
  private final Map<String, String> tokenHashById = new HashMap<>();
  /** Session id → when it may be forgotten (its expiry). Written under {@link #lock}. */
  private final Map<String, Instant> revokedIds = new ConcurrentHashMap<>();
  private final Map<String, Set<Watch>> watches = new ConcurrentHashMap<>();
  /** Incremented under {@link #lock} by every revocation and interruption. */
  private volatile long generation;
  /** 0 while the feed is healthy; else the number of the interruption not yet recovered from. */
  private final AtomicLong interruption = new AtomicLong();
  private long interruptions;

  SessionCache(int capacity, Duration revokedMemory, BooleanSupplier feedConnected) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the session cache capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.revokedMemory = revokedMemory;
    this.feedConnected = feedConnected;
    if (feedConnected != null && !feedConnected.getAsBoolean()) {
      interruption.set(++interruptions); // not yet listening: revocations elsewhere may be missed
    }
  }

  /** To be taken before the store read of a fill, and passed to {@link #admit}. */
  long generation() {
    return generation;
  }

  /** Whether answers may come from memory now; recovers from an interruption once the feed is connected. */
  boolean usable() {
    if (feedConnected == null) {
      return false;
    }
    long current = interruption.get();
    if (current == 0) {
      return true;
    }
    // connected() turns true only after the feed's resync was delivered (SessionRevocationFeed).
    return feedConnected.getAsBoolean() && interruption.compareAndSet(current, 0);
  }

  /** The cached session with this token hash; null on a miss or while memory may not be trusted. */
  Session cached(String tokenHash) {
    return usable() ? byTokenHash.get(tokenHash) : null;
  }

  boolean isRevoked(String sessionId) {
    return revokedIds.containsKey(sessionId);
  }

  /**
   * Caches {@code session}, read from the store as active (or just issued), when no revocation or
   * interruption happened since {@code generation} was taken.
   *
   * @return false when the session is remembered as revoked: the caller answers {@code REVOKED}
   */
  boolean admit(Session session, long generation, Instant now) {
    synchronized (lock) {
      if (revokedIds.containsKey(session.id())) {
        return false;
      }
      if (generation != this.generation || !usable() || !now.isBefore(session.expiresAt())) {
        return true; // answered from the store, not remembered
      }
      String old = tokenHashById.get(session.id());
      if (old == null && byTokenHash.size() >= capacity) {
        makeRoom(now);
      }
      byTokenHash.put(session.tokenHash(), session);
      tokenHashById.put(session.id(), session.tokenHash());
      return true;
    }
  }

  /** Drops expired sessions; if the cache is still full, an arbitrary one. Under {@link #lock}. */
  private void makeRoom(Instant now) {
    removeCachedIf(session -> !now.isBefore(session.expiresAt()));
    if (byTokenHash.size() >= capacity) {
      Iterator<Session> any = byTokenHash.values().iterator();
      if (any.hasNext()) {
        Session victim = any.next();
        any.remove();
        tokenHashById.remove(victim.id());
      }
    }
  }

  private void removeCachedIf(java.util.function.Predicate<Session> condition) {
    for (Iterator<Session> it = byTokenHash.values().iterator(); it.hasNext(); ) {
      Session session = it.next();
      if (condition.test(session)) {
        it.remove();
        tokenHashById.remove(session.id());
      }
    }
  }

  /** Evicts the session without remembering anything (it expired). */
  void evict(String sessionId) {
    synchronized (lock) {
      String hash = tokenHashById.remove(sessionId);
      if (hash != null) {
        byTokenHash.remove(hash);
      }
    }
  }

  /**
   * These sessions were revoked (heard from the feed, or revoked through this broker): evicts
   * them, remembers them, makes fills in flight not cache, and fires their watches.
   */
  void revoked(Set<String> sessionIds, Instant now) {
    synchronized (lock) {
      generation++;
      for (String id : sessionIds) {
        remember(id, null, now);
      }
    }
    VarHandle.fullFence(); // the ids are recorded before the watches are taken: see watch()
    for (String id : sessionIds) {
      fire(id, Authentication.Reason.REVOKED, "session " + id + " was revoked");
    }
  }

  /**
   * A store read found {@code session} revoked (the feed may not have told yet, e.g. while it is
   * interrupted): evicts and remembers it and fires its watches. The generation is not changed: a
   * fill of it in flight is refused by the remembered id, and a caller presenting a revoked token
   * again and again must not stop other sessions from being cached.
   */
  void revokedInStore(Session session, Instant now) {
    if (revokedIds.containsKey(session.id())) {
      return;
    }
    synchronized (lock) {
      remember(session.id(), session.expiresAt(), now);
    }
    VarHandle.fullFence();
    fire(session.id(), Authentication.Reason.REVOKED, "session " + session.id() + " was revoked");
  }

  /** Under {@link #lock}. */
  private void remember(String id, Instant expiresAt, Instant now) {
    String hash = tokenHashById.remove(id);
    Session cached = hash == null ? null : byTokenHash.remove(hash);
    Instant forgetAt = cached != null ? cached.expiresAt() : expiresAt != null ? expiresAt : now.plus(revokedMemory);
    revokedIds.put(id, forgetAt);
    if (revokedIds.size() > capacity) {
      forgetRevoked(now);
    }
  }

  /**
   * Forgets revoked ids that expired; if there are still too many, the ones expiring first, down
   * to nine tenths of the capacity (so that the sort is not repeated for every new id). A
   * forgotten id is still revoked in the store, and a fill racing its revocation still does not
   * cache it (the generation changed): it may only answer that one request from its store read.
   */
  private void forgetRevoked(Instant now) {
    revokedIds.values().removeIf(forgetAt -> !now.isBefore(forgetAt));
    int excess = revokedIds.size() - (capacity - capacity / 10);
    if (excess > 0) {
      List<Map.Entry<String, Instant>> entries = new ArrayList<>(revokedIds.entrySet());
      entries.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      for (int i = 0; i < excess; i++) {
        revokedIds.remove(entries.get(i).getKey());
      }
      LOG.warn("more than {} revoked sessions to remember; forgot the {} expiring first", capacity, excess);
    }
  }

  /** The feed may miss revocations from now on: forget every cached session and trust only the store. */
  void interrupted() {
    synchronized (lock) {
      generation++;
      interruption.set(++interruptions);
      byTokenHash.clear();
      tokenHashById.clear();
    }
  }

  /**
   * Housekeeping at {@code now}: drops expired sessions and revoked ids, and fires the watches of
   * sessions that expired.
   */
  void expire(Instant now) {
    synchronized (lock) {
      removeCachedIf(session -> !now.isBefore(session.expiresAt()));
      revokedIds.values().removeIf(forgetAt -> !now.isBefore(forgetAt));
    }
    for (Set<Watch> set : watches.values()) {
      for (Watch watch : set) {
        if (!now.isBefore(watch.session.expiresAt())) {
          watch.end(new Authentication.Failed(Authentication.Reason.EXPIRED,
              "session " + watch.session.id() + " expired at " + watch.session.expiresAt()));
        }
      }
    }
  }

  /** Fires the watches of {@code sessionId} with {@code reason}. */
  void fire(String sessionId, Authentication.Reason reason, String message) {
    Set<Watch> set = watches.remove(sessionId);
    if (set != null) {
      Authentication.Failed why = new Authentication.Failed(reason, message);
      for (Watch watch : set) {
        watch.end(why);
      }
    }
  }

  Watch watch(Session session, Consumer<Authentication.Failed> onEnd) {
    Watch watch = new Watch(session, onEnd);
    watches.compute(session.id(), (id, set) -> {
      Set<Watch> into = set == null ? ConcurrentHashMap.newKeySet() : set;
      into.add(watch);
      return into;
    });
    VarHandle.fullFence(); // registered before the revoked ids are read: see revoked()
    if (revokedIds.containsKey(session.id())) {
      watch.end(new Authentication.Failed(Authentication.Reason.REVOKED, "session " + session.id() + " was revoked"));
    }
    return watch;
  }

  int cachedSessions() {
    return byTokenHash.size();
  }

  int rememberedRevocations() {
    return revokedIds.size();
  }

  int watchCount() {
    int count = 0;
    for (Set<Watch> set : watches.values()) {
      count += set.size();
    }
    return count;
  }

  /** One watch: fires once, then unregisters itself. */
  final class Watch implements TokenBroker.Watch {
    private final Session session;
    private final Consumer<Authentication.Failed> onEnd;
    private final AtomicBoolean done = new AtomicBoolean();

    private Watch(Session session, Consumer<Authentication.Failed> onEnd) {
      this.session = session;
      this.onEnd = onEnd;
    }

    void end(Authentication.Failed why) {
      if (done.compareAndSet(false, true)) {
        unregister();
        try {
          onEnd.accept(why);
        } catch (RuntimeException e) {
          LOG.error("a watch of session {} failed on its end", session.id(), e);
        }
      }
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        unregister();
      }
    }

    private void unregister() {
      watches.computeIfPresent(session.id(), (id, set) -> {
        set.remove(this);
        return set.isEmpty() ? null : set;
      });
    }
  }
}
