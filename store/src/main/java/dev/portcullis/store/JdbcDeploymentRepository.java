package dev.portcullis.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link DeploymentRepository} on the {@code deployment} table (V7). */
final class JdbcDeploymentRepository implements DeploymentRepository {
  private static final String COLUMNS = "id, org_alias, environment, state, effect, via, requested_at, started_at,"
      + " completed_at, package_sha256, component_count, destructive, check_only, quick_deploy_of, test_level, tests,"
      + " requester_kind, requester_issuer, requester_subject, requester_actor, session_id, git_repository, git_commit,"
      + " git_branch, git_run, git_protected, decision_id, rules, reason, approval_id, approvers, salesforce_deploy_id,"
      + " snapshot_sha256, rollback_sha256, rollback_of, component_list, change_list, result";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM deployment";
  private static final String NEWEST = " ORDER BY requested_at DESC, id DESC";

  private final Jdbc jdbc;

  JdbcDeploymentRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Deployment create(Deployment d) {
    Objects.requireNonNull(d, "deployment");
    Deployment.Requester r = d.requester();
    Deployment.Git g = d.git();
    jdbc.inTransaction(Jdbc.Access.WRITE, "storing deployment " + d.id(), connection -> jdbc.update(connection,
        "INSERT INTO deployment (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.id(), d.orgAlias(), d.environment(), d.state().value(), d.effect().value(), d.via(), d.requestedAt(),
        d.startedAt(), d.completedAt(), d.packageSha256(), d.componentCount(), bit(d.destructive()),
        bit(d.checkOnly()), d.quickDeployOf(), d.testLevel(), join(d.tests()), r.kind(), r.issuer(), r.subject(),
        r.actor(), r.session(), g.repository(), g.commit(), g.branch(), g.run(),
        g.protectedBranch() == null ? null : bit(g.protectedBranch()), d.decisionId(), join(d.rules()), d.reason(),
        d.approvalId(), join(d.approvers()), d.salesforceDeployId(), d.snapshotSha256(), d.rollbackSha256(),
        d.rollbackOf(), join(d.componentList()), join(d.changeList()), d.result()));
    return d;
  }

  @Override
  public Optional<Deployment> findById(String id) {
    Objects.requireNonNull(id, "id");
    return first("reading deployment " + id, SELECT + " WHERE id = ?", id);
  }

  @Override
  public Optional<Deployment> findBySalesforceId(String orgAlias, String salesforceDeployId) {
    return first("finding the deployment Salesforce knows as " + salesforceDeployId,
        SELECT + " WHERE org_alias = ? AND salesforce_deploy_id = ?" + NEWEST, orgAlias, salesforceDeployId);
  }

  @Override
  public Optional<Deployment> findByRollbackSha256(String orgAlias, String rollbackSha256) {
    return first("finding the deployment a package rolls back",
        SELECT + " WHERE org_alias = ? AND rollback_sha256 = ?" + NEWEST, orgAlias, rollbackSha256);
  }

  @Override
  public List<Deployment> list(String orgAlias, Instant since, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    String where = orgAlias == null ? (since == null ? "" : " WHERE requested_at >= ?")
        : " WHERE org_alias = ?" + (since == null ? "" : " AND requested_at >= ?");
    Object[] parameters = orgAlias == null ? (since == null ? new Object[] {limit} : new Object[] {since, limit})
        : since == null ? new Object[] {orgAlias, limit} : new Object[] {orgAlias, since, limit};
    return jdbc.inTransaction(Jdbc.Access.READ, "listing deployments",
        connection -> jdbc.query(connection, SELECT + where + NEWEST + " LIMIT ?", this::map, parameters));
  }

  @Override
  public boolean update(Deployment next, Deployment.State expected) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expected, "expected");
    return jdbc.inTransaction(Jdbc.Access.WRITE, "updating deployment " + next.id(), connection -> jdbc.update(
        connection, "UPDATE deployment SET state = ?, effect = ?, started_at = ?, completed_at = ?, reason = ?,"
            + " salesforce_deploy_id = ?, result = ? WHERE id = ? AND state = ?",
        next.state().value(), next.effect().value(), next.startedAt(), next.completedAt(), next.reason(),
        next.salesforceDeployId(), next.result(), next.id(), expected.value()) == 1);
  }

  private Optional<Deployment> first(String what, String sql, Object... parameters) {
    return jdbc.inTransaction(Jdbc.Access.READ, what,
        connection -> jdbc.query(connection, sql + " LIMIT 1", this::map, parameters).stream().findFirst());
  }

  private Deployment map(ResultSet row) throws SQLException {
    String id = row.getString("id");
    try {
      Dialect dialect = jdbc.dialect();
      int gitProtected = row.getInt("git_protected");
      Boolean protectedBranch = row.wasNull() ? null : gitProtected == 1;
      return new Deployment(id, row.getString("org_alias"), row.getString("environment"),
          Deployment.State.of(row.getString("state")), Deployment.State.of(row.getString("effect")),
          row.getString("via"), dialect.readInstant(row, "requested_at"), dialect.readInstant(row, "started_at"),
          dialect.readInstant(row, "completed_at"), row.getString("package_sha256"), row.getInt("component_count"),
          row.getInt("destructive") == 1, row.getInt("check_only") == 1, row.getString("quick_deploy_of"),
          row.getString("test_level"), split(row.getString("tests")),
          new Deployment.Requester(row.getString("requester_kind"), row.getString("requester_issuer"),
              row.getString("requester_subject"), row.getString("requester_actor"), row.getString("session_id")),
          new Deployment.Git(row.getString("git_repository"), row.getString("git_commit"),
              row.getString("git_branch"), row.getString("git_run"), protectedBranch),
          row.getString("decision_id"), split(row.getString("rules")), row.getString("reason"),
          row.getString("approval_id"), split(row.getString("approvers")), row.getString("salesforce_deploy_id"),
          row.getString("snapshot_sha256"), row.getString("rollback_sha256"), row.getString("rollback_of"),
          split(row.getString("component_list")), split(row.getString("change_list")), row.getString("result"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException(StoreException.Code.QUERY_FAILED, "deployment " + id + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  private static int bit(boolean value) {
    return value ? 1 : 0;
  }

  private static String join(List<String> lines) {
    return String.join("\n", lines);
  }

  private static List<String> split(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
  }
}
