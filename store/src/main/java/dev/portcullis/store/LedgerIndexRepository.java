package dev.portcullis.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.List;

/**
 * The ledger's search index: one {@link IndexRow} per entry, found by kind, org, actor,
 * session, commit, deployment ID and time. Derived data that can always be rebuilt from the ledger
 * ({@link #clear()}, then {@link #put} everything again), never the other way round.
 */
public interface LedgerIndexRepository {

  /**
   * Stores {@code rows} in one transaction. A row already stored with the same content is a no-op,
   * so replaying a batch after a crash is safe.
   *
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when an index is
   *     already stored with other content (the index no longer matches the ledger: rebuild it);
   *     nothing of the batch is stored then
   */
  void put(List<IndexRow> rows);

  /** The highest index stored, or -1 when there is none. */
  long highestIndexed();

  /** The rows {@code query} matches, in log order, at most {@link Query#limit()}. */
  List<IndexRow> search(Query query);

  /** Removes every row, before a rebuild. */
  void clear();

  /**
   * One row of the ledger's search index: where an entry is in the log and what it can be found
   * by. Derived from the entry alone; the store knows nothing else of the ledger.
   *
   * @param idx the entry's index in the log (0-based)
   * @param kind the entry's kind, e.g. {@code deploy.approved}
   * @param org the entry's {@code org} field, or {@code null}
   * @param actor the entry's {@code actor} field, or {@code null}
   * @param session the entry's {@code session} field, or {@code null}
   * @param commit the entry's {@code commit} field, or {@code null}
   * @param deploymentId the entry's {@code deployment_id} field, or {@code null}
   * @param time the entry's time; kept to the millisecond, as entries are
   */
  record IndexRow(
      long idx,
      String kind,
      String org,
      String actor,
      String session,
      String commit,
      String deploymentId,
      Instant time) {

    public IndexRow {
      if (idx < 0) {
        throw new IllegalArgumentException("ledger index must not be negative: " + idx);
      }
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(time, "time");
      if (kind.isEmpty() || kind.length() > 255) {
        throw new IllegalArgumentException("entry " + idx + ": kind must be 1 to 255 characters");
      }
      time = time.truncatedTo(ChronoUnit.MILLIS);
    }
  }

  /**
   * What to search for. Every filter is optional ({@code null}: any); all given filters must match.
   *
   * @param kind exact kind
   * @param org exact org
   * @param actor exact actor
   * @param session exact session
   * @param commit exact commit ID
   * @param deploymentId exact deployment ID
   * @param since entries at or after this time
   * @param until entries before this time
   * @param afterIndex only entries with a higher index (for paging); -1 for all
   * @param limit at most this many rows, 1 to {@value #MAX_LIMIT}
   */
  record Query(
      String kind,
      String org,
      String actor,
      String session,
      String commit,
      String deploymentId,
      Instant since,
      Instant until,
      long afterIndex,
      int limit) {

    public static final int MAX_LIMIT = 10_000;

    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
      }
      if (afterIndex < -1) {
        throw new IllegalArgumentException("afterIndex must be -1 or an index: " + afterIndex);
      }
    }

    /** Everything, from the start of the log, at most {@code limit} rows. */
    public static Query all(int limit) {
      return new Query(null, null, null, null, null, null, null, null, -1, limit);
    }

    public Query withKind(String kind) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withOrg(String org) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withActor(String actor) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withSession(String session) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withCommit(String commit) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withDeploymentId(String deploymentId) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withSince(Instant since) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    public Query withUntil(Instant until) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }

    /** Only rows after {@code afterIndex}: pass the last index of the previous page. */
    public Query withAfterIndex(long afterIndex) {
      return new Query(kind, org, actor, session, commit, deploymentId, since, until, afterIndex, limit);
    }
  }
}
