package dev.portcullis.identity.broker;

import dev.portcullis.identity.IdentityErrorCode;
import dev.portcullis.store.PrincipalRisk;
import dev.portcullis.store.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hears what the broker did, so that the server can write ledger entries. No event carries a
 * token: session tokens, subject tokens and Salesforce tokens appear only as their SHA-256 (lower-case hex).
 * Called on the thread that did the work; an implementation must not throw.
 */
@FunctionalInterface
public interface BrokerEvents {

  /** Ignores every event. */
  BrokerEvents NONE = event -> {};

  void on(Event event);

  /** Everything the broker reports. */
  sealed interface Event {}

  /**
   * A session was issued.
   *
   * @param session the session as stored (token hash only)
   * @param ttl its lifetime
   */
  record SessionCreated(Session session, Duration ttl) implements Event {}

  /**
   * A token exchange was refused.
   *
   * @param error the OAuth error
   * @param description what was wrong
   * @param identityErrorCode the subject token's failure code, when that was the reason
   * @param decisionId the policy decision, when policy decided
   * @param reasons the policy reasons, when policy denied
   * @param subjectTokenHash SHA-256 of the subject token, or empty for a certificate subject
   */
  record SessionRefused(
      OAuthError error,
      String description,
      Optional<IdentityErrorCode> identityErrorCode,
      Optional<String> decisionId,
      List<String> reasons,
      Optional<String> subjectTokenHash) implements Event {}

  /** A subject token failed verification (before the exchange was refused). */
  record IdentityFailed(IdentityErrorCode code, String message, String subjectTokenHash) implements Event {}

  /**
   * A session was revoked through this broker.
   *
   * @param useCount the uses known so far: recorded in the store plus those this replica has not
   *     flushed (other replicas' unflushed uses arrive in their {@link SessionsUsed})
   */
  record SessionRevoked(String sessionId, String orgAlias, String revokedBy, String reason, Instant at, long useCount)
      implements Event {

    /** Without a use count (zero). */
    public SessionRevoked(String sessionId, String orgAlias, String revokedBy, String reason, Instant at) {
      this(sessionId, orgAlias, revokedBy, reason, at, 0);
    }
  }

  /**
   * A session's lifetime ended (reported once, by the expiry sweep).
   *
   * @param useCount the uses known so far, as for {@link SessionRevoked}
   */
  record SessionExpired(String sessionId, String orgAlias, Instant expiredAt, long useCount) implements Event {

    /** Without a use count (zero). */
    public SessionExpired(String sessionId, String orgAlias, Instant expiredAt) {
      this(sessionId, orgAlias, expiredAt, 0);
    }
  }

  /**
   * A principal's risk score was set through this broker.
   *
   * @param previous the row before, empty when the principal had none
   * @param current the row now
   * @param revokeAtRisk the broker's {@code revoke_at_risk}: at or above it the principal's sessions end
   */
  record RiskChanged(Optional<PrincipalRisk> previous, PrincipalRisk current, double revokeAtRisk)
      implements Event {}

  /**
   * Sessions were used: the uses this replica counted in a window, as written to the store by
   * {@code TokenBroker.flushUses()}. Each replica reports its own; the sum over replicas is the
   * session's use count.
   *
   * @param uses session id → uses in the window (at least one each), sorted by id
   * @param from the start of the window (the previous flush, or the broker's start)
   * @param to the end of the window (this flush)
   */
  record SessionsUsed(Map<String, Long> uses, Instant from, Instant to) implements Event {
    public SessionsUsed {
      uses = Collections.unmodifiableMap(new TreeMap<>(uses));
    }
  }
}
