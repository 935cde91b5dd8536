package dev.portcullis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Plain JDBC with explicit transactions.
 *
 * <p>Design note. Every unit of work runs in one transaction on one connection: {@link
 * #inTransaction} turns auto-commit off, runs the work, commits, and rolls back on any exception,
 * so a failed write leaves the database exactly as it was. Writes go to the writer data source
 * (for SQLite, a pool of one connection, so writers queue in the JVM instead of spinning on
 * {@code SQLITE_BUSY}); reads go to the reader data source (several connections; in WAL mode they
 * see the last committed snapshot and never block the writer). For PostgreSQL both are the same
 * pool. Every statement is parameterised: SQL text is constant, values travel as parameters.
 * {@link SQLException}s leave this class only as {@link StoreException}s naming the work that
 * failed and a {@link StoreException.Code}.
 */
final class Jdbc {

  enum Access {
    READ,
    WRITE
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  private final Dialect dialect;
  private final DataSource writer;
  private final DataSource reader;
  private final BooleanSupplier closed;

  Jdbc(Dialect dialect, DataSource writer, DataSource reader, BooleanSupplier closed) {
    this.dialect = dialect;
    this.writer = writer;
    this.reader = reader;
    this.closed = closed;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one transaction and commits it; rolls back if anything fails.
   *
   * @param what what the work does, for error messages ("appending token issuance ...")
   */
  <T> T inTransaction(Access access, String what, Work<T> work) {
    if (closed.getAsBoolean()) {
      throw new StoreException(StoreException.Code.CLOSED, what + ": the store is closed");
    }
    try (Connection connection = (access == Access.WRITE ? writer : reader).getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e, what);
    }
  }

  /** Runs a query and maps every row. */
  <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      try (ResultSet rows = statement.executeQuery()) {
        List<T> result = new ArrayList<>();
        while (rows.next()) {
          result.add(mapper.map(rows));
        }
        return result;
      }
    }
  }

  /** Runs an INSERT, UPDATE or DELETE and returns the number of rows changed. */
  int update(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      return statement.executeUpdate();
    }
  }

  /**
   * Runs one statement once per parameter row, prepared once (the SQL is parsed once, not per row), and returns
   * each row's update count in order.
   */
  int[] updateEach(Connection connection, String sql, List<Object[]> rows) throws SQLException {
    int[] counts = new int[rows.size()];
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < counts.length; i++) {
        bind(statement, rows.get(i)); // every parameter, each row: nothing of the previous row is left
        counts[i] = statement.executeUpdate();
      }
    }
    return counts;
  }

  private void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      int index = i + 1;
      switch (parameters[i]) {
        case null -> statement.setNull(index, Types.NULL);
        case Instant instant -> dialect.bindInstant(statement, index, instant);
        case UUID uuid -> dialect.bindUuid(statement, index, uuid);
        case String text -> statement.setString(index, text);
        case Long number -> statement.setLong(index, number);
        case Integer number -> statement.setInt(index, number);
        case Double number -> statement.setDouble(index, number);
        case byte[] bytes -> statement.setBytes(index, bytes);
        case java.sql.Array array -> statement.setArray(index, array);
        default ->
            throw new IllegalArgumentException(
                "no JDBC binding for " + parameters[i].getClass().getName());
      }
    }
  }

  StoreException translate(SQLException e, String what) {
    if (dialect.isConstraintViolation(e)) {
      return new StoreException(
          StoreException.Code.CONSTRAINT_VIOLATION,
          what + ": rejected by a database constraint, nothing was changed (" + e.getMessage() + ")",
          e);
    }
    if (closed.getAsBoolean()) {
      return new StoreException(StoreException.Code.CLOSED, what + ": the store is closed", e);
    }
    String state = e.getSQLState();
    if (state != null && state.startsWith("08")) {
      return new StoreException(
          StoreException.Code.UNAVAILABLE,
          what + ": lost the connection to the database (" + e.getMessage() + ")",
          e);
    }
    return new StoreException(
        StoreException.Code.QUERY_FAILED, what + ": " + e.getMessage(), e);
  }

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }
}
