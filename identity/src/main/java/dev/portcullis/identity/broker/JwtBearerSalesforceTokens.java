package dev.portcullis.identity.broker;

import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@link SalesforceTokens} through Salesforce's OAuth 2.0 JWT bearer flow (RFC 7523; Salesforce
 * Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"): for each integration user of
 * each org, the consumer key of the connected app (or external client app) and the RSA private key
 * whose certificate is uploaded to it.
 *
 * <p>{@link #obtain} signs a fresh assertion ({@code iss} = consumer key, {@code sub} = the
 * username, {@code aud} = the org's login URL, a new {@code jti}, three minutes of life) and
 * exchanges it at {@code {loginUrl}/services/oauth2/token}: every call is a new login and a new
 * token. {@link #revoke} posts the token to {@code {instanceUrl}/services/oauth2/revoke}. Failures
 * are {@code SalesforceException}s with the OAuth error and where it happened; no message carries
 * a token or an assertion. Thread-safe.
 */
public final class JwtBearerSalesforceTokens implements SalesforceTokens {

  private final JwtBearerTokenClient client;
  private final Clock clock;
  private final Map<UserKey, Credentials> credentials;

  /** Salesforce usernames are not case-sensitive. */
  private record UserKey(String orgAlias, String username) {
    static UserKey of(String orgAlias, String username) {
      return new UserKey(orgAlias, username.toLowerCase(Locale.ROOT));
    }
  }

  private record Credentials(String consumerKey, PrivateKey privateKey) {
    @Override
    public String toString() {
      return "Credentials[consumerKey=" + consumerKey + ", privateKey=(redacted)]";
    }
  }

  private JwtBearerSalesforceTokens(Builder builder) {
    this.client = builder.client;
    this.clock = builder.clock;
    this.credentials = Map.copyOf(builder.credentials);
  }

  /**
   * @param client talks to the token and revoke endpoints
   * @param clock the source of the assertions' {@code iat} and {@code exp}
   */
  public static Builder builder(JwtBearerTokenClient client, Clock clock) {
    return new Builder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * A new access token for {@code user} in {@code org}.
   *
   * @throws IllegalArgumentException when no credentials are configured for this org and user
   * @throws dev.portcullis.salesforce.SalesforceException when Salesforce refuses or cannot be reached
   */
  @Override
  public AccessToken obtain(IntegrationUser user, OrgTarget org) {
    Credentials found = credentials.get(UserKey.of(org.alias(), user.username()));
    if (found == null) {
      throw new IllegalArgumentException("no JWT bearer credentials (consumer key and private key) for integration"
          + " user " + user.username() + " of org " + org.alias());
    }
    JwtBearerAssertion assertion = new JwtBearerAssertion(found.consumerKey(), user.username(), audience(org),
        found.privateKey(), clock);
    return client.requestToken(assertion);
  }

  /** Revokes {@code token} at its instance ({@code POST {instanceUrl}/services/oauth2/revoke}). */
  @Override
  public void revoke(OrgTarget org, AccessToken token) {
    client.revoke(token.instanceUrl(), token.accessToken());
  }

  /** The login URL as Salesforce wants it in {@code aud}: {@code https://login.salesforce.com}, no trailing slash. */
  private static String audience(OrgTarget org) {
    String url = org.loginUrl().toString();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Collects the credentials of each integration user. */
  public static final class Builder {
    private final JwtBearerTokenClient client;
    private final Clock clock;
    private final Map<UserKey, Credentials> credentials = new LinkedHashMap<>();

    private Builder(JwtBearerTokenClient client, Clock clock) {
      this.client = client;
      this.clock = clock;
    }

    /**
     * The credentials of integration user {@code username} of the org {@code orgAlias}.
     *
     * @param consumerKey the connected app's consumer key (the assertion's {@code iss})
     * @param privateKey the RSA key (2048 bits or more) whose certificate is uploaded to the app
     * @throws IllegalArgumentException when a value is blank, the key is not RSA of at least 2048
     *     bits, or the org and user were given before
     */
    public Builder user(String orgAlias, String username, String consumerKey, PrivateKey privateKey) {
      requireText(orgAlias, "org alias");
      requireText(username, "username");
      requireText(consumerKey, "consumer key of " + username + " in org " + orgAlias);
      Objects.requireNonNull(privateKey, "privateKey");
      try {
        // Checks the key now, at configuration, rather than at the first exchange.
        new JwtBearerAssertion(consumerKey, username, "https://login.salesforce.com", privateKey, clock);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("integration user " + username + " of org " + orgAlias + ": "
            + e.getMessage(), e);
      }
      if (credentials.putIfAbsent(UserKey.of(orgAlias, username), new Credentials(consumerKey, privateKey)) != null) {
        throw new IllegalArgumentException("integration user " + username + " of org " + orgAlias
            + " is configured twice");
      }
      return this;
    }

    public JwtBearerSalesforceTokens build() {
      return new JwtBearerSalesforceTokens(this);
    }

    private static void requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
    }
  }
}
