package dev.portcullis.store;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@link OrgRepository} in plain JDBC; the SQL is the same for SQLite and PostgreSQL. */
final class JdbcOrgRepository implements OrgRepository {

  private static final String COLUMNS =
      "alias, org_id, environment, instance_url, login_url, created_at, updated_at";

  // ON CONFLICT ... DO UPDATE: SQLite 3.24+ and PostgreSQL 9.5+. created_at is not in the SET
  // list, so an update keeps the first registration time.
  private static final String UPSERT =
      "INSERT INTO org ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (alias) DO UPDATE SET org_id = excluded.org_id,"
          + " environment = excluded.environment, instance_url = excluded.instance_url,"
          + " login_url = excluded.login_url, updated_at = excluded.updated_at";

  private static final String FIND = "SELECT " + COLUMNS + " FROM org WHERE alias = ?";

  private static final String LIST = "SELECT " + COLUMNS + " FROM org ORDER BY alias";

  private final Jdbc jdbc;

  JdbcOrgRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Org upsert(Org org) {
    return jdbc.inTransaction(
        Jdbc.Access.WRITE,
        "registering org '" + org.alias() + "' (" + org.orgId() + ")",
        connection -> {
          jdbc.update(
              connection,
              UPSERT,
              org.alias(),
              org.orgId(),
              org.environment().storedName(),
              org.instanceUrl().toString(),
              org.loginUrl().toString(),
              org.createdAt(),
              org.updatedAt());
          return find(connection, org.alias()).orElseThrow();
        });
  }

  @Override
  public Optional<Org> findByAlias(String alias) {
    return jdbc.inTransaction(
        Jdbc.Access.READ, "finding org '" + alias + "'", connection -> find(connection, alias));
  }

  @Override
  public List<Org> list() {
    return jdbc.inTransaction(
        Jdbc.Access.READ, "listing orgs", connection -> jdbc.query(connection, LIST, this::map));
  }

  private Optional<Org> find(Connection connection, String alias) throws SQLException {
    return jdbc.query(connection, FIND, this::map, alias).stream().findFirst();
  }

  private Org map(ResultSet row) throws SQLException {
    Dialect dialect = jdbc.dialect();
    return new Org(
        row.getString("alias"),
        row.getString("org_id"),
        Org.Environment.fromStoredName(row.getString("environment")),
        URI.create(row.getString("instance_url")),
        URI.create(row.getString("login_url")),
        dialect.readInstant(row, "created_at"),
        dialect.readInstant(row, "updated_at"));
  }
}
