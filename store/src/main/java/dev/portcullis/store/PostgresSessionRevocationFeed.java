package dev.portcullis.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session revocation feed of replicas sharing one PostgreSQL database.
 *
 * <p>Design note.
 *
 * <ul>
 *   <li><b>Announcing.</b> The revoking transaction calls {@code pg_notify(channel, payload)}, so
 *       the notification is sent if and only if the revocation commits. The payload is this
 *       replica's origin id and the revoked session ids, separated by spaces; a revocation of many
 *       sessions is split into several notifications under PostgreSQL's 8000-byte payload limit.
 *       After the commit this replica's own listeners are called directly, and its listening
 *       thread skips notifications that carry its own origin.
 *   <li><b>Channel.</b> Notification channels are per database, not per schema, so the channel is
 *       {@value #CHANNEL_PREFIX} followed by 16 hex digits of SHA-256 of the current schema:
 *       installations in different schemas of one database do not hear each other.
 *   <li><b>Listening.</b> One daemon thread per replica, started by the first subscription, holds
 *       a dedicated connection (outside the pool, with its own application name) in {@code LISTEN}
 *       and waits for notifications; one arrives as soon as the revoking transaction commits. When
 *       no notification arrived for {@value #PING_MILLIS} ms it runs {@code SELECT 1}, so a dead
 *       connection is noticed even without traffic.
 *   <li><b>Reconnecting and resync.</b> Notifications sent while a replica is not listening are
 *       lost. So on every (re)connect the thread first runs {@code LISTEN}, then reads every session
 *       that is revoked and has not expired (with {@value #RESYNC_SKEW_MINUTES} minutes of slack
 *       for clock skew) and delivers them; anything revoked after the {@code LISTEN} arrives as a
 *       notification. This needs no watermark: a "revoked since" time would depend on the
 *       revoking replica's clock and on commit order, while the set of revoked, unexpired sessions
 *       is small (sessions live for minutes) and exact. Between losing the connection and
 *       resynchronising, listeners get {@link Listener#onInterrupted} and {@link #connected()} is
 *       false. Reconnects back off from {@value #MIN_BACKOFF_MILLIS} ms to {@value
 *       #MAX_BACKOFF_MILLIS} ms.
 * </ul>
 */
final class PostgresSessionRevocationFeed implements SessionRevocationFeed, SessionRevocationPublisher {
  static final String CHANNEL_PREFIX = "portcullis_session_revoked_";
  static final String APPLICATION_NAME_PREFIX = "portcullis-revocations-";
  static final int MAX_PAYLOAD_BYTES = 7900;
  static final int POLL_MILLIS = 250;
  static final int PING_MILLIS = 5000;
  static final int MIN_BACKOFF_MILLIS = 50;
  static final int MAX_BACKOFF_MILLIS = 2000;
  static final int RESYNC_SKEW_MINUTES = 5;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSessionRevocationFeed.class);

  /** Opens a dedicated connection to the store's database with the given application name. */
  @FunctionalInterface
  interface ConnectionFactory {
    Connection open(String applicationName) throws SQLException;
  }

  private final ConnectionFactory connections;
  private final Jdbc jdbc;
  private final Clock clock;
  private final String origin;
  private final InProcessSessionRevocationFeed local = new InProcessSessionRevocationFeed();
  private volatile String channel;
  private volatile boolean connected;
  private volatile boolean closed;
  private volatile Runnable beforeReconnect = () -> {};
  private Thread listener;

  PostgresSessionRevocationFeed(ConnectionFactory connections, Jdbc jdbc, Clock clock) {
    this.connections = connections;
    this.jdbc = jdbc;
    this.clock = clock;
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    this.origin = HexFormat.of().formatHex(random);
  }

  @Override
  public Subscription subscribe(Listener listener) {
    if (closed) {
      throw new StoreException(StoreException.Code.CLOSED, "the session revocation feed is closed");
    }
    Subscription subscription = local.subscribe(listener);
    startListening();
    return subscription;
  }

  @Override
  public boolean connected() {
    return connected;
  }

  /** The application name of this replica's listening connection (tests terminate it). */
  String applicationName() {
    return APPLICATION_NAME_PREFIX + origin;
  }

  /** For tests: runs before every reconnect attempt (not before the first connect). */
  void beforeReconnect(Runnable hook) {
    beforeReconnect = hook;
  }

  @Override
  public void announce(Connection connection, Set<String> sessionIds) throws SQLException {
    String name = channel(connection);
    for (String payload : payloads(origin, sessionIds)) {
      jdbc.query(connection, "SELECT pg_notify(?, ?)", row -> null, name, payload);
    }
  }

  @Override
  public void deliverLocally(Set<String> sessionIds) {
    local.deliverLocally(sessionIds);
  }

  /** {@code origin id id ...}, split so that each payload stays under {@value #MAX_PAYLOAD_BYTES} bytes. */
  static List<String> payloads(String origin, Set<String> sessionIds) {
    List<String> payloads = new ArrayList<>();
    StringBuilder payload = new StringBuilder(origin);
    for (String id : sessionIds) {
      // Session ids are ASCII ([A-Za-z0-9_-]), so characters are bytes.
      if (payload.length() > origin.length() && payload.length() + 1 + id.length() > MAX_PAYLOAD_BYTES) {
        payloads.add(payload.toString());
        payload = new StringBuilder(origin);
      }
      payload.append(' ').append(id);
    }
    if (payload.length() > origin.length()) {
      payloads.add(payload.toString());
    }
    return payloads;
  }

  private String channel(Connection connection) throws SQLException {
    String name = channel;
    if (name == null) {
      String schema = jdbc.query(connection, "SELECT current_schema()", row -> row.getString(1)).getFirst();
      name = channelFor(schema == null ? "" : schema);
      channel = name;
    }
    return name;
  }

  static String channelFor(String schema) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
      return CHANNEL_PREFIX + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private synchronized void startListening() {
    if (listener == null && !closed) {
      listener = Thread.ofPlatform().daemon().name("portcullis-session-revocations").start(this::listen);
    }
  }

  private void listen() {
    long backoff = MIN_BACKOFF_MILLIS;
    boolean first = true;
    while (!closed) {
      if (!first) {
        beforeReconnect.run();
      }
      first = false;
      try (Connection connection = connections.open(applicationName())) {
        connection.setAutoCommit(true);
        String name = channel(connection);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN \"" + name + "\"");
        }
        // After LISTEN: whatever commits from now on is notified; whatever committed before is read here.
        Set<String> revoked = revokedUnexpired(connection);
        LOG.debug("session revocation feed listening on {}; resync found {} revoked session(s)", name,
            revoked.size());
        local.deliverLocally(revoked);
        connected = true;
        backoff = MIN_BACKOFF_MILLIS;
        PGConnection pg = connection.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications != null && notifications.length > 0) {
            deliver(notifications);
            quietSince = System.nanoTime();
          } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(PING_MILLIS)) {
            try (Statement statement = connection.createStatement()) {
              statement.execute("SELECT 1");
            }
            quietSince = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        connected = false;
        if (closed) {
          return;
        }
        String reason = "the session revocation feed lost its PostgreSQL connection (" + e.getMessage()
            + "); revocations made on other replicas are not seen until it reconnects";
        LOG.warn("{}; retrying in {} ms", reason, backoff);
        local.interrupted(reason);
        try {
          Thread.sleep(backoff); // back-off before reconnecting, not synchronisation
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
    connected = false;
  }

  private Set<String> revokedUnexpired(Connection connection) throws SQLException {
    return new HashSet<>(jdbc.query(connection,
        "SELECT id FROM session WHERE revoked_at IS NOT NULL AND expires_at > ?", row -> row.getString(1),
        clock.instant().minus(Duration.ofMinutes(RESYNC_SKEW_MINUTES))));
  }

  private void deliver(PGNotification[] notifications) {
    Set<String> ids = new HashSet<>();
    for (PGNotification notification : notifications) {
      String[] words = notification.getParameter().split(" ");
      if (words.length < 2 || words[0].equals(origin)) {
        continue; // our own (already delivered after the commit), or not ours to read
      }
      ids.addAll(Arrays.asList(words).subList(1, words.length));
    }
    local.deliverLocally(ids);
  }

  void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      running = listener;
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
