package dev.portcullis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.postgresql.util.PSQLException;
import org.sqlite.SQLiteException;

/**
 * The few places where SQLite and PostgreSQL differ for our schema: how instants and UUIDs are
 * stored, and how a constraint violation is recognised. Everything else is the same SQL.
 *
 * <p>Instants are kept to microseconds in both (PostgreSQL's {@code timestamptz} resolution).
 * SQLite has no date type, so they are stored as fixed-width ISO-8601 UTC text
 * ({@code 2026-11-28T12:00:00.000000Z}), which sorts in time order and reads well in the
 * {@code sqlite3} shell.
 */
enum Dialect {
  SQLITE("sqlite") {
    @Override
    void bindInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
      if (instant == null) {
        statement.setNull(index, Types.VARCHAR);
      } else {
        statement.setString(index, SQLITE_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS)));
      }
    }

    @Override
    Instant readInstant(ResultSet row, String column) throws SQLException {
      String text = row.getString(column);
      return text == null ? null : Instant.parse(text);
    }

    @Override
    void bindUuid(PreparedStatement statement, int index, UUID uuid) throws SQLException {
      statement.setString(index, uuid.toString());
    }

    @Override
    UUID readUuid(ResultSet row, String column) throws SQLException {
      return UUID.fromString(row.getString(column));
    }

    @Override
    boolean isConstraintViolation(SQLException e) {
      // SQLITE_CONSTRAINT and its extended codes (UNIQUE, FOREIGNKEY, CHECK, TRIGGER, ...).
      return e instanceof SQLiteException sqlite
          && sqlite.getResultCode().name().startsWith("SQLITE_CONSTRAINT");
    }
  },

  POSTGRESQL("postgresql") {
    @Override
    void bindInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
      if (instant == null) {
        statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        statement.setObject(
            index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
      }
    }

    @Override
    Instant readInstant(ResultSet row, String column) throws SQLException {
      OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    }

    @Override
    void bindUuid(PreparedStatement statement, int index, UUID uuid) throws SQLException {
      statement.setObject(index, uuid);
    }

    @Override
    UUID readUuid(ResultSet row, String column) throws SQLException {
      return row.getObject(column, UUID.class);
    }

    @Override
    boolean isConstraintViolation(SQLException e) {
      // SQLSTATE class 23: integrity constraint violation. P0001 is RAISE EXCEPTION, which our
      // append-only triggers use.
      String state = e.getSQLState();
      return e instanceof PSQLException
          && state != null
          && (state.startsWith("23") || state.equals("P0001"));
    }
  };

  private static final DateTimeFormatter SQLITE_INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /** The name used in URLs, migration folders and {@link Store#dialect()}. */
  String id() {
    return id;
  }

  /** The Flyway location holding this dialect's migrations. */
  String migrationLocation() {
    return "classpath:db/migration/" + id;
  }

  abstract void bindInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException;

  abstract Instant readInstant(ResultSet row, String column) throws SQLException;

  abstract void bindUuid(PreparedStatement statement, int index, UUID uuid) throws SQLException;

  abstract UUID readUuid(ResultSet row, String column) throws SQLException;

  abstract boolean isConstraintViolation(SQLException e);
}
