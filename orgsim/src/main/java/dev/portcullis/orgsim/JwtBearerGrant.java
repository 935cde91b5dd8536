package dev.portcullis.orgsim;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.orgsim.OrgData.Row;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OAuth 2.0 JWT bearer grant (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for
 * Server-to-Server Integration", remoteaccess_oauth_jwt_flow.htm; RFC 7523), with the error
 * answers of "OAuth 2.0 Flow Errors" (remoteaccess_oauth_flow_errors.htm).
 *
 * <p>Checks, in order: the assertion parses and is RS256 ({@code invalid assertion}); {@code iss}
 * is the connected app's consumer key ({@code invalid_client_id}); the signature verifies with the
 * registered certificate ({@code invalid assertion}); {@code aud} is this org's URL (with or
 * without a trailing slash) or the standard login URL of the org's environment — production
 * {@code https://login.salesforce.com}, sandbox {@code https://test.salesforce.com}, never the
 * other ({@code audience is invalid}); {@code exp} lies in the future ({@code expired
 * authorization code}, Salesforce's wording even for JWTs); the assertion was not used before
 * ({@code invalid assertion}); {@code sub} is a known ({@code user hasn't approved this
 * consumer}), active ({@code inactive user}) and pre-authorized user.
 *
 * <p>The {@code exp} rule. Salesforce documents exp as NumericDate seconds "within 3 minutes",
 * yet sfdx-core sends {@code Date.now() + 300}, milliseconds, and Salesforce accepts that. So an
 * {@code exp} above 10^11 (year 5138 in seconds) is read as milliseconds; such an assertion is
 * expired when exp lies more than three minutes (clock skew) in the past, since sf's own lifetime
 * is only 300 ms. An exp in seconds is expired when not after now, and rejected as {@code
 * invalid assertion} when it lies further out than the org's {@code maxAssertionLifetime}
 * (default 10 minutes, lenient against the documented 3). A used assertion (same text, or same
 * {@code jti}) is remembered until its exp plus the skew has passed.
 */
final class JwtBearerGrant {
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final long MILLISECOND_THRESHOLD = 100_000_000_000L;
  private static final Duration SKEW = Duration.ofMinutes(3);

  private final OrgState org;
  private final Map<String, Instant> used = new HashMap<>();

  JwtBearerGrant(OrgState org) {
    this.org = org;
  }

  /** Exchanges the assertion for a token response, or throws {@link OAuthException}. */
  Map<String, Object> exchange(String assertion) {
    if (assertion == null || assertion.isEmpty()) {
      throw invalidAssertion();
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalidAssertion();
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw invalidAssertion();
    }
    if (org.spec.consumerKey() == null || !org.spec.consumerKey().equals(claims.getIssuer())) {
      throw new OAuthException("invalid_client_id", "client identifier invalid");
    }
    try {
      if (org.spec.certificate() == null
          || !(org.spec.certificate().getPublicKey() instanceof RSAPublicKey key)
          || !jwt.verify(new RSASSAVerifier(key))) {
        throw invalidAssertion();
      }
    } catch (JOSEException e) {
      throw invalidAssertion();
    }
    if (claims.getAudience().isEmpty() || !claims.getAudience().stream().allMatch(this::audienceAccepted)) {
      throw new OAuthException("invalid_grant", "audience is invalid");
    }
    Instant now = org.clock.instant();
    if (claims.getExpirationTime() == null) {
      throw invalidAssertion();
    }
    long rawExp = claims.getExpirationTime().getTime() / 1000;
    Instant keepUntil;
    if (rawExp > MILLISECOND_THRESHOLD) {
      Instant exp = Instant.ofEpochMilli(rawExp);
      if (exp.plus(SKEW).isBefore(now)) {
        throw new OAuthException("invalid_grant", "expired authorization code");
      }
      keepUntil = exp.plus(SKEW);
    } else {
      Instant exp = Instant.ofEpochSecond(rawExp);
      if (!exp.isAfter(now)) {
        throw new OAuthException("invalid_grant", "expired authorization code");
      }
      if (exp.isAfter(now.plus(org.spec.maxAssertionLifetime()))) {
        throw invalidAssertion();
      }
      keepUntil = exp.plus(SKEW);
    }
    checkReplay(assertion, claims.getJWTID(), now, keepUntil);
    String username = claims.getSubject();
    Row user;
    synchronized (org.data) {
      user = username == null ? null : org.data.findUser(username).orElse(null);
    }
    if (user == null) {
      throw new OAuthException("invalid_grant", "user hasn't approved this consumer");
    }
    if (!Boolean.TRUE.equals(user.values.get("IsActive"))) {
      throw new OAuthException("invalid_grant", "inactive user");
    }
    if (!org.preAuthorized.contains(((String) user.values.get("Username")).toLowerCase(Locale.ROOT))) {
      throw new OAuthException("invalid_grant", "user hasn't approved this consumer");
    }
    return tokenResponse(user.id());
  }

  /**
   * The org's own URL (also when spelled with {@code localhost} for the loopback address, as a
   * user typing {@code --instance-url http://localhost:PORT} would), or the environment's standard
   * login URL; a trailing slash is ignored.
   */
  private boolean audienceAccepted(String aud) {
    String trimmed = aud.endsWith("/") ? aud.substring(0, aud.length() - 1) : aud;
    if (trimmed.equals(org.url()) || trimmed.equals(org.spec.environment().standardLoginUrl())) {
      return true;
    }
    URI own = URI.create(org.url());
    URI given;
    try {
      given = new URI(trimmed);
    } catch (URISyntaxException e) {
      return false;
    }
    return "http".equalsIgnoreCase(given.getScheme()) && given.getPort() == own.getPort()
        && (given.getPath() == null || given.getPath().isEmpty())
        && isLoopback(own.getHost()) && isLoopback(given.getHost());
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  private synchronized void checkReplay(String assertion, String jti, Instant now, Instant keepUntil) {
    used.values().removeIf(until -> until.isBefore(now));
    String assertionKey = "a:" + sha256(assertion);
    String jtiKey = jti == null ? null : "j:" + jti;
    if (used.containsKey(assertionKey) || (jtiKey != null && used.containsKey(jtiKey))) {
      throw invalidAssertion();
    }
    used.put(assertionKey, keepUntil);
    if (jtiKey != null) {
      used.put(jtiKey, keepUntil);
    }
  }

  private Map<String, Object> tokenResponse(String userId) {
    String token = org.sessions.issue(userId);
    String id = org.url() + "/id/" + org.orgId + "/" + userId;
    String issuedAt = Long.toString(org.clock.millis());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("scope", "api id web openid");
    body.put("instance_url", org.instanceUrl());
    body.put("id", id);
    body.put("token_type", "Bearer");
    body.put("issued_at", issuedAt);
    body.put("signature", signature(id + issuedAt));
    return body;
  }

  /** Base64 HMAC-SHA256 over id + issued_at, keyed with the app's secret, as Salesforce documents. */
  private String signature(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(org.signingSecret, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OAuthException invalidAssertion() {
    return new OAuthException("invalid_grant", "invalid assertion");
  }
}
