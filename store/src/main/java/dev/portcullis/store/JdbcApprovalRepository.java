package dev.portcullis.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link ApprovalRepository} on the {@code approval} and {@code approval_vote} tables (V6). */
final class JdbcApprovalRepository implements ApprovalRepository {
  private static final String COLUMNS = "id, kind, binding, org_alias, requester_issuer, requester_subject,"
      + " requester_actor, summary, required, eligible, decision_id, requested_at, expires_at, state, decided_at, used_at,"
      + " used_by_decision";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM approval";

  private final Jdbc jdbc;

  JdbcApprovalRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Approval create(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    if (approval.state() != Approval.State.PENDING || !approval.votes().isEmpty()) {
      throw new IllegalArgumentException("a new approval is pending and has no votes");
    }
    jdbc.inTransaction(Jdbc.Access.WRITE, "storing approval " + approval.id(), connection -> jdbc.update(connection,
        "INSERT INTO approval (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        approval.id(), approval.kind(), approval.binding(), approval.orgAlias(), approval.requesterIssuer(),
        approval.requesterSubject(), approval.requesterActor(), approval.summary(), approval.required(),
        String.join("\n", approval.eligible()), approval.decisionId(), approval.requestedAt(), approval.expiresAt(), approval.state().value(), null, null,
        null));
    return approval;
  }

  @Override
  public Optional<Approval> findById(String id) {
    Objects.requireNonNull(id, "id");
    return jdbc.inTransaction(Jdbc.Access.READ, "reading approval " + id,
        connection -> first(connection, SELECT + " WHERE id = ?", id));
  }

  @Override
  public Optional<Approval> findOpen(String kind, String binding, Instant now) {
    return jdbc.inTransaction(Jdbc.Access.READ, "finding an open approval", connection -> first(connection,
        SELECT + " WHERE binding = ? AND kind = ? AND state IN ('pending', 'approved') AND expires_at > ?"
            + " ORDER BY requested_at DESC, id DESC", binding, kind, now));
  }

  @Override
  public List<Approval> list(Approval.State state, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return jdbc.inTransaction(Jdbc.Access.READ, "listing approvals", connection -> {
      List<Approval> rows = state == null
          ? jdbc.query(connection, SELECT + " ORDER BY requested_at DESC, id DESC LIMIT ?", row -> map(connection, row),
              limit)
          : jdbc.query(connection, SELECT + " WHERE state = ? ORDER BY requested_at DESC, id DESC LIMIT ?",
              row -> map(connection, row), state.value(), limit);
      return withVotes(connection, rows);
    });
  }

  @Override
  public VoteOutcome vote(String id, Approval.Vote vote, Instant now) {
    Objects.requireNonNull(vote, "vote");
    return jdbc.inTransaction(Jdbc.Access.WRITE, "voting on approval " + id, connection -> {
      Optional<Approval> found = first(connection, SELECT + " WHERE id = ?", id);
      if (found.isEmpty()) {
        return VoteOutcome.NOT_FOUND;
      }
      Approval approval = found.get();
      if (approval.state() != Approval.State.PENDING || approval.expiredAt(now)) {
        return VoteOutcome.CLOSED;
      }
      boolean voted = approval.votes().stream().anyMatch(v -> v.approverIssuer().equals(vote.approverIssuer())
          && v.approverSubject().equals(vote.approverSubject()));
      if (voted) {
        return VoteOutcome.ALREADY_VOTED;
      }
      jdbc.update(connection, "INSERT INTO approval_vote (approval_id, approver_issuer, approver_subject, verdict,"
          + " comment, voted_at) VALUES (?, ?, ?, ?, ?, ?)", id, vote.approverIssuer(), vote.approverSubject(),
          vote.approve() ? "approve" : "deny", vote.comment(), vote.at());
      VoteOutcome outcome;
      String next;
      if (!vote.approve()) {
        outcome = VoteOutcome.DENIED;
        next = Approval.State.DENIED.value();
      } else if (approval.approvals() + 1 >= approval.required()) {
        outcome = VoteOutcome.APPROVED;
        next = Approval.State.APPROVED.value();
      } else {
        return VoteOutcome.RECORDED;
      }
      // conditional: a concurrent vote that closed it first makes this one change nothing
      int changed = jdbc.update(connection,
          "UPDATE approval SET state = ?, decided_at = ? WHERE id = ? AND state = 'pending'", next, now, id);
      if (changed != 1) {
        throw new SQLException("approval " + id + " changed while a vote was cast", "40001");
      }
      return outcome;
    });
  }

  @Override
  public boolean use(String id, String decisionId, Instant now) {
    Objects.requireNonNull(decisionId, "decisionId");
    return jdbc.inTransaction(Jdbc.Access.WRITE, "using approval " + id, connection -> jdbc.update(connection,
        "UPDATE approval SET state = 'used', used_at = ?, used_by_decision = ?"
            + " WHERE id = ? AND state = 'approved' AND expires_at > ?", now, decisionId, id, now) == 1);
  }

  private Optional<Approval> first(Connection connection, String sql, Object... parameters) throws SQLException {
    List<Approval> rows = jdbc.query(connection, sql + (sql.contains(" LIMIT ") ? "" : " LIMIT 1"),
        row -> map(connection, row), parameters);
    return withVotes(connection, rows).stream().findFirst();
  }

  private List<Approval> withVotes(Connection connection, List<Approval> approvals) throws SQLException {
    List<Approval> result = new ArrayList<>(approvals.size());
    for (Approval approval : approvals) {
      List<Approval.Vote> votes = jdbc.query(connection, "SELECT approver_issuer, approver_subject, verdict, comment,"
          + " voted_at FROM approval_vote WHERE approval_id = ? ORDER BY voted_at, approver_issuer, approver_subject",
          row -> new Approval.Vote(row.getString("approver_issuer"), row.getString("approver_subject"),
              row.getString("verdict").equals("approve"), row.getString("comment"),
              jdbc.dialect().readInstant(row, "voted_at")), approval.id());
      result.add(new Approval(approval.id(), approval.kind(), approval.binding(), approval.orgAlias(),
          approval.requesterIssuer(), approval.requesterSubject(), approval.requesterActor(), approval.summary(),
          approval.required(), approval.eligible(), approval.decisionId(), approval.requestedAt(), approval.expiresAt(), approval.state(),
          approval.decidedAt(), approval.usedAt(), approval.usedByDecision(), votes));
    }
    return result;
  }

  private Approval map(Connection connection, ResultSet row) throws SQLException {
    String id = row.getString("id");
    try {
      Dialect dialect = jdbc.dialect();
      return new Approval(id, row.getString("kind"), row.getString("binding"), row.getString("org_alias"),
          row.getString("requester_issuer"), row.getString("requester_subject"), row.getString("requester_actor"),
          row.getString("summary"), row.getInt("required"),
          row.getString("eligible").isEmpty() ? List.of() : List.of(row.getString("eligible").split("\n")),
          row.getString("decision_id"),
          dialect.readInstant(row, "requested_at"), dialect.readInstant(row, "expires_at"),
          Approval.State.of(row.getString("state")), dialect.readInstant(row, "decided_at"),
          dialect.readInstant(row, "used_at"), row.getString("used_by_decision"), List.of());
    } catch (IllegalArgumentException e) {
      throw new StoreException(StoreException.Code.QUERY_FAILED, "approval " + id + " cannot be read: "
          + e.getMessage(), e);
    }
  }
}
