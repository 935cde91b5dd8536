package dev.portcullis.identity.broker;

import dev.portcullis.identity.IdentityErrorCode;
import dev.portcullis.store.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

  /** A session was revoked through this broker. */
  record SessionRevoked(String sessionId, String orgAlias, String revokedBy, String reason, Instant at)
      implements Event {}

  /** A session's lifetime ended (reported once, by the expiry sweep). */
  record SessionExpired(String sessionId, String orgAlias, Instant expiredAt) implements Event {}
}
