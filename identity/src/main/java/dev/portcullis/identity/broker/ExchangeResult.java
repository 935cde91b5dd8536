package dev.portcullis.identity.broker;

import dev.portcullis.identity.IdentityErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a token exchange answered: a session, or a refusal with its OAuth error. */
public sealed interface ExchangeResult {

  /**
   * A session was issued.
   *
   * @param sessionId {@code ses_…}
   * @param accessToken the session token ({@code <orgId>!<random>}, see {@code SessionTokens}); returned
   *     once to the caller, never stored or logged
   * @param expiresIn the session's lifetime in whole seconds (at least one)
   * @param scopes the granted scopes, sorted
   * @param decisionId the policy decision that allowed it
   */
  record Issued(String sessionId, String accessToken, long expiresIn, List<String> scopes, String decisionId)
      implements ExchangeResult {
    public Issued {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(accessToken, "accessToken");
      scopes = List.copyOf(scopes);
      Objects.requireNonNull(decisionId, "decisionId");
    }

    /** The granted scopes as the {@code scope} response field: space-separated. */
    public String scope() {
      return String.join(" ", scopes);
    }

    public Duration lifetime() {
      return Duration.ofSeconds(expiresIn);
    }

    @Override
    public String toString() {
      return "Issued[sessionId=" + sessionId + ", accessToken=(redacted), expiresIn=" + expiresIn
          + ", scopes=" + scopes + ", decisionId=" + decisionId + "]";
    }
  }

  /**
   * No session: the RFC 6749 / 8693 error and why.
   *
   * @param error the {@code error} value
   * @param description the {@code error_description}: what was wrong, for people
   * @param identityErrorCode for {@link OAuthError#INVALID_GRANT} from a failed subject token, its code
   * @param decisionId when policy decided, the decision's id
   * @param reasons the policy reasons when policy denied; empty otherwise
   */
  record Refused(
      OAuthError error,
      String description,
      Optional<IdentityErrorCode> identityErrorCode,
      Optional<String> decisionId,
      List<String> reasons) implements ExchangeResult {
    public Refused {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(identityErrorCode, "identityErrorCode");
      Objects.requireNonNull(decisionId, "decisionId");
      reasons = List.copyOf(reasons);
    }
  }
}
