package dev.portcullis.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Issued sessions. Rows are never deleted; revocation, use counts and expiry bookkeeping update
 * them. Every revocation is announced on {@link Store#sessionRevocations()} to every replica.
 */
public interface SessionRepository {

  /**
   * Stores a newly issued session (not revoked, not used).
   *
   * @return the session as stored
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when its org alias is
   *     not registered, when the registered org has another org ID, or when its id or token hash
   *     is already stored; nothing is changed then
   * @throws IllegalArgumentException when {@code session} is revoked or has uses
   */
  Session create(Session session);

  /** The session whose token hashes to {@code tokenHash} (see {@link SessionTokens#hash}). */
  Optional<Session> findByTokenHash(String tokenHash);

  Optional<Session> findById(String id);

  /** The sessions usable at {@code now} (not revoked, not expired) that match {@code filter}, newest first. */
  List<Session> listActive(Instant now, Filter filter);

  /** Sessions matching {@code filter}, expired and revoked ones included, newest first, at most {@code limit}. */
  List<Session> list(Filter filter, int limit);

  /**
   * Revokes the session {@code id} if it is active at {@code now}.
   *
   * @return true when this call revoked it; false when it does not exist, is already revoked or
   *     has expired (nothing is changed then)
   */
  boolean revoke(String id, String revokedBy, String reason, Instant now);

  /** Revokes every session of the principal that is active at {@code now}; returns those it revoked. */
  List<Session> revokeByPrincipal(
      String issuer, String subject, String revokedBy, String reason, Instant now);

  /** Revokes every session for the org that is active at {@code now}; returns those it revoked. */
  List<Session> revokeByOrg(String orgAlias, String revokedBy, String reason, Instant now);

  /**
   * Adds {@code count} uses to the session and moves its last use to {@code usedAt} (never
   * backwards). Uses are recorded whatever the session's state.
   *
   * @return false when there is no such session
   */
  boolean recordUse(String id, long count, Instant usedAt);

  /**
   * {@link #recordUse} for many sessions in one transaction (a batch of counts gathered in
   * memory). Ids that name no session are skipped.
   *
   * @return how many sessions were updated
   */
  int recordUses(Map<String, Long> counts, Instant usedAt);

  /**
   * Reports each expiry once: marks up to {@code limit} sessions that expired at or before {@code
   * now} without being revoked and were not reported before, and returns them, oldest expiry
   * first. {@code report} is called with them before the marks commit: if it throws, nothing is
   * marked and the exception propagates, so a failed report is retried by the next sweep. Two
   * replicas sweeping at once never report the same session; a crash after {@code report}
   * returned and before the commit reports it again.
   */
  List<Session> sweepExpired(Instant now, int limit, Consumer<List<Session>> report);

  /**
   * Which sessions to list. Every non-null field must match.
   *
   * @param orgAlias sessions for this org
   * @param principalIssuer with {@code principalSubject}: sessions of this principal
   * @param principalSubject see {@code principalIssuer}
   */
  record Filter(String orgAlias, String principalIssuer, String principalSubject) {

    public static final Filter ALL = new Filter(null, null, null);

    /** Every field is optional; a subject without an issuer matches that subject from any issuer. */
    public Filter {}

    public static Filter org(String orgAlias) {
      return new Filter(Objects.requireNonNull(orgAlias, "orgAlias"), null, null);
    }

    public static Filter principal(String issuer, String subject) {
      return new Filter(null, Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(subject, "subject"));
    }
  }
}
