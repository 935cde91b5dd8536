package dev.portcullis.identity.broker;

import dev.portcullis.salesforce.oauth.AccessToken;

/**
 * Where the broker gets Salesforce access tokens: in production the OAuth 2.0 JWT bearer flow
 * ({@code JwtBearerTokenClient}) with the integration user's key; in tests orgsim or a fake.
 * Every call to {@link #obtain} must return a NEW token: the broker never shares one between sessions.
 */
public interface SalesforceTokens {

  /**
   * A new access token for {@code user} in {@code org}.
   *
   * @throws RuntimeException when Salesforce refuses or cannot be reached; the message must not contain a token
   */
  AccessToken obtain(IntegrationUser user, OrgTarget org);

  /**
   * Revokes {@code token} at Salesforce ({@code /services/oauth2/revoke}).
   *
   * @throws RuntimeException when the revocation fails; the broker logs it (without the token) and goes on
   */
  void revoke(OrgTarget org, AccessToken token);
}
