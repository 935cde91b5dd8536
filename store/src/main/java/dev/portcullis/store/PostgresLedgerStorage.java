package dev.portcullis.store;

import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.TilePath;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The ledger's {@link LedgerStorage} in PostgreSQL ({@code ledger.backend: postgresql}), so that several
 * server replicas share one log.
 *
 * <p>Design note.
 *
 * <ul>
 *   <li><b>One sequencer.</b> {@link #acquireSequencerLock} takes a session-level advisory lock
 *       ({@code pg_try_advisory_lock}) keyed by the schema, on a connection held for as long as the lock is.
 *       Advisory locks are re-entrant within one session, so each acquisition uses a connection of its own:
 *       a second acquisition, even from this process, is refused with {@link LedgerErrorCode#LOCKED}.
 *   <li><b>Fencing.</b> A lock can be lost without the holder noticing (its connection dies, the server
 *       ends the session, and another replica takes the lock). So {@link #commit} does not trust the lock
 *       alone: in the same transaction it locks the {@code ledger_latest} row and requires the published
 *       tree size to be the one this sequencer last saw; otherwise another sequencer wrote in between and
 *       the batch is refused with {@link LedgerErrorCode#FENCED}, before anything is written. Two
 *       sequencers can therefore never both extend the same tree: no fork reaches the history.
 *   <li><b>Atomic commit.</b> Tiles, the history row and the latest row are written in one transaction;
 *       PostgreSQL's commit (WAL flushed, {@code synchronous_commit} on) is the commit point. A crash
 *       before it leaves nothing; after it, everything.
 *   <li><b>Write once.</b> A tile path that exists keeps its bytes: writing different bytes to it fails
 *       with {@link LedgerErrorCode#TILE_CONFLICT} and rolls the batch back; only {@link #repair} (recovery)
 *       may replace a tile.
 * </ul>
 */
final class PostgresLedgerStorage implements LedgerStorage {
  /** First key of the two-key advisory lock: "PCLD" (Portcullis ledger). */
  static final int LOCK_CLASS = 0x50434c44;
  private static final String LOCK_SQL = "SELECT pg_try_advisory_lock(?, hashtext(current_schema()))";
  private static final String UNLOCK_SQL = "SELECT pg_advisory_unlock(?, hashtext(current_schema()))";

  private final DataSource pool;
  private final Jdbc jdbc;
  /** The tree size this process last saw published while holding the lock; -1 before the first. */
  private volatile long fencedSize = Long.MIN_VALUE;
  private final AtomicBoolean closed = new AtomicBoolean();

  PostgresLedgerStorage(DataSource pool, Jdbc jdbc) {
    this.pool = pool;
    this.jdbc = jdbc;
  }

  @Override
  public Optional<byte[]> read(TilePath path) throws IOException {
    return one("reading ledger tile " + path.format(), "SELECT data FROM ledger_tile WHERE path = ?",
        path.format());
  }

  @Override
  public Optional<byte[]> latestCheckpoint() throws IOException {
    return one("reading the latest ledger checkpoint", "SELECT note FROM ledger_latest");
  }

  @Override
  public Optional<byte[]> checkpoint(long size) throws IOException {
    return one("reading the ledger checkpoint of size " + size,
        "SELECT note FROM ledger_checkpoint WHERE size = ? ORDER BY seq DESC LIMIT 1", size);
  }

  @Override
  public void forEachCheckpoint(Consumer<byte[]> action) throws IOException {
    // Pages by seq so that a history of millions of rows never sits in memory at once.
    long after = 0;
    while (true) {
      long from = after;
      List<Object[]> page = read("reading the ledger checkpoint history", connection -> jdbc.query(connection,
          "SELECT seq, note FROM ledger_checkpoint WHERE seq > ? ORDER BY seq LIMIT 1000",
          row -> new Object[] {row.getLong(1), row.getBytes(2)}, from));
      if (page.isEmpty()) {
        return;
      }
      for (Object[] row : page) {
        action.accept((byte[]) row[1]);
        after = (Long) row[0];
      }
    }
  }

  @Override
  public SequencerLock acquireSequencerLock() throws IOException {
    ensureOpen();
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException e) {
      throw unavailable("taking the ledger sequencer lock", e);
    }
    try {
      connection.setAutoCommit(true);
      boolean locked;
      try (PreparedStatement statement = connection.prepareStatement(LOCK_SQL)) {
        statement.setInt(1, LOCK_CLASS);
        try (ResultSet row = statement.executeQuery()) {
          locked = row.next() && row.getBoolean(1);
        }
      }
      if (!locked) {
        connection.close();
        throw new LedgerException(LedgerErrorCode.LOCKED, "another sequencer holds the ledger lock of this"
            + " PostgreSQL schema (advisory lock " + LOCK_CLASS + "/hashtext(current_schema())); only one"
            + " replica sequences at a time, the others hand entries to it");
      }
      fencedSize = publishedSize();
      return () -> release(connection);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw unavailable("taking the ledger sequencer lock", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private void release(Connection connection) throws IOException {
    try {
      if (connection.isClosed()) {
        return; // the session is gone, and its advisory lock with it
      }
    } catch (SQLException e) {
      return;
    } finally {
      fencedSize = Long.MIN_VALUE;
    }
    try (connection; PreparedStatement statement = connection.prepareStatement(UNLOCK_SQL)) {
      statement.setInt(1, LOCK_CLASS);
      statement.execute();
    } catch (SQLException e) {
      // Closing the session releases the lock anyway.
      throw unavailable("releasing the ledger sequencer lock", e);
    } finally {
      fencedSize = Long.MIN_VALUE;
    }
  }

  /** The latest published tree size, or -1 for a log never written. */
  long publishedSize() throws IOException {
    return read("reading the published ledger size", connection -> jdbc.query(connection,
        "SELECT size FROM ledger_latest", row -> row.getLong(1))).stream().findFirst().orElse(-1L);
  }

  @Override
  public void commit(Batch batch) throws IOException {
    long expected = fencedSize;
    if (expected == Long.MIN_VALUE) {
      throw new LedgerException(LedgerErrorCode.NOT_LOCK_HOLDER, "committing a ledger batch without holding the"
          + " sequencer lock");
    }
    write("committing the ledger batch of tree size " + batch.size(), connection -> {
      List<Long> latest = jdbc.query(connection, "SELECT size FROM ledger_latest FOR UPDATE", row -> row.getLong(1));
      long published = latest.isEmpty() ? -1 : latest.get(0);
      if (published != expected) {
        throw new LedgerException(LedgerErrorCode.FENCED, "another sequencer published tree size " + published
            + " while this one expected " + expected + "; the batch of size " + batch.size()
            + " was not written (the lock was lost)");
      }
      batch.check(published, "the ledger in PostgreSQL");
      insertTiles(connection, batch.tiles());
      long seq = jdbc.query(connection, "SELECT coalesce(max(seq), 0) + 1 FROM ledger_checkpoint",
          row -> row.getLong(1)).get(0);
      jdbc.update(connection, "INSERT INTO ledger_checkpoint (seq, size, note) VALUES (?, ?, ?)", seq,
          batch.size(), batch.signedCheckpoint());
      jdbc.update(connection, "INSERT INTO ledger_latest (only_row, seq, size, note) VALUES (TRUE, ?, ?, ?)"
          + " ON CONFLICT (only_row) DO UPDATE SET seq = EXCLUDED.seq, size = EXCLUDED.size, note = EXCLUDED.note",
          seq, batch.size(), batch.signedCheckpoint());
      return null;
    });
    fencedSize = batch.size();
  }

  private void insertTiles(Connection connection, List<Tile> tiles) throws SQLException {
    if (tiles.isEmpty()) {
      return;
    }
    int[] inserted;
    try (PreparedStatement statement = connection.prepareStatement(
        "INSERT INTO ledger_tile (path, data) VALUES (?, ?) ON CONFLICT (path) DO NOTHING")) {
      for (Tile tile : tiles) {
        statement.setString(1, tile.path().format());
        statement.setBytes(2, tile.data());
        statement.addBatch();
      }
      inserted = statement.executeBatch();
    }
    for (int i = 0; i < tiles.size(); i++) {
      if (inserted[i] == 0) {
        Tile tile = tiles.get(i);
        byte[] stored = jdbc.query(connection, "SELECT data FROM ledger_tile WHERE path = ?", row -> row.getBytes(1),
            tile.path().format()).get(0);
        if (!Arrays.equals(stored, tile.data())) {
          throw new LedgerException(LedgerErrorCode.TILE_CONFLICT, "ledger tile " + tile.path().format()
              + " already holds other bytes; tiles are written once, the batch was not written");
        }
      }
    }
  }

  @Override
  public void repair(TilePath path, byte[] data) throws IOException {
    requireLock("repairing ledger tile " + path.format());
    write("repairing ledger tile " + path.format(), connection -> jdbc.update(connection,
        "INSERT INTO ledger_tile (path, data) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET data = EXCLUDED.data",
        path.format(), data));
  }

  @Override
  public void publishCosigned(byte[] signedNote) throws IOException {
    requireLock("publishing a cosigned checkpoint");
    String body = SignedNote.parse(signedNote).text();
    write("publishing a cosigned ledger checkpoint", connection -> {
      List<byte[]> latest = jdbc.query(connection, "SELECT note FROM ledger_latest FOR UPDATE", row -> row.getBytes(1));
      if (latest.isEmpty() || !SignedNote.parse(latest.get(0)).text().equals(body)) {
        throw new LedgerException(LedgerErrorCode.CHECKPOINT_MISMATCH, "the cosigned checkpoint is not the latest"
            + " checkpoint (its body differs); nothing was published");
      }
      return jdbc.update(connection, "UPDATE ledger_latest SET note = ?", signedNote);
    });
  }

  private void requireLock(String what) {
    if (fencedSize == Long.MIN_VALUE) {
      throw new LedgerException(LedgerErrorCode.NOT_LOCK_HOLDER, what + " needs the sequencer lock");
    }
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreException(StoreException.Code.CLOSED, "the ledger storage is closed");
    }
  }

  private Optional<byte[]> one(String what, String sql, Object... parameters) throws IOException {
    List<byte[]> rows = read(what, connection -> jdbc.query(connection, sql, row -> row.getBytes(1), parameters));
    return rows.stream().findFirst();
  }

  private <T> T read(String what, Jdbc.Work<T> work) throws IOException {
    ensureOpen();
    try {
      return jdbc.inTransaction(Jdbc.Access.READ, what, work);
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private <T> T write(String what, Jdbc.Work<T> work) throws IOException {
    ensureOpen();
    try {
      return jdbc.inTransaction(Jdbc.Access.WRITE, what, work);
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static IOException unavailable(String what, SQLException e) {
    return new IOException(what + ": " + e.getMessage(), e);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing ends the session and with it any advisory lock.
    }
  }
}
