package dev.portcullis.salesforce.oauth;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A Salesforce access token and what came with it from {@code /services/oauth2/token}.
 *
 * <p>The response fields (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server
 * Integration"): {@code access_token}, {@code instance_url}, {@code id} (the identity URL {@code
 * …/id/<orgId>/<userId>}), {@code token_type}, {@code scope} and, in some flows, {@code issued_at}
 * (epoch milliseconds as a string). The JWT bearer flow returns no refresh token and no expiry.
 *
 * <p>{@link #toString()} redacts the token.
 *
 * @param accessToken the bearer token; a credential, never log it
 * @param instanceUrl where REST calls go, e.g. {@code https://acme.my.salesforce.com}
 * @param identityUrl the {@code id} field
 * @param tokenType normally {@code Bearer}, or null when absent
 * @param scope space-separated scopes, or null when absent
 * @param issuedAt from {@code issued_at}, or null when absent
 * @param orgId the org id from the identity URL ({@code 00D…})
 * @param userId the user id from the identity URL ({@code 005…})
 */
public record AccessToken(
    String accessToken,
    URI instanceUrl,
    URI identityUrl,
    String tokenType,
    String scope,
    Instant issuedAt,
    String orgId,
    String userId) {

  public AccessToken {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    Objects.requireNonNull(identityUrl, "identityUrl");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(userId, "userId");
  }

  @Override
  public String toString() {
    return "AccessToken[accessToken=(redacted), instanceUrl=" + instanceUrl + ", identityUrl=" + identityUrl
        + ", tokenType=" + tokenType + ", scope=" + scope + ", issuedAt=" + issuedAt
        + ", orgId=" + orgId + ", userId=" + userId + "]";
  }
}
