package dev.portcullis.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link RiskRepository} in plain JDBC; the SQL is the same for SQLite and PostgreSQL.
 *
 * <p>Design note. A change first increments the single row of {@code principal_risk_version} and
 * reads the new value back, in its own transaction: under PostgreSQL that row lock makes every other
 * change wait until this one commits, and SQLite has one writer, so versions commit in increasing
 * order with no gaps seen by readers. {@link #changedSince} can therefore be polled with the highest
 * version seen so far. The row is then upserted ({@code INSERT … ON CONFLICT … DO UPDATE}, the same
 * in both dialects); the previous row is read under the same lock, so the returned change is exact.
 * Reasons are stored as a JSON array of strings and read strictly.
 */
final class JdbcRiskRepository implements RiskRepository {

  private static final String COLUMNS =
      "principal_issuer, principal_subject, score, reasons, set_by, set_at, version";

  private static final String SELECT = "SELECT " + COLUMNS + " FROM principal_risk";

  private static final String UPSERT = "INSERT INTO principal_risk (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (principal_issuer, principal_subject) DO UPDATE SET score = excluded.score,"
      + " reasons = excluded.reasons, set_by = excluded.set_by, set_at = excluded.set_at, version = excluded.version";

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final Jdbc jdbc;

  JdbcRiskRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Change set(String issuer, String subject, double score, List<String> reasons, String setBy, Instant at) {
    Objects.requireNonNull(at, "at");
    // Validates every argument before the transaction: nothing is written for a bad one.
    PrincipalRisk wanted = new PrincipalRisk(issuer, subject, score, reasons, setBy, at, 1);
    String what = "setting the risk score of principal '" + subject + "' from '" + issuer + "'";
    return jdbc.inTransaction(Jdbc.Access.WRITE, what, connection -> {
      jdbc.update(connection, "UPDATE principal_risk_version SET version = version + 1 WHERE id = 1");
      long version = jdbc.query(connection, "SELECT version FROM principal_risk_version WHERE id = 1",
          row -> row.getLong(1)).getFirst();
      Optional<PrincipalRisk> previous = find(connection, issuer, subject);
      PrincipalRisk current = new PrincipalRisk(issuer, subject, wanted.score(), wanted.reasons(), setBy,
          wanted.setAt(), version);
      jdbc.update(connection, UPSERT, issuer, subject, current.score(), writeReasons(current.reasons()), setBy,
          current.setAt(), version);
      return new Change(previous, current);
    });
  }

  @Override
  public Optional<PrincipalRisk> find(String issuer, String subject) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    return jdbc.inTransaction(Jdbc.Access.READ, "finding the risk score of principal '" + subject + "'",
        connection -> find(connection, issuer, subject));
  }

  @Override
  public List<PrincipalRisk> list(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return jdbc.inTransaction(Jdbc.Access.READ, "listing risk scores", connection -> jdbc.query(connection,
        SELECT + " ORDER BY score DESC, set_at DESC, version DESC LIMIT ?", this::map, limit));
  }

  @Override
  public List<PrincipalRisk> changedSince(long version, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return jdbc.inTransaction(Jdbc.Access.READ, "reading risk changes after version " + version,
        connection -> jdbc.query(connection, SELECT + " WHERE version > ? ORDER BY version LIMIT ?", this::map,
            version, limit));
  }

  private Optional<PrincipalRisk> find(Connection connection, String issuer, String subject) throws SQLException {
    return jdbc.query(connection, SELECT + " WHERE principal_issuer = ? AND principal_subject = ?", this::map,
        issuer, subject).stream().findFirst();
  }

  private PrincipalRisk map(ResultSet row) throws SQLException {
    try {
      return new PrincipalRisk(row.getString("principal_issuer"), row.getString("principal_subject"),
          row.getDouble("score"), readReasons(row.getString("reasons")), row.getString("set_by"),
          jdbc.dialect().readInstant(row, "set_at"), row.getLong("version"));
    } catch (IllegalArgumentException e) {
      // A row that breaks the rules was written behind the store's back: refuse it.
      throw new StoreException(StoreException.Code.QUERY_FAILED, "the risk score of principal '"
          + row.getString("principal_subject") + "' cannot be read: " + e.getMessage(), e);
    }
  }

  static String writeReasons(List<String> reasons) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartArray();
      for (String reason : reasons) {
        json.writeString(reason);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return text.toString();
  }

  /**
   * Parses reasons written by {@link #writeReasons}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  static List<String> readReasons(String text) {
    List<String> reasons = new ArrayList<>();
    try (JsonParser json = JSON.createParser(text)) {
      if (json.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("the risk reasons are not a JSON array");
      }
      for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
        if (token != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException("the risk reasons hold something other than strings");
        }
        reasons.add(json.getText());
      }
      if (json.nextToken() != null) {
        throw new IllegalArgumentException("the risk reasons have content after their JSON array");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the risk reasons are not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from a string cannot fail", e);
    }
    return reasons;
  }
}
