package dev.portcullis.store;

import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.TilePath;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How server replicas that are not the ledger's sequencer hand entries to the one that is, through the
 * {@code ledger_handoff} table of the shared PostgreSQL database.
 *
 * <p>Design note.
 *
 * <ul>
 *   <li><b>Submitting</b> ({@link #submit}, any replica): one INSERT, then {@code NOTIFY
 *       portcullis_ledger_handoff}. The entry is durable in PostgreSQL before the call returns a future, so a
 *       replica that crashes after submitting loses nothing. The future completes with the entry's ledger index
 *       once the sequencer has made it durable in the log, or fails with the sequencer's reason (an entry the
 *       ledger refuses: empty, too large). A listener thread ({@code LISTEN portcullis_ledger_done}) wakes the
 *       waiting futures; a poll every {@value #POLL_MILLIS} ms covers a lost notification.
 *   <li><b>Pumping</b> ({@link #startPump}, the sequencer only): claims open rows in id order ({@code FOR UPDATE
 *       SKIP LOCKED}), recording the published tree size at the claim, appends them, and records each index.
 *   <li><b>Exactly once.</b> A sequencer can crash after the log acknowledged an entry but before its row
 *       recorded the index. The next pump therefore first resolves every claimed, unfinished row: it looks for
 *       the row's exact bytes among the log entries appended since its claim (the only place they can be) and
 *       records that index; only a row not found there is appended again. Two rows with identical bytes are
 *       matched to distinct indices.
 * </ul>
 */
public final class LedgerHandoff implements AutoCloseable {
  static final String NEW_CHANNEL = "portcullis_ledger_handoff";
  static final String DONE_CHANNEL = "portcullis_ledger_done";
  static final int POLL_MILLIS = 1000;
  static final int CLAIM_BATCH = 4096;
  static final int MAX_ENTRY_BYTES = dev.portcullis.ledger.Sequencer.MAX_ENTRY_BYTES;
  private static final Logger LOG = LoggerFactory.getLogger(LedgerHandoff.class);

  private final DataSource pool;
  private final Jdbc jdbc;
  private final PostgresLedgerStorage storage;
  private final Map<Long, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private Thread listener;

  LedgerHandoff(DataSource pool, Jdbc jdbc, PostgresLedgerStorage storage) {
    this.pool = pool;
    this.jdbc = jdbc;
    this.storage = storage;
  }

  /** Hands an entry to the sequencer; the future completes with its ledger index once it is durable. */
  public CompletableFuture<Long> submit(byte[] entry) {
    if (closed) {
      throw new StoreException(StoreException.Code.CLOSED, "the ledger hand-off is closed");
    }
    startListener();
    long id = jdbc.inTransaction(Jdbc.Access.WRITE, "handing a ledger entry to the sequencer", connection -> {
      long row = jdbc.query(connection, "INSERT INTO ledger_handoff (entry) VALUES (?) RETURNING id",
          r -> r.getLong(1), entry).get(0);
      jdbc.query(connection, "SELECT pg_notify('" + NEW_CHANNEL + "', '')", r -> null);
      return row;
    });
    CompletableFuture<Long> future = new CompletableFuture<>();
    waiting.put(id, future);
    return future;
  }

  private synchronized void startListener() {
    if (listener == null) {
      listener = Thread.ofPlatform().daemon().name("portcullis-ledger-handoff-listener").start(this::listen);
    }
  }

  private void listen() {
    while (!closed) {
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + DONE_CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!closed) {
          resolveWaiting(connection);
          pg.getNotifications(POLL_MILLIS);
        }
      } catch (SQLException e) {
        if (!closed) {
          LOG.warn("ledger hand-off listener lost its connection, reconnecting: {}", e.getMessage());
          pauseAfterFailure();
        }
      }
    }
  }

  private void resolveWaiting(Connection connection) throws SQLException {
    if (waiting.isEmpty()) {
      return;
    }
    Long[] ids = waiting.keySet().toArray(Long[]::new);
    Array array = connection.createArrayOf("bigint", ids);
    List<Object[]> done = jdbc.query(connection, "SELECT id, idx, failure FROM ledger_handoff WHERE id = ANY(?)"
        + " AND (idx IS NOT NULL OR failure IS NOT NULL)",
        r -> new Object[] {r.getLong(1), r.getObject(2) == null ? null : r.getLong(2), r.getString(3)}, array);
    List<Long> finished = new ArrayList<>();
    for (Object[] row : done) {
      CompletableFuture<Long> future = waiting.remove((Long) row[0]);
      if (future == null) {
        continue;
      }
      finished.add((Long) row[0]);
      if (row[1] != null) {
        future.complete((Long) row[1]);
      } else {
        future.completeExceptionally(new LedgerException(LedgerErrorCode.HANDOFF_REFUSED,
            "the ledger sequencer refused the entry: " + row[2]));
      }
    }
    if (!finished.isEmpty()) {
      jdbc.update(connection, "DELETE FROM ledger_handoff WHERE id = ANY(?)",
          connection.createArrayOf("bigint", finished.toArray(Long[]::new)));
    }
  }

  /**
   * Starts the sequencer side: a thread that appends every handed-off entry with {@code appendAll} (the
   * sequencer's) and records its index. Call only while holding the sequencer lock; close the returned pump
   * before releasing it.
   */
  public AutoCloseable startPump(Function<List<byte[]>, List<CompletableFuture<Long>>> appendAll) {
    Pump pump = new Pump(appendAll);
    pump.thread = Thread.ofPlatform().daemon().name("portcullis-ledger-handoff-pump").start(pump::run);
    return pump;
  }

  private final class Pump implements AutoCloseable {
    private final Function<List<byte[]>, List<CompletableFuture<Long>>> appendAll;
    private volatile boolean stopped;
    private Thread thread;

    Pump(Function<List<byte[]>, List<CompletableFuture<Long>>> appendAll) {
      this.appendAll = appendAll;
    }

    void run() {
      boolean recovered = false;
      while (!stopped && !closed) {
        try (Connection connection = pool.getConnection()) {
          connection.setAutoCommit(true);
          try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + NEW_CHANNEL);
          }
          PGConnection pg = connection.unwrap(PGConnection.class);
          if (!recovered) {
            resolveClaimed();
            recovered = true;
          }
          while (!stopped && !closed) {
            if (!pumpOnce()) {
              pg.getNotifications(POLL_MILLIS);
            }
          }
        } catch (SQLException | IOException | RuntimeException e) {
          if (!stopped && !closed) {
            LOG.warn("ledger hand-off pump failed, retrying: {}", e.getMessage());
            pauseAfterFailure();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /** Claims, appends and records one batch; false when there was nothing to do. */
    private boolean pumpOnce() throws InterruptedException {
      List<Object[]> claimed = jdbc.inTransaction(Jdbc.Access.WRITE, "claiming handed-off ledger entries",
          connection -> jdbc.query(connection, "UPDATE ledger_handoff SET claimed_size ="
              + " coalesce((SELECT size FROM ledger_latest), 0) WHERE id IN (SELECT id FROM ledger_handoff"
              + " WHERE claimed_size IS NULL AND idx IS NULL AND failure IS NULL ORDER BY id LIMIT ?"
              + " FOR UPDATE SKIP LOCKED) RETURNING id, entry", r -> new Object[] {r.getLong(1), r.getBytes(2)},
              CLAIM_BATCH));
      if (claimed.isEmpty()) {
        return false;
      }
      claimed.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
      // The sequencer takes a batch whole or not at all, so entries it would refuse are answered here.
      List<Object[]> outcomes = new ArrayList<>();
      List<Object[]> accepted = new ArrayList<>();
      for (Object[] row : claimed) {
        byte[] entry = (byte[]) row[1];
        if (entry.length == 0 || entry.length > MAX_ENTRY_BYTES) {
          outcomes.add(new Object[] {row[0], null, entry.length == 0 ? "the entry is empty"
              : "the entry has " + entry.length + " bytes, more than the " + MAX_ENTRY_BYTES + " a ledger entry may have"});
        } else {
          accepted.add(row);
        }
      }
      List<CompletableFuture<Long>> futures;
      try {
        futures = accepted.isEmpty() ? List.of() : appendAll.apply(accepted.stream().map(row -> (byte[]) row[1]).toList());
      } catch (LedgerException busy) {
        record(outcomes);
        unclaim(accepted.stream().map(row -> (Long) row[0]).toList());
        throw busy;
      }
      for (int i = 0; i < accepted.size(); i++) {
        long id = (Long) accepted.get(i)[0];
        try {
          outcomes.add(new Object[] {id, futures.get(i).get(), null});
        } catch (ExecutionException e) {
          // The sequencer failed: leave the rest claimed; the next pump resolves them from the log.
          record(outcomes);
          throw new IllegalStateException("the sequencer failed: " + e.getCause(), e.getCause());
        }
      }
      record(outcomes);
      return true;
    }

    private void record(List<Object[]> outcomes) {
      if (outcomes.isEmpty()) {
        return;
      }
      jdbc.inTransaction(Jdbc.Access.WRITE, "recording handed-off ledger indices", connection -> {
        for (Object[] outcome : outcomes) {
          jdbc.update(connection, "UPDATE ledger_handoff SET idx = ?, failure = ? WHERE id = ?", outcome[1],
              outcome[2], outcome[0]);
        }
        jdbc.query(connection, "SELECT pg_notify('" + DONE_CHANNEL + "', '')", r -> null);
        return null;
      });
    }

    private void unclaim(List<Long> ids) {
      if (!ids.isEmpty()) {
        jdbc.inTransaction(Jdbc.Access.WRITE, "releasing claimed ledger hand-offs", connection -> jdbc.update(
            connection, "UPDATE ledger_handoff SET claimed_size = NULL WHERE id = ANY(?)",
            connection.createArrayOf("bigint", ids.toArray(Long[]::new))));
      }
    }

    /** Finds, in the log, the entries of rows claimed by a sequencer that stopped before recording them. */
    private void resolveClaimed() throws IOException {
      List<Object[]> open = jdbc.inTransaction(Jdbc.Access.READ, "reading unfinished ledger hand-offs",
          connection -> jdbc.query(connection, "SELECT id, entry, claimed_size FROM ledger_handoff WHERE claimed_size"
              + " IS NOT NULL AND idx IS NULL AND failure IS NULL ORDER BY id",
              r -> new Object[] {r.getLong(1), r.getBytes(2), r.getLong(3)}));
      if (open.isEmpty()) {
        return;
      }
      long size = storage.publishedSize();
      Set<Long> used = new HashSet<>();
      List<Object[]> found = new ArrayList<>();
      List<Long> notFound = new ArrayList<>();
      for (Object[] row : open) {
        long index = find((byte[]) row[1], (Long) row[2], size, used);
        if (index >= 0) {
          used.add(index);
          found.add(new Object[] {row[0], index, null});
        } else {
          notFound.add((Long) row[0]);
        }
      }
      record(found);
      unclaim(notFound);
      LOG.info("ledger hand-off recovery: {} entries found in the log, {} to append again", found.size(),
          notFound.size());
    }

    private long find(byte[] entry, long from, long size, Set<Long> used) throws IOException {
      for (long bundle = from / 256; bundle * 256 < size; bundle++) {
        int width = (int) Math.min(256, size - bundle * 256);
        byte[] data = storage.read(TilePath.entryBundle(bundle, width)).orElseThrow(() -> new IOException(
            "ledger entry bundle missing during hand-off recovery"));
        int offset = 0;
        for (int i = 0; i < width; i++) {
          int length = ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
          long index = bundle * 256 + i;
          if (index >= from && !used.contains(index)
              && Arrays.equals(data, offset + 2, offset + 2 + length, entry, 0, entry.length)) {
            return index;
          }
          offset += 2 + length;
        }
      }
      return -1;
    }

    @Override
    public void close() {
      stopped = true;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void pauseAfterFailure() {
    try {
      Thread.sleep(POLL_MILLIS); // back-off before reconnecting, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread running;
    synchronized (this) {
      running = listener;
    }
    if (running != null) {
      running.interrupt();
    }
    waiting.values().forEach(future -> future.completeExceptionally(
        new StoreException(StoreException.Code.CLOSED, "the ledger hand-off closed before the entry's index was known")));
  }
}
