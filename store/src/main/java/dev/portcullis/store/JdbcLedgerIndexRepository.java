package dev.portcullis.store;

import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import dev.portcullis.store.LedgerIndexRepository.Query;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link LedgerIndexRepository} in plain JDBC; the SQL is the same for SQLite and PostgreSQL.
 * Searches are built from constant fragments, one per filter given (so PostgreSQL never sees an
 * untyped {@code NULL} parameter); every value travels as a parameter.
 */
final class JdbcLedgerIndexRepository implements LedgerIndexRepository {

  private static final String COLUMNS =
      "idx, kind, org, actor, session, commit_sha, deployment_id, time_ms";

  // ON CONFLICT DO NOTHING: SQLite 3.24+ and PostgreSQL 9.5+. A conflict is then checked row by row.
  private static final String INSERT =
      "INSERT INTO ledger_index (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (idx) DO NOTHING";

  private static final String FIND = "SELECT " + COLUMNS + " FROM ledger_index WHERE idx = ?";

  private static final String HIGHEST = "SELECT COALESCE(MAX(idx), -1) FROM ledger_index";

  private static final String CLEAR = "DELETE FROM ledger_index";

  private final Jdbc jdbc;

  JdbcLedgerIndexRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void put(List<IndexRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    jdbc.inTransaction(
        Jdbc.Access.WRITE,
        "indexing " + rows.size() + " ledger entries from index " + rows.getFirst().idx(),
        connection -> {
          List<Object[]> parameters = new ArrayList<>(rows.size());
          for (IndexRow row : rows) {
            parameters.add(new Object[] {row.idx(), row.kind(), row.org(), row.actor(), row.session(), row.commit(),
                row.deploymentId(), row.time().toEpochMilli()});
          }
          int[] inserted = jdbc.updateEach(connection, INSERT, parameters); // one statement prepared for the batch
          for (int i = 0; i < inserted.length; i++) {
            IndexRow row = rows.get(i);
            if (inserted[i] == 0) {
              IndexRow stored = find(connection, row.idx());
              if (!row.equals(stored)) {
                throw new StoreException(
                    StoreException.Code.CONSTRAINT_VIOLATION,
                    "indexing ledger entry " + row.idx() + ": the index already holds " + stored
                        + ", not " + row + "; the index no longer matches the ledger (rebuild it"
                        + " with 'portcullis ledger reindex'); nothing of this batch of "
                        + rows.size() + " was stored");
              }
            }
          }
          return null;
        });
  }

  @Override
  public long highestIndexed() {
    return jdbc.inTransaction(
        Jdbc.Access.READ,
        "reading the highest indexed ledger entry",
        connection -> jdbc.query(connection, HIGHEST, row -> row.getLong(1)).getFirst());
  }

  @Override
  public List<IndexRow> search(Query query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM ledger_index WHERE idx > ?");
    List<Object> parameters = new ArrayList<>();
    parameters.add(query.afterIndex());
    equal(sql, parameters, "kind", query.kind());
    equal(sql, parameters, "org", query.org());
    equal(sql, parameters, "actor", query.actor());
    equal(sql, parameters, "session", query.session());
    equal(sql, parameters, "commit_sha", query.commit());
    equal(sql, parameters, "deployment_id", query.deploymentId());
    if (query.since() != null) {
      sql.append(" AND time_ms >= ?");
      parameters.add(query.since().toEpochMilli());
    }
    if (query.until() != null) {
      sql.append(" AND time_ms < ?");
      parameters.add(query.until().toEpochMilli());
    }
    sql.append(" ORDER BY idx LIMIT ?");
    parameters.add(query.limit());
    return jdbc.inTransaction(
        Jdbc.Access.READ,
        "searching the ledger index",
        connection -> jdbc.query(connection, sql.toString(), JdbcLedgerIndexRepository::map,
            parameters.toArray()));
  }

  @Override
  public void clear() {
    jdbc.inTransaction(
        Jdbc.Access.WRITE,
        "clearing the ledger index",
        connection -> jdbc.update(connection, CLEAR));
  }

  private static void equal(StringBuilder sql, List<Object> parameters, String column, String value) {
    if (value != null) {
      sql.append(" AND ").append(column).append(" = ?");
      parameters.add(value);
    }
  }

  private IndexRow find(Connection connection, long idx) throws SQLException {
    List<IndexRow> found = jdbc.query(connection, FIND, JdbcLedgerIndexRepository::map, idx);
    return Objects.requireNonNull(found.isEmpty() ? null : found.getFirst(),
        () -> "ledger index row " + idx + " conflicted but is not there");
  }

  private static IndexRow map(ResultSet row) throws SQLException {
    return new IndexRow(
        row.getLong("idx"),
        row.getString("kind"),
        row.getString("org"),
        row.getString("actor"),
        row.getString("session"),
        row.getString("commit_sha"),
        row.getString("deployment_id"),
        Instant.ofEpochMilli(row.getLong("time_ms")));
  }
}
