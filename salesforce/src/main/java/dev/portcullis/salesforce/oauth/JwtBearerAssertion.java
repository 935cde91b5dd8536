package dev.portcullis.salesforce.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds and signs the assertion of Salesforce's OAuth 2.0 JWT bearer flow (RFC 7523; Salesforce
 * Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration").
 *
 * <p>Header {@code {"alg":"RS256","typ":"JWT"}}; claims {@code iss} = the connected app's consumer
 * key, {@code sub} = the Salesforce username, {@code aud} = the authorization server: {@code
 * https://login.salesforce.com}, {@code https://test.salesforce.com} or an Experience Cloud site
 * URL, {@code iat} = now, {@code exp} = now + lifetime in seconds, and a random {@code jti}.
 * Salesforce wants {@code exp} "within 3 minutes", so a longer lifetime is refused here rather than
 * at Salesforce.
 *
 * <p>Each {@link #sign()} makes a fresh assertion (new {@code iat}, {@code exp}, {@code jti}). The
 * signed string is a credential: never log it. {@link #toString()} names no key material.
 */
public final class JwtBearerAssertion {
  /** The longest lifetime Salesforce accepts for an assertion. */
  public static final Duration MAX_LIFETIME = Duration.ofMinutes(3);

  private final String consumerKey;
  private final String username;
  private final String audience;
  private final RSASSASigner signer;
  private final Clock clock;
  private final Duration lifetime;

  /**
   * @param consumerKey the connected app's (or external client app's) consumer key: {@code iss}
   * @param username the Salesforce username of the integration user: {@code sub}
   * @param audience the authorization server, e.g. {@code https://login.salesforce.com}: {@code aud}
   * @param privateKey the RSA key whose certificate is uploaded to the connected app
   * @param clock the source of {@code iat} and {@code exp}
   * @param lifetime {@code exp - iat}, positive and at most {@link #MAX_LIFETIME}
   * @throws IllegalArgumentException when an argument is blank, the audience is not an absolute
   *     http(s) URL, the key is not RSA of at least 2048 bits, or the lifetime is out of range
   */
  public JwtBearerAssertion(
      String consumerKey, String username, String audience, PrivateKey privateKey, Clock clock, Duration lifetime) {
    this.consumerKey = requireText(consumerKey, "consumerKey");
    this.username = requireText(username, "username");
    this.audience = requireHttpUrl(audience);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "assertion lifetime " + lifetime + " is out of range: Salesforce accepts at most " + MAX_LIFETIME.toSeconds() + " seconds");
    }
    Objects.requireNonNull(privateKey, "privateKey");
    if (!(privateKey instanceof RSAKey rsa) || !"RSA".equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException(
          "the JWT bearer flow signs with RS256 and needs an RSA private key, not " + privateKey.getAlgorithm());
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < PrivateKeys.MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          "the RSA key has " + bits + " bits; at least " + PrivateKeys.MIN_RSA_BITS + " are required");
    }
    this.signer = new RSASSASigner(privateKey);
  }

  /** An assertion valid for {@link #MAX_LIFETIME}. */
  public JwtBearerAssertion(String consumerKey, String username, String audience, PrivateKey privateKey, Clock clock) {
    this(consumerKey, username, audience, privateKey, clock, MAX_LIFETIME);
  }

  /** Signs a fresh assertion and returns its compact serialization. */
  public String sign() {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(consumerKey)
            .subject(username)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing the JWT bearer assertion with RS256 failed", e);
    }
    return jwt.serialize();
  }

  /** The {@code aud} claim. */
  public String audience() {
    return audience;
  }

  @Override
  public String toString() {
    return "JwtBearerAssertion[iss=" + consumerKey + ", sub=" + username + ", aud=" + audience
        + ", lifetime=" + lifetime.toSeconds() + "s, key=(redacted)]";
  }

  static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static String requireHttpUrl(String audience) {
    requireText(audience, "audience");
    URI uri;
    try {
      uri = URI.create(audience);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("audience '" + audience + "' is not a URL", e);
    }
    if (!uri.isAbsolute() || uri.getHost() == null
        || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "audience '" + audience + "' must be an absolute https URL such as https://login.salesforce.com");
    }
    return audience;
  }
}
