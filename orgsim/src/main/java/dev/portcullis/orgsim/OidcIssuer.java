package dev.portcullis.orgsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated OIDC issuer, GitHub-Actions-shaped or GitLab-shaped for CI runs, or a people's
 * identity provider (the kind approvers log in with): it mints signed identity tokens with the
 * provider's documented claim set, serves its JWKS and discovery document (through
 * {@link OidcIssuerSimulator}), and rotates keys. A test double: the private keys live in memory
 * and anyone who can reach the simulator's token endpoint can mint tokens.
 *
 * <p>Claim sets follow the providers' documentation:
 *
 * <ul>
 *   <li>GitHub: "OpenID Connect reference", https://docs.github.com/en/actions/reference/security/oidc
 *       (standard claims {@code iss sub aud exp iat jti nbf}; custom claims {@code actor actor_id
 *       base_ref environment event_name head_ref job_workflow_ref job_workflow_sha ref ref_type
 *       repository repository_id repository_owner repository_owner_id repository_visibility run_attempt
 *       run_id run_number runner_environment sha workflow workflow_ref workflow_sha}; ids and counters
 *       are JSON strings; the documented example has {@code nbf} 600 s before {@code iat} and
 *       {@code exp} 300 s after it).
 *   <li>GitLab: "OpenID Connect (OIDC) Authentication Using ID Tokens",
 *       https://docs.gitlab.com/ci/secrets/id_token_authentication/ ({@code namespace_id
 *       namespace_path project_id project_path user_id user_login user_email user_access_level
 *       pipeline_id pipeline_source job_id ref ref_type ref_path ref_protected environment
 *       environment_protected deployment_tier environment_action runner_id runner_environment sha
 *       ci_config_ref_uri ci_config_sha}; ids and booleans are JSON strings, e.g. {@code
 *       "ref_protected": "true"}; the documented example has {@code nbf} 5 s before {@code iat} and
 *       {@code exp} an hour after it).
 *   <li>People: an OpenID Connect ID token (OpenID Connect Core 1.0, section 2: {@code iss sub aud
 *       exp iat auth_time amr}; section 5.1 standard claims {@code name preferred_username email
 *       email_verified}), valid for an hour as workforce identity providers issue them. The default
 *       person is {@link #DEFAULT_PERSON}; {@code portcullis demo person-token --user NAME} overrides
 *       {@code sub}, {@code preferred_username}, {@code name} and {@code email}.
 * </ul>
 *
 * <p>Keys: {@link #rotateKey()} adds a key with a new {@code kid} and signs with it from then on;
 * older keys stay in the JWKS (as providers publish a key before and after its use) until {@link
 * #retireOldKeys()}. Thread-safe.
 */
public final class OidcIssuer {
  /** The provider a simulated issuer imitates. */
  public enum Shape {
    /** GitHub Actions: JWKS at {@code /.well-known/jwks}. */
    GITHUB_ACTIONS("github", "/.well-known/jwks"),
    /** GitLab CI {@code id_tokens}: JWKS at {@code /oauth/discovery/keys}. */
    GITLAB("gitlab", "/oauth/discovery/keys"),
    /** A people's identity provider (ID tokens of persons): JWKS at {@code /.well-known/jwks.json}. */
    PEOPLE("people", "/.well-known/jwks.json");

    private final String pathSegment;
    private final String jwksPath;

    Shape(String pathSegment, String jwksPath) {
      this.pathSegment = pathSegment;
      this.jwksPath = jwksPath;
    }

    /** The path segment under which the simulator serves this issuer ({@code github}, {@code gitlab}). */
    public String pathSegment() {
      return pathSegment;
    }

    /** The JWKS path relative to the issuer URL. */
    public String jwksPath() {
      return jwksPath;
    }
  }

  /** The person a {@link Shape#PEOPLE} token names unless overridden. */
  public static final String DEFAULT_PERSON = "bob";

  private final Shape shape;
  private final JWSAlgorithm algorithm;
  private final Clock clock;
  private final String defaultAudience;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private volatile String issuer;
  private volatile boolean available = true;
  // Guarded by this: the published keys, oldest first; the last one signs.
  private final List<JWK> keys = new ArrayList<>();
  private JWSSigner signer;

  OidcIssuer(Shape shape, JWSAlgorithm algorithm, Clock clock, String defaultAudience) {
    this.shape = shape;
    this.algorithm = algorithm;
    this.clock = clock;
    this.defaultAudience = defaultAudience;
    rotateKey();
  }

  void issuer(String issuer) {
    this.issuer = issuer;
  }

  public Shape shape() {
    return shape;
  }

  /** The issuer URL, the {@code iss} of every minted token (a loopback URL). */
  public String issuer() {
    return issuer;
  }

  /** Where this issuer serves its JWKS. */
  public URI jwksUri() {
    return URI.create(issuer + shape.jwksPath());
  }

  /** Where this issuer serves its OpenID discovery document. */
  public URI discoveryUri() {
    return URI.create(issuer + "/.well-known/openid-configuration");
  }

  /** The {@code aud} of minted tokens unless overridden. */
  public String defaultAudience() {
    return defaultAudience;
  }

  /** The JWS algorithm this issuer signs with (RS256 unless the simulator was built otherwise). */
  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /** The {@code kid} of the key that signs new tokens. */
  public synchronized String currentKid() {
    return keys.getLast().getKeyID();
  }

  /** The published JWKS (public keys only). */
  public synchronized JWKSet jwks() {
    return new JWKSet(keys.stream().map(JWK::toPublicJWK).toList());
  }

  /** How many times the JWKS was fetched. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** How many times the discovery document was fetched. */
  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /** While false, the JWKS and discovery endpoints answer 503 (an issuer outage). */
  public void available(boolean available) {
    this.available = available;
  }

  boolean available() {
    return available;
  }

  void countJwksRequest() {
    jwksRequests.incrementAndGet();
  }

  void countDiscoveryRequest() {
    discoveryRequests.incrementAndGet();
  }

  /** Adds a key with a new {@code kid}; it signs every token minted from now on. */
  public synchronized String rotateKey() {
    try {
      JWK key;
      if (algorithm.equals(JWSAlgorithm.ES256)) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        key = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
            .privateKey((ECPrivateKey) pair.getPrivate())
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm)
            .keyIDFromThumbprint()
            .build();
        signer = new ECDSASigner((ECKey) key);
      } else if (algorithm.equals(JWSAlgorithm.RS256)) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
            .privateKey((RSAPrivateKey) pair.getPrivate())
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(algorithm)
            .keyIDFromThumbprint()
            .build();
        signer = new RSASSASigner((RSAKey) key);
      } else {
        throw new IllegalStateException("the OIDC issuer simulator signs with RS256 or ES256, not " + algorithm);
      }
      keys.add(key);
      return key.getKeyID();
    } catch (NoSuchAlgorithmException | java.security.InvalidAlgorithmParameterException | JOSEException e) {
      throw new IllegalStateException("cannot generate an issuer key: " + e.getMessage(), e);
    }
  }

  /** Removes every key but the current one from the JWKS. */
  public synchronized void retireOldKeys() {
    JWK current = keys.getLast();
    keys.clear();
    keys.add(current);
  }

  /**
   * Mints a token with the default claims of this issuer's shape, changed by {@code claimOverrides}:
   * an entry replaces the claim, an entry with a {@code null} value removes it.
   */
  public String mint(Map<String, Object> claimOverrides) {
    return mint(Map.of(), claimOverrides);
  }

  /**
   * Mints a token as {@link #mint(Map)} does, with extra or replaced JOSE header parameters (e.g.
   * {@code jku}, {@code x5u}, {@code cty}, {@code kid}; a {@code null} value removes one). The
   * signature is always made with the current key and this issuer's algorithm, whatever {@code alg}
   * the header then claims.
   */
  public String mint(Map<String, Object> headerOverrides, Map<String, Object> claimOverrides) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", algorithm.getName());
    header.put("kid", currentKid());
    header.put("typ", "JWT");
    apply(header, headerOverrides);
    Map<String, Object> claims = defaultClaims();
    apply(claims, claimOverrides);
    return sign(header, claims);
  }

  /** Signs an exact header and claim set with the current key (the header is taken as given). */
  public String sign(Map<String, Object> header, Map<String, Object> claims) {
    return signJson(json(header), json(claims));
  }

  /**
   * Signs exact header and claims JSON texts with the current key, byte for byte as given (for
   * tests of what verifiers do with duplicate members, odd spacing or escapes).
   */
  public synchronized String signJson(String headerJson, String claimsJson) {
    try {
      String signingInput = Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8))
          + "." + Base64URL.encode(claimsJson.getBytes(StandardCharsets.UTF_8));
      Base64URL signature = signer.sign(new JWSHeader(algorithm), signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
    }
  }

  private static void apply(Map<String, Object> target, Map<String, Object> overrides) {
    for (Map.Entry<String, Object> entry : overrides.entrySet()) {
      if (entry.getValue() == null) {
        target.remove(entry.getKey());
      } else {
        target.put(entry.getKey(), entry.getValue());
      }
    }
  }

  private static String json(Map<String, Object> json) {
    try {
      return OrgHandler.JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-serialisable: " + e.getMessage(), e);
    }
  }

  /** The claims a token carries unless overridden: a run on the main branch of acme/salesforce-app. */
  public Map<String, Object> defaultClaims() {
    long now = clock.instant().getEpochSecond();
    byte[] commit = new byte[20];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(commit);
    String sha = HexFormat.of().formatHex(commit);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("jti", UUID.randomUUID().toString());
    switch (shape) {
      case GITHUB_ACTIONS -> {
        c.put("sub", "repo:acme/salesforce-app:environment:production");
        c.put("environment", "production");
        c.put("aud", defaultAudience);
        c.put("ref", "refs/heads/main");
        c.put("sha", sha);
        c.put("repository", "acme/salesforce-app");
        c.put("repository_owner", "acme");
        c.put("actor_id", "12");
        c.put("repository_visibility", "private");
        c.put("repository_id", "74");
        c.put("repository_owner_id", "65");
        c.put("run_id", "7891234560");
        c.put("run_number", "42");
        c.put("run_attempt", "1");
        c.put("runner_environment", "github-hosted");
        c.put("actor", "alice-dev");
        c.put("workflow", "deploy");
        c.put("head_ref", "");
        c.put("base_ref", "");
        c.put("event_name", "push");
        c.put("ref_type", "branch");
        c.put("workflow_ref", "acme/salesforce-app/.github/workflows/deploy.yml@refs/heads/main");
        c.put("workflow_sha", sha);
        c.put("job_workflow_ref", "acme/salesforce-app/.github/workflows/deploy.yml@refs/heads/main");
        c.put("job_workflow_sha", sha);
        c.put("iss", issuer);
        c.put("nbf", now - 600);
        c.put("exp", now + 300);
        c.put("iat", now);
      }
      case GITLAB -> {
        c.put("namespace_id", "72");
        c.put("namespace_path", "acme");
        c.put("project_id", "20");
        c.put("project_path", "acme/salesforce-app");
        c.put("user_id", "5");
        c.put("user_login", "alice-dev");
        c.put("user_email", "alice@acme.example");
        c.put("user_access_level", "developer");
        c.put("pipeline_id", "574");
        c.put("pipeline_source", "push");
        c.put("job_id", "302");
        c.put("ref", "main");
        c.put("ref_type", "branch");
        c.put("ref_path", "refs/heads/main");
        c.put("ref_protected", "true");
        c.put("environment", "production");
        c.put("environment_protected", "true");
        c.put("deployment_tier", "production");
        c.put("environment_action", "start");
        c.put("runner_id", 1);
        c.put("runner_environment", "gitlab-hosted");
        c.put("sha", sha);
        c.put("ci_config_ref_uri", "gitlab.example/acme/salesforce-app//.gitlab-ci.yml@refs/heads/main");
        c.put("ci_config_sha", sha);
        c.put("iss", issuer);
        c.put("iat", now);
        c.put("nbf", now - 5);
        c.put("exp", now + 3600);
        c.put("sub", "project_path:acme/salesforce-app:ref_type:branch:ref:main");
        c.put("aud", defaultAudience);
      }
      case PEOPLE -> {
        c.put("iss", issuer);
        c.put("sub", DEFAULT_PERSON);
        c.put("aud", defaultAudience);
        c.put("iat", now);
        c.put("exp", now + 3600);
        c.put("auth_time", now);
        c.put("amr", List.of("pwd", "mfa"));
        c.put("name", "Bob");
        c.put("preferred_username", DEFAULT_PERSON);
        c.put("email", DEFAULT_PERSON + "@acme.example");
        c.put("email_verified", true);
      }
    }
    return c;
  }

  /** The OpenID Provider Metadata (OpenID Connect Discovery 1.0, section 3) this issuer serves. */
  Map<String, Object> discoveryDocument() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", issuer);
    d.put("jwks_uri", jwksUri().toString());
    d.put("subject_types_supported", List.of("public", "pairwise"));
    d.put("response_types_supported", List.of("id_token"));
    d.put("claims_supported", List.copyOf(defaultClaims().keySet()));
    d.put("id_token_signing_alg_values_supported", List.of(algorithm.getName()));
    d.put("scopes_supported", List.of("openid"));
    return d;
  }

  @Override
  public String toString() {
    return shape.name().toLowerCase(Locale.ROOT) + " OIDC issuer " + issuer;
  }
}
