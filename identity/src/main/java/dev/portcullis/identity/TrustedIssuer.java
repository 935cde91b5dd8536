package dev.portcullis.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An OIDC issuer whose identity tokens are accepted, and how they are checked.
 *
 * @param issuer the exact {@code iss} value (compared byte for byte, no normalisation)
 * @param jwksUri where the issuer publishes its signing keys; taken as configured, never discovered
 *     and never taken from a token header
 * @param audiences the allowed {@code aud} values; a token must name at least one
 * @param algorithms the allowed JWS algorithms (RS256, RS384, RS512, PS256, PS384, PS512, ES256,
 *     ES384, ES512); never {@code none}, never an HMAC algorithm
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenAge how long after {@code iat} a token is still accepted
 * @param dialect whose claim names {@link Principal#ciRun()} reads
 */
public record TrustedIssuer(
    String issuer,
    URI jwksUri,
    Set<String> audiences,
    Set<String> algorithms,
    Duration clockSkew,
    Duration maxTokenAge,
    Dialect dialect) {

  /** GitHub Actions' issuer. */
  public static final String GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
  /** GitLab.com's issuer (self-managed instances use their own URL). */
  public static final String GITLAB_COM_ISSUER = "https://gitlab.com";
  /** RS256 and ES256, what GitHub and GitLab sign with and what most issuers offer. */
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256");
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofHours(1);

  static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  /** Whose claim vocabulary an issuer speaks. */
  public enum Dialect {
    /** GitHub Actions: repository, ref, sha, workflow, job_workflow_ref, run_id, run_attempt, actor, environment. */
    GITHUB_ACTIONS,
    /** GitLab CI id_tokens: project_path, ref, ref_protected, sha, pipeline_id, job_id, user_login, environment. */
    GITLAB,
    /** Any other issuer: only the registered claims are interpreted. */
    GENERIC
  }

  public TrustedIssuer {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(maxTokenAge, "maxTokenAge");
    Objects.requireNonNull(dialect, "dialect");
    audiences = Set.copyOf(Objects.requireNonNull(audiences, "audiences"));
    algorithms = Set.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
    requireSecureUrl("issuer", URI.create(issuer));
    requireSecureUrl("jwksUri", jwksUri);
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("trusted issuer " + issuer + ": at least one allowed audience is required");
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("trusted issuer " + issuer + ": at least one algorithm is required");
    }
    for (String alg : algorithms) {
      String upper = alg.toUpperCase(Locale.ROOT);
      if (upper.equals("NONE") || upper.startsWith("HS")) {
        throw new IllegalArgumentException("trusted issuer " + issuer + ": algorithm '" + alg
            + "' is never allowed (unsigned and HMAC tokens cannot prove an issuer)");
      }
      if (!SUPPORTED_ALGORITHMS.contains(alg)) {
        throw new IllegalArgumentException("trusted issuer " + issuer + ": unsupported algorithm '" + alg
            + "' (supported: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512)");
      }
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("trusted issuer " + issuer + ": clock skew must lie between 0 and 10 minutes, not " + clockSkew);
    }
    if (maxTokenAge.isNegative() || maxTokenAge.isZero()) {
      throw new IllegalArgumentException("trusted issuer " + issuer + ": maximum token age must be positive, not " + maxTokenAge);
    }
  }

  /** GitHub Actions ({@code https://token.actions.githubusercontent.com}, JWKS at {@code /.well-known/jwks}). */
  public static TrustedIssuer githubActions(Set<String> audiences) {
    return of(GITHUB_ACTIONS_ISSUER, URI.create(GITHUB_ACTIONS_ISSUER + "/.well-known/jwks"), audiences)
        .withDialect(Dialect.GITHUB_ACTIONS);
  }

  /** A GitLab instance ({@code https://gitlab.com} or self-managed; JWKS at {@code /oauth/discovery/keys}). */
  public static TrustedIssuer gitlab(String instanceUrl, Set<String> audiences) {
    return of(instanceUrl, URI.create(instanceUrl + "/oauth/discovery/keys"), audiences).withDialect(Dialect.GITLAB);
  }

  /** Any issuer, with the default algorithms, clock skew and maximum token age. */
  public static TrustedIssuer of(String issuer, URI jwksUri, Set<String> audiences) {
    return new TrustedIssuer(issuer, jwksUri, audiences, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_TOKEN_AGE, Dialect.GENERIC);
  }

  public TrustedIssuer withJwksUri(URI jwksUri) {
    return new TrustedIssuer(issuer, jwksUri, audiences, algorithms, clockSkew, maxTokenAge, dialect);
  }

  public TrustedIssuer withAlgorithms(Set<String> algorithms) {
    return new TrustedIssuer(issuer, jwksUri, audiences, algorithms, clockSkew, maxTokenAge, dialect);
  }

  public TrustedIssuer withClockSkew(Duration clockSkew) {
    return new TrustedIssuer(issuer, jwksUri, audiences, algorithms, clockSkew, maxTokenAge, dialect);
  }

  public TrustedIssuer withMaxTokenAge(Duration maxTokenAge) {
    return new TrustedIssuer(issuer, jwksUri, audiences, algorithms, clockSkew, maxTokenAge, dialect);
  }

  public TrustedIssuer withDialect(Dialect dialect) {
    return new TrustedIssuer(issuer, jwksUri, audiences, algorithms, clockSkew, maxTokenAge, dialect);
  }

  /** HTTPS, or plain HTTP to a loopback address (local test issuers such as orgsim's). */
  private static void requireSecureUrl(String what, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost();
    boolean loopback = host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1") || host.equals("localhost");
    if (!(scheme.equals("https") || (scheme.equals("http") && loopback)) || host.isEmpty()) {
      throw new IllegalArgumentException(what + " '" + uri + "' must be an https URL (http only to a loopback address)");
    }
    if (uri.getRawFragment() != null || (what.equals("issuer") && uri.getRawQuery() != null)) {
      throw new IllegalArgumentException(what + " '" + uri + "' must have no " + (what.equals("issuer") ? "query or " : "") + "fragment");
    }
  }
}
