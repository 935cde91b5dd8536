package dev.portcullis.salesforce.oauth;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Talks to Salesforce's OAuth 2.0 endpoints: exchanges a JWT bearer assertion for an access token,
 * and revokes tokens.
 *
 * <p>Token request (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server
 * Integration"): {@code POST {loginUrl}/services/oauth2/token}, {@code
 * application/x-www-form-urlencoded}, {@code
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>}; no client secret. The
 * login URL is {@code https://login.salesforce.com}, {@code https://test.salesforce.com} or the
 * org's My Domain.
 *
 * <p>Revocation (Salesforce Help, "Revoke OAuth Tokens"): {@code POST
 * {url}/services/oauth2/revoke}, form-encoded {@code token=…}; 200 on success, 400 with {@code
 * unsupported_token_type} or {@code invalid_token} otherwise.
 *
 * <p>The client never retries and never follows redirects (that depends on the injected {@link
 * HttpClient}, whose default is not to). Thread-safe.
 */
public final class JwtBearerTokenClient {
  /** The {@code grant_type} of RFC 7523 §2.1. */
  public static final String JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** OAuth responses are small; a larger body is not Salesforce's. */
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpClient httpClient;
  private final Duration requestTimeout;

  /**
   * @param httpClient the client to send with; its connect timeout, TLS and redirect policy apply
   * @param requestTimeout the longest wait for a complete response to one request
   */
  public JwtBearerTokenClient(HttpClient httpClient, Duration requestTimeout) {
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /**
   * Exchanges a signed assertion for an access token.
   *
   * @param loginUrl e.g. {@code https://login.salesforce.com} or the My Domain URL; a trailing
   *     slash is allowed
   * @param assertion the compact JWT from {@link JwtBearerAssertion#sign()}
   * @throws SalesforceException with an {@code OAUTH_*} code when Salesforce refuses, {@code
   *     PROTOCOL_BAD_RESPONSE} when the answer lacks {@code access_token}, {@code instance_url} or
   *     {@code id}, {@code SERVER_ERROR} or a {@code TRANSPORT_*} code otherwise
   */
  public AccessToken requestToken(URI loginUrl, String assertion) {
    JwtBearerAssertion.requireText(assertion, "assertion");
    URI endpoint = endpoint(loginUrl, "/services/oauth2/token");
    String form = "grant_type=" + encode(JWT_BEARER_GRANT) + "&assertion=" + encode(assertion);
    Answer answer = post(endpoint, form);
    if (answer.status() == 200) {
      return TokenResponses.parseToken(answer.body(), answer.where());
    }
    throw TokenResponses.error(answer.status(), answer.body(), answer.where());
  }

  /** Signs a fresh assertion and exchanges it; the login URL is the assertion's audience. */
  public AccessToken requestToken(JwtBearerAssertion assertion) {
    return requestToken(URI.create(assertion.audience()), assertion.sign());
  }

  /**
   * Revokes an access or refresh token.
   *
   * @param instanceOrLoginUrl the org's instance (My Domain) URL or its login URL
   * @param token the token to revoke
   * @throws SalesforceException {@code OAUTH_INVALID_TOKEN} or {@code
   *     OAUTH_UNSUPPORTED_TOKEN_TYPE} when Salesforce refuses, a {@code TRANSPORT_*} code when it
   *     cannot be reached
   */
  public void revoke(URI instanceOrLoginUrl, String token) {
    JwtBearerAssertion.requireText(token, "token");
    URI endpoint = endpoint(instanceOrLoginUrl, "/services/oauth2/revoke");
    Answer answer = post(endpoint, "token=" + encode(token));
    if (answer.status() != 200) {
      throw TokenResponses.error(answer.status(), answer.body(), answer.where());
    }
  }

  private record Answer(int status, String body, String where) {}

  private Answer post(URI endpoint, String form) {
    String where = "POST " + endpoint;
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(requestTimeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form, UTF_8))
            .build();
    try {
      HttpResponse<InputStream> response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw new SalesforceException(
              SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
              "response body larger than " + MAX_BODY_BYTES + " bytes (" + where + ", HTTP " + response.statusCode() + ")",
              response.statusCode(), List.of(), null);
        }
        return new Answer(response.statusCode(), new String(bytes, UTF_8), where);
      }
    } catch (IOException e) {
      throw SalesforceException.transportFailure("POST", endpoint, e);
    } catch (InterruptedException e) {
      throw SalesforceException.interrupted("POST", endpoint, e);
    }
  }

  /** {@code base} without query, fragment or user info, with {@code path} appended. */
  static URI endpoint(URI base, String path) {
    Objects.requireNonNull(base, "url");
    String scheme = base.getScheme();
    if (!base.isAbsolute() || base.getHost() == null
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "'" + base + "' is not a Salesforce login or instance URL such as https://login.salesforce.com");
    }
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    while (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    return URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + base.getRawAuthority() + basePath + path);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, UTF_8);
  }
}
