package dev.portcullis.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** {@link TokenIssuanceRepository} in plain JDBC; the SQL is the same for both dialects. */
final class JdbcTokenIssuanceRepository implements TokenIssuanceRepository {

  private static final String COLUMNS =
      "id, org_alias, issued_at, expires_at, subject, purpose, token_fingerprint";

  private static final String INSERT =
      "INSERT INTO token_issuance (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";

  private static final String COUNT = "SELECT count(*) FROM token_issuance WHERE org_alias = ?";

  private static final String LIST =
      "SELECT "
          + COLUMNS
          + " FROM token_issuance WHERE org_alias = ? ORDER BY issued_at DESC, id LIMIT ?";

  private final Jdbc jdbc;

  JdbcTokenIssuanceRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void append(TokenIssuance issuance) {
    jdbc.inTransaction(
        Jdbc.Access.WRITE,
        describe(issuance),
        connection -> {
          insert(connection, issuance);
          return null;
        });
  }

  @Override
  public void appendAll(List<TokenIssuance> issuances) {
    if (issuances.isEmpty()) {
      return;
    }
    jdbc.inTransaction(
        Jdbc.Access.WRITE,
        "appending " + issuances.size() + " token issuances",
        connection -> {
          for (TokenIssuance issuance : issuances) {
            try {
              insert(connection, issuance);
            } catch (SQLException e) {
              // Name the offending row; inTransaction rolls the whole batch back.
              throw jdbc.translate(
                  e, describe(issuance) + " in a batch of " + issuances.size());
            }
          }
          return null;
        });
  }

  @Override
  public long countByOrg(String orgAlias) {
    return jdbc.inTransaction(
        Jdbc.Access.READ,
        "counting token issuances of org '" + orgAlias + "'",
        connection -> jdbc.query(connection, COUNT, row -> row.getLong(1), orgAlias).getFirst());
  }

  @Override
  public List<TokenIssuance> listByOrg(String orgAlias, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return jdbc.inTransaction(
        Jdbc.Access.READ,
        "listing token issuances of org '" + orgAlias + "'",
        connection -> jdbc.query(connection, LIST, this::map, orgAlias, limit));
  }

  private void insert(Connection connection, TokenIssuance issuance) throws SQLException {
    jdbc.update(
        connection,
        INSERT,
        issuance.id(),
        issuance.orgAlias(),
        issuance.issuedAt(),
        issuance.expiresAt(),
        issuance.subject(),
        issuance.purpose(),
        issuance.tokenFingerprint());
  }

  private static String describe(TokenIssuance issuance) {
    return "appending token issuance " + issuance.id() + " for org '" + issuance.orgAlias() + "'";
  }

  private TokenIssuance map(ResultSet row) throws SQLException {
    Dialect dialect = jdbc.dialect();
    return new TokenIssuance(
        dialect.readUuid(row, "id"),
        row.getString("org_alias"),
        dialect.readInstant(row, "issued_at"),
        dialect.readInstant(row, "expires_at"),
        row.getString("subject"),
        row.getString("purpose"),
        row.getString("token_fingerprint"));
  }
}
