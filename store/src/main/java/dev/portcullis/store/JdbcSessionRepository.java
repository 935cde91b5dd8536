package dev.portcullis.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link SessionRepository} in plain JDBC; the SQL is the same for SQLite and PostgreSQL.
 *
 * <p>Design note. Every state change is a conditional {@code UPDATE} of one row ({@code ... AND
 * revoked_at IS NULL}, {@code ... AND expiry_recorded_at IS NULL}) whose update count says whether
 * this transaction made the change. Under PostgreSQL's READ COMMITTED a second transaction
 * updating the same row waits for the first and then re-checks the condition, and SQLite has one
 * writer, so two replicas revoking or sweeping the same session never both report it. Revocations
 * are announced through {@link SessionRevocationPublisher#announce} inside the transaction and
 * delivered to this replica's listeners after it committed.
 */
final class JdbcSessionRepository implements SessionRepository {

  private static final String COLUMNS =
      "id, token_hash, org_alias, org_id, principal_kind, principal_issuer, principal_subject, binding, scopes,"
          + " integration_user, cert_thumbprint, policy_hash, decision_id, issued_at, expires_at, revoked_at,"
          + " revoked_by, revoke_reason, use_count, last_used_at";

  private static final String INSERT =
      "INSERT INTO session (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String SELECT = "SELECT " + COLUMNS + " FROM session";

  private static final String NEWEST_FIRST = " ORDER BY issued_at DESC, id DESC";

  private static final String ACTIVE = " revoked_at IS NULL AND expires_at > ?";

  private static final String REVOKE =
      "UPDATE session SET revoked_at = ?, revoked_by = ?, revoke_reason = ?"
          + " WHERE id = ? AND revoked_at IS NULL AND expires_at > ?";

  // last_used_at never moves backwards: instants compare correctly in both dialects (SQLite's
  // fixed-width text sorts in time order).
  private static final String RECORD_USE =
      "UPDATE session SET use_count = use_count + ?,"
          + " last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ? THEN ? ELSE last_used_at END"
          + " WHERE id = ?";

  private static final String MARK_EXPIRY =
      "UPDATE session SET expiry_recorded_at = ? WHERE id = ? AND expiry_recorded_at IS NULL";

  private final Jdbc jdbc;
  private final SessionRevocationPublisher revocations;

  JdbcSessionRepository(Jdbc jdbc, SessionRevocationPublisher revocations) {
    this.jdbc = jdbc;
    this.revocations = revocations;
  }

  @Override
  public Session create(Session session) {
    if (session.revocation() != null || session.useCount() != 0 || session.lastUsedAt() != null) {
      throw new IllegalArgumentException(
          "session " + session.id() + ": only a newly issued session (not revoked, not used) can be created");
    }
    String what = "creating session " + session.id() + " for org '" + session.orgAlias() + "'";
    return jdbc.inTransaction(Jdbc.Access.WRITE, what, connection -> {
      List<String> registered = jdbc.query(
          connection, "SELECT org_id FROM org WHERE alias = ?", row -> row.getString(1), session.orgAlias());
      if (registered.isEmpty()) {
        throw new StoreException(StoreException.Code.CONSTRAINT_VIOLATION,
            what + ": org '" + session.orgAlias() + "' is not registered, nothing was changed");
      }
      // The first 15 characters of an 18-character ID are the case-sensitive 15-character ID.
      String orgId = registered.getFirst();
      if (!session.orgId().substring(0, 15).equals(orgId.substring(0, 15))) {
        throw new StoreException(StoreException.Code.CONSTRAINT_VIOLATION,
            what + ": the session's org ID " + session.orgId() + " is not org '" + session.orgAlias()
                + "' (" + orgId + "), nothing was changed");
      }
      jdbc.update(connection, INSERT, session.id(), session.tokenHash(), session.orgAlias(), session.orgId(),
          session.principal().kind(), session.principal().issuer(), session.principal().subject(),
          RunBindingJson.write(session.binding()), String.join(" ", session.scopes()), session.integrationUser(),
          session.certThumbprint(), session.policyHash(), session.decisionId(), session.issuedAt(),
          session.expiresAt(), null, null, null, 0L, null);
      return find(connection, " WHERE id = ?", session.id()).orElseThrow();
    });
  }

  @Override
  public Optional<Session> findByTokenHash(String tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    // The hash is not quoted in the message: it is not secret, but nobody needs it in a log.
    return jdbc.inTransaction(Jdbc.Access.READ, "finding a session by token hash",
        connection -> find(connection, " WHERE token_hash = ?", tokenHash));
  }

  @Override
  public Optional<Session> findById(String id) {
    Objects.requireNonNull(id, "id");
    return jdbc.inTransaction(Jdbc.Access.READ, "finding session " + id,
        connection -> find(connection, " WHERE id = ?", id));
  }

  @Override
  public List<Session> listActive(Instant now, Filter filter) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(filter, "filter");
    List<Object> parameters = new ArrayList<>(List.of(now));
    String where = " WHERE" + ACTIVE + conditions(filter, parameters);
    return jdbc.inTransaction(Jdbc.Access.READ, "listing active sessions" + describe(filter),
        connection -> jdbc.query(connection, SELECT + where + NEWEST_FIRST, this::map, parameters.toArray()));
  }

  @Override
  public List<Session> list(Filter filter, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    List<Object> parameters = new ArrayList<>();
    String conditions = conditions(filter, parameters);
    String where = conditions.isEmpty() ? "" : " WHERE" + conditions.substring(" AND".length());
    parameters.add(limit);
    return jdbc.inTransaction(Jdbc.Access.READ, "listing sessions" + describe(filter),
        connection -> jdbc.query(connection, SELECT + where + NEWEST_FIRST + " LIMIT ?", this::map,
            parameters.toArray()));
  }

  @Override
  public boolean revoke(String id, String revokedBy, String reason, Instant now) {
    Objects.requireNonNull(id, "id");
    Session.Revocation revocation = new Session.Revocation(now, revokedBy, reason);
    Set<String> revoked = jdbc.inTransaction(Jdbc.Access.WRITE, "revoking session " + id, connection -> {
      Set<String> ids = revoke(connection, List.of(id), revocation);
      revocations.announce(connection, ids);
      return ids;
    });
    revocations.deliverLocally(revoked);
    return !revoked.isEmpty();
  }

  @Override
  public List<Session> revokeByPrincipal(
      String issuer, String subject, String revokedBy, String reason, Instant now) {
    return revokeAll(Filter.principal(issuer, subject), new Session.Revocation(now, revokedBy, reason));
  }

  @Override
  public List<Session> revokeByOrg(String orgAlias, String revokedBy, String reason, Instant now) {
    return revokeAll(Filter.org(orgAlias), new Session.Revocation(now, revokedBy, reason));
  }

  private List<Session> revokeAll(Filter filter, Session.Revocation revocation) {
    List<Object> parameters = new ArrayList<>(List.of(revocation.at()));
    String where = " WHERE" + ACTIVE + conditions(filter, parameters);
    List<Session> revoked = jdbc.inTransaction(Jdbc.Access.WRITE, "revoking sessions" + describe(filter),
        connection -> {
          List<Session> candidates =
              jdbc.query(connection, SELECT + where + NEWEST_FIRST, this::map, parameters.toArray());
          Set<String> ids = revoke(connection, candidates.stream().map(Session::id).toList(), revocation);
          revocations.announce(connection, ids);
          return candidates.stream().filter(s -> ids.contains(s.id())).map(s -> s.revoked(revocation)).toList();
        });
    revocations.deliverLocally(revoked.stream().map(Session::id).collect(java.util.stream.Collectors.toSet()));
    return revoked;
  }

  /** Revokes each of {@code ids} still active; returns those this transaction revoked. */
  private Set<String> revoke(Connection connection, List<String> ids, Session.Revocation revocation)
      throws SQLException {
    Set<String> revoked = new LinkedHashSet<>();
    for (String id : ids) {
      if (jdbc.update(connection, REVOKE, revocation.at(), revocation.by(), revocation.reason(), id,
          revocation.at()) == 1) {
        revoked.add(id);
      }
    }
    return revoked;
  }

  @Override
  public boolean recordUse(String id, long count, Instant usedAt) {
    return recordUses(Map.of(id, count), usedAt) == 1;
  }

  @Override
  public int recordUses(Map<String, Long> counts, Instant usedAt) {
    Objects.requireNonNull(usedAt, "usedAt");
    counts.forEach((id, count) -> {
      if (count == null || count <= 0) {
        throw new IllegalArgumentException("session " + id + ": a use count must be positive: " + count);
      }
    });
    if (counts.isEmpty()) {
      return 0;
    }
    return jdbc.inTransaction(Jdbc.Access.WRITE, "recording uses of " + counts.size() + " session(s)",
        connection -> {
          int updated = 0;
          // In id order, so that concurrent batches lock rows in the same order (no deadlock).
          for (String id : counts.keySet().stream().sorted().toList()) {
            updated += jdbc.update(connection, RECORD_USE, counts.get(id), usedAt, usedAt, id);
          }
          return updated;
        });
  }

  @Override
  public List<Session> sweepExpired(Instant now, int limit, Consumer<List<Session>> report) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(report, "report");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return jdbc.inTransaction(Jdbc.Access.WRITE, "sweeping expired sessions", connection -> {
      List<Session> candidates = jdbc.query(connection, SELECT + " WHERE expires_at <= ? AND revoked_at IS NULL"
          + " AND expiry_recorded_at IS NULL ORDER BY expires_at, id LIMIT ?", this::map, now, limit);
      List<Session> marked = new ArrayList<>();
      for (Session session : candidates) {
        if (jdbc.update(connection, MARK_EXPIRY, now, session.id()) == 1) {
          marked.add(session);
        }
      }
      List<Session> expired = List.copyOf(marked);
      if (!expired.isEmpty()) {
        report.accept(expired);
      }
      return expired;
    });
  }

  private Optional<Session> find(Connection connection, String where, Object parameter) throws SQLException {
    return jdbc.query(connection, SELECT + where, this::map, parameter).stream().findFirst();
  }

  /** {@code " AND ..."} for each field of {@code filter}, adding its parameters. */
  private static String conditions(Filter filter, List<Object> parameters) {
    StringBuilder sql = new StringBuilder();
    if (filter.orgAlias() != null) {
      sql.append(" AND org_alias = ?");
      parameters.add(filter.orgAlias());
    }
    if (filter.principalIssuer() != null) {
      sql.append(" AND principal_issuer = ?");
      parameters.add(filter.principalIssuer());
    }
    if (filter.principalSubject() != null) {
      sql.append(" AND principal_subject = ?");
      parameters.add(filter.principalSubject());
    }
    return sql.toString();
  }

  private static String describe(Filter filter) {
    StringBuilder text = new StringBuilder();
    if (filter.orgAlias() != null) {
      text.append(" of org '").append(filter.orgAlias()).append("'");
    }
    if (filter.principalSubject() != null) {
      text.append(" of principal '").append(filter.principalSubject()).append("'");
    }
    if (filter.principalIssuer() != null) {
      text.append(" from '").append(filter.principalIssuer()).append("'");
    }
    return text.toString();
  }

  private Session map(ResultSet row) throws SQLException {
    String id = row.getString("id");
    try {
      return read(row);
    } catch (IllegalArgumentException e) {
      // A row that breaks the rules was written behind the store's back: refuse it.
      throw new StoreException(StoreException.Code.QUERY_FAILED, "session " + id + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  private Session read(ResultSet row) throws SQLException {
    Dialect dialect = jdbc.dialect();
    Instant revokedAt = dialect.readInstant(row, "revoked_at");
    return new Session(
        row.getString("id"),
        row.getString("token_hash"),
        row.getString("org_alias"),
        row.getString("org_id"),
        new Session.Principal(
            row.getString("principal_kind"), row.getString("principal_issuer"), row.getString("principal_subject")),
        RunBindingJson.read(row.getString("binding")),
        Arrays.asList(row.getString("scopes").split(" ", -1)),
        row.getString("integration_user"),
        row.getString("cert_thumbprint"),
        row.getString("policy_hash"),
        row.getString("decision_id"),
        dialect.readInstant(row, "issued_at"),
        dialect.readInstant(row, "expires_at"),
        revokedAt == null ? null
            : new Session.Revocation(revokedAt, row.getString("revoked_by"), row.getString("revoke_reason")),
        row.getLong("use_count"),
        dialect.readInstant(row, "last_used_at"));
  }
}
