package dev.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies CI OIDC identity tokens (signed JWTs in JWS compact serialisation) from configured
 * issuers and turns them into {@link Principal}s. Thread-safe: one instance serves a whole server.
 *
 * <p>Design. The order of checks is the security argument, so it is fixed and each failure has
 * its own {@link IdentityErrorCode}:
 *
 * <ol>
 *   <li>Shape, before parsing anything: the size limit ({@code TOKEN_TOO_LARGE}); only base64url
 *       characters and dots; five parts is a JWE ({@code NOT_A_JWS}); anything but three parts is
 *       {@code MALFORMED}.
 *   <li>Header: canonical base64url (no padding, no stray bits, so a changed character can never
 *       decode to the same bytes), one JSON object without duplicate member names ({@code
 *       DUPLICATE_CLAIM}); {@code enc} or {@code cty: JWT} is {@code NOT_A_JWS}; {@code alg: none} is
 *       {@code ALG_NONE}; an HMAC {@code alg} is {@code ALG_NOT_ALLOWED} at once, so no HMAC is ever
 *       computed (the RS256-to-HS256 confusion, where the public key becomes the HMAC secret, has
 *       nothing to run on); an empty signature is {@code UNSIGNED}; {@code crit} is refused.
 *   <li>Payload: parsed as strictly; {@code iss} must equal a configured issuer exactly ({@code
 *       UNTRUSTED_ISSUER}). Only now is anything taken from configuration: the issuer's allowed
 *       algorithms, its JWKS, its audiences and clock rules.
 *   <li>Key: the {@code kid} names a key of the issuer's JWKS, fetched from the configured URL only
 *       ({@link IssuerKeys}). Header parameters that point at keys ({@code jku}, {@code x5u},
 *       {@code jwk}, {@code x5c}, {@code x5t}) are never read.
 *   <li>Signature over the exact bytes received ({@code BAD_SIGNATURE}).
 *   <li>Claims, now that they are authentic: {@code sub}, {@code aud}, {@code exp}, {@code nbf},
 *       {@code iat} with the issuer's clock skew and maximum age.
 * </ol>
 *
 * <p>The claims handed to policy come from the strict parse of the signed payload bytes, so what
 * policy reads is exactly what the issuer signed. Messages never contain the token; use {@link
 * #tokenHash(String)} to correlate a failure with a token.
 */
public final class OidcVerifier implements AutoCloseable {
  /** The default maximum token length: 16 KiB (GitHub's and GitLab's tokens are about 1 to 2 KiB). */
  public static final int DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;

  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
  private static final String BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final boolean[] TOKEN_CHARS = new boolean[128];

  static {
    for (char c : BASE64URL_ALPHABET.toCharArray()) {
      TOKEN_CHARS[c] = true;
    }
    TOKEN_CHARS['.'] = true;
  }

  /** The header handed to Nimbus's verifiers: they read only the algorithm (crit was refused earlier). */
  private static final Map<JWSAlgorithm, JWSHeader> HEADERS = TrustedIssuer.SUPPORTED_ALGORITHMS.stream()
      .map(JWSAlgorithm::parse)
      .collect(java.util.stream.Collectors.toUnmodifiableMap(alg -> alg, JWSHeader::new));

  private final Map<String, Issuer> issuers;
  private final Clock clock;
  private final int maxTokenBytes;

  /** A trusted issuer with its keys. */
  private record Issuer(TrustedIssuer config, IssuerKeys keys) {}

  private OidcVerifier(Builder builder) {
    this.clock = builder.clock;
    this.maxTokenBytes = builder.maxTokenBytes;
    Map<String, Issuer> map = new LinkedHashMap<>();
    for (TrustedIssuer issuer : builder.issuers) {
      if (map.containsKey(issuer.issuer())) {
        throw new IllegalArgumentException("trusted issuer " + issuer.issuer() + " is configured twice");
      }
      map.put(issuer.issuer(), new Issuer(issuer, new IssuerKeys(issuer, builder.jwks, clock)));
    }
    if (map.isEmpty()) {
      throw new IllegalArgumentException("an OIDC verifier needs at least one trusted issuer");
    }
    this.issuers = Map.copyOf(map);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies {@code token} and returns its principal.
   *
   * @throws IdentityException with the code of the first check that failed
   */
  public Principal verify(String token) {
    // 1. Shape.
    if (token == null || token.isEmpty()) {
      throw fail(IdentityErrorCode.MALFORMED, "no token");
    }
    if (token.length() > maxTokenBytes) {
      throw fail(IdentityErrorCode.TOKEN_TOO_LARGE, "the token has " + token.length() + " bytes; at most " + maxTokenBytes + " are accepted");
    }
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= 128 || !TOKEN_CHARS[c]) {
        throw fail(IdentityErrorCode.MALFORMED, "the token has a character outside base64url and '.' at offset " + i);
      }
      if (c == '.') {
        dots++;
      }
    }
    if (dots == 4) {
      throw fail(IdentityErrorCode.NOT_A_JWS, "the token has five parts: a JWE, not a signed JWT");
    }
    if (dots != 2) {
      throw fail(IdentityErrorCode.MALFORMED, "the token has " + (dots + 1) + " parts; a signed JWT has three");
    }
    int firstDot = token.indexOf('.');
    int secondDot = token.indexOf('.', firstDot + 1);
    String headerPart = token.substring(0, firstDot);
    String payloadPart = token.substring(firstDot + 1, secondDot);
    String signaturePart = token.substring(secondDot + 1);

    // 2. Header.
    Map<String, Object> header = StrictJson.parseObject(decode(headerPart, "header"), "header");
    if (header.containsKey("enc")) {
      throw fail(IdentityErrorCode.NOT_A_JWS, "the header has 'enc': a JWE, not a signed JWT");
    }
    if (!(header.get("alg") instanceof String algName)) {
      throw fail(IdentityErrorCode.MALFORMED, "the header has no 'alg' string");
    }
    if (algName.equalsIgnoreCase("none")) {
      throw fail(IdentityErrorCode.ALG_NONE, "the header says alg 'none': unsigned tokens are never accepted");
    }
    if (header.get("cty") instanceof String cty && cty.equalsIgnoreCase("JWT")) {
      throw fail(IdentityErrorCode.NOT_A_JWS, "the header says cty 'JWT': a nested JWT, not a signed claims set");
    }
    if (algName.toUpperCase(Locale.ROOT).startsWith("HS")) {
      throw fail(IdentityErrorCode.ALG_NOT_ALLOWED, "the header says alg '" + StrictJson.printable(algName)
          + "': HMAC tokens are never accepted (only the issuer's public-key signatures are)");
    }
    if (signaturePart.isEmpty()) {
      throw fail(IdentityErrorCode.UNSIGNED, "the token has no signature (header.payload.)");
    }
    if (header.containsKey("crit")) {
      throw fail(IdentityErrorCode.UNSUPPORTED_CRITICAL_HEADER, "the header lists critical extensions ('crit'); none are supported");
    }

    // 3. Payload and issuer.
    Map<String, Object> claims = StrictJson.parseObject(decode(payloadPart, "payload"), "payload");
    Object iss = claims.get("iss");
    if (iss == null) {
      throw fail(IdentityErrorCode.MISSING_CLAIM, "the token has no 'iss' claim");
    }
    if (!(iss instanceof String issuerName)) {
      throw fail(IdentityErrorCode.MALFORMED, "the 'iss' claim is not a string");
    }
    Issuer issuer = issuers.get(issuerName);
    if (issuer == null) {
      throw fail(IdentityErrorCode.UNTRUSTED_ISSUER, "the issuer '" + StrictJson.printable(issuerName) + "' is not trusted");
    }
    TrustedIssuer config = issuer.config();
    if (!config.algorithms().contains(algName)) {
      throw fail(IdentityErrorCode.ALG_NOT_ALLOWED, "alg '" + StrictJson.printable(algName) + "' is not allowed for "
          + issuerName + " (allowed: " + String.join(", ", config.algorithms().stream().sorted().toList()) + ")");
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(algName);

    // 4. Key.
    if (!(header.get("kid") instanceof String kid)) {
      throw fail(IdentityErrorCode.UNKNOWN_KID, "the header has no 'kid' string; keys of " + issuerName + " are selected by kid");
    }
    JWSVerifier verifier = issuer.keys().verifierFor(kid, alg);

    // 5. Signature, over the bytes as received.
    requireCanonicalBase64url(signaturePart, "signature"); // Nimbus decodes it; it was checked character by character above
    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    boolean valid;
    try {
      valid = verifier.verify(HEADERS.get(alg), signingInput, new Base64URL(signaturePart));
    } catch (JOSEException e) {
      valid = false;
    }
    if (!valid) {
      throw fail(IdentityErrorCode.BAD_SIGNATURE, "the signature does not verify with key '" + StrictJson.printable(kid)
          + "' of " + issuerName);
    }

    // 6. Claims.
    Object sub = claims.get("sub");
    if (sub == null) {
      throw fail(IdentityErrorCode.MISSING_CLAIM, "the token has no 'sub' claim");
    }
    if (!(sub instanceof String subject) || subject.isEmpty()) {
      throw fail(IdentityErrorCode.MALFORMED, "the 'sub' claim is not a non-empty string");
    }
    checkAudience(claims.get("aud"), config);
    Instant now = clock.instant();
    Duration skew = config.clockSkew();
    long exp = numericDate(claims, "exp", true);
    long iat = numericDate(claims, "iat", true);
    if (!now.isBefore(Instant.ofEpochSecond(exp).plus(skew))) {
      throw fail(IdentityErrorCode.TOKEN_EXPIRED, "the token expired at " + Instant.ofEpochSecond(exp) + " (now " + now
          + ", clock skew " + skew.toSeconds() + " s)");
    }
    if (claims.containsKey("nbf")) {
      long nbf = numericDate(claims, "nbf", false);
      if (now.plus(skew).isBefore(Instant.ofEpochSecond(nbf))) {
        throw fail(IdentityErrorCode.TOKEN_NOT_YET_VALID, "the token is not valid before " + Instant.ofEpochSecond(nbf)
            + " (now " + now + ", clock skew " + skew.toSeconds() + " s)");
      }
    }
    if (now.plus(skew).isBefore(Instant.ofEpochSecond(iat))) {
      throw fail(IdentityErrorCode.ISSUED_IN_FUTURE, "the token was issued at " + Instant.ofEpochSecond(iat)
          + ", in the future (now " + now + ", clock skew " + skew.toSeconds() + " s)");
    }
    if (Instant.ofEpochSecond(iat).plus(config.maxTokenAge()).plus(skew).isBefore(now)) {
      throw fail(IdentityErrorCode.TOKEN_TOO_OLD, "the token was issued at " + Instant.ofEpochSecond(iat)
          + ", more than " + config.maxTokenAge() + " ago (now " + now + ")");
    }
    return new Principal(Principal.Kind.OIDC, issuerName, subject, claims, Instant.ofEpochSecond(exp), null, config.dialect());
  }

  private static void checkAudience(Object aud, TrustedIssuer config) {
    switch (aud) {
      case null -> throw fail(IdentityErrorCode.MISSING_CLAIM, "the token has no 'aud' claim");
      case String single -> {
        if (!config.audiences().contains(single)) {
          throw fail(IdentityErrorCode.WRONG_AUDIENCE, "the audience '" + StrictJson.printable(single) + "' is not allowed for "
              + config.issuer());
        }
      }
      case List<?> list -> {
        boolean allowed = false;
        for (Object value : list) {
          if (!(value instanceof String)) {
            throw fail(IdentityErrorCode.MALFORMED, "the 'aud' claim holds a value that is not a string");
          }
          allowed |= config.audiences().contains(value);
        }
        if (!allowed) {
          throw fail(IdentityErrorCode.WRONG_AUDIENCE, "none of the " + list.size() + " audiences is allowed for " + config.issuer());
        }
      }
      default -> throw fail(IdentityErrorCode.MALFORMED, "the 'aud' claim is neither a string nor an array of strings");
    }
  }

  /** A NumericDate claim (RFC 7519 section 2), in whole seconds (fractions are dropped). */
  private static long numericDate(Map<String, Object> claims, String name, boolean required) {
    Object value = claims.get(name);
    return switch (value) {
      case null -> {
        if (required) {
          throw fail(IdentityErrorCode.MISSING_CLAIM, "the token has no '" + name + "' claim");
        }
        throw fail(IdentityErrorCode.MALFORMED, "the '" + name + "' claim is null");
      }
      case Long seconds -> seconds;
      case Double seconds when Double.isFinite(seconds) && Math.abs(seconds) < 1e15 -> (long) Math.floor(seconds);
      case BigInteger big -> throw fail(IdentityErrorCode.MALFORMED, "the '" + name + "' claim is out of range");
      default -> throw fail(IdentityErrorCode.MALFORMED, "the '" + name + "' claim is not a NumericDate");
    };
  }

  /**
   * Canonical base64url without padding (RFC 7515 section 2): only the alphabet, no length of the
   * form 4n+1, and zero unused bits in the last character, so every encoded string decodes to
   * different bytes.
   */
  private static byte[] decode(String part, String name) {
    requireCanonicalBase64url(part, name);
    try {
      return BASE64URL.decode(part);
    } catch (IllegalArgumentException e) {
      throw fail(IdentityErrorCode.MALFORMED, "the " + name + " is not base64url");
    }
  }

  /** The length and trailing-bit rules of canonical base64url; the alphabet was checked for the whole token. */
  private static void requireCanonicalBase64url(String part, String name) {
    if (part.isEmpty()) {
      throw fail(IdentityErrorCode.MALFORMED, "the " + name + " is empty");
    }
    int rest = part.length() % 4;
    if (rest == 1) {
      throw fail(IdentityErrorCode.MALFORMED, "the " + name + " is not base64url (bad length)");
    }
    if (rest != 0) {
      int last = BASE64URL_ALPHABET.indexOf(part.charAt(part.length() - 1));
      int unusedBits = rest == 2 ? 0x0f : 0x03;
      if ((last & unusedBits) != 0) {
        throw fail(IdentityErrorCode.MALFORMED, "the " + name + " is not canonical base64url");
      }
    }
  }

  private static IdentityException fail(IdentityErrorCode code, String message) {
    return new IdentityException(code, message);
  }

  /** The SHA-256 of the token, in lower-case hex: what a failure record may hold instead of the token. */
  public static String tokenHash(String token) {
    Objects.requireNonNull(token, "token");
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The trusted issuers, by {@code iss}. */
  public Map<String, TrustedIssuer> issuers() {
    Map<String, TrustedIssuer> out = new LinkedHashMap<>();
    issuers.forEach((name, issuer) -> out.put(name, issuer.config()));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Stops the JWKS refresh threads. */
  @Override
  public void close() {
    issuers.values().forEach(issuer -> issuer.keys().close());
  }

  /**
   * How JWKS are fetched and cached (the same for every issuer).
   *
   * @param timeToLive how long a fetched JWKS is used before it is fetched again
   * @param refreshAhead how long before expiry a request triggers a background refresh
   * @param refreshTimeout how long a request waits for a blocking refresh
   * @param minRefetchInterval the rate limit on fetches (unknown {@code kid}s cannot force more)
   * @param outageTolerance how long the last good JWKS is still used while the issuer is unreachable
   * @param connectTimeout HTTP connect timeout
   * @param readTimeout HTTP read timeout
   * @param maxJwksBytes the largest JWKS document read
   */
  public record JwksSettings(
      Duration timeToLive,
      Duration refreshAhead,
      Duration refreshTimeout,
      Duration minRefetchInterval,
      Duration outageTolerance,
      Duration connectTimeout,
      Duration readTimeout,
      int maxJwksBytes) {
    /** 5 min TTL, refresh 30 s ahead, 15 s refresh timeout, 30 s between refetches, 1 h outage tolerance, 2 s timeouts, 64 KiB. */
    public static final JwksSettings DEFAULTS = new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024);

    public JwksSettings {
      for (Duration d : List.of(timeToLive, refreshAhead, refreshTimeout, minRefetchInterval, outageTolerance, connectTimeout, readTimeout)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("JWKS durations must be positive");
        }
      }
      if (refreshAhead.plus(refreshTimeout).compareTo(timeToLive) >= 0) {
        throw new IllegalArgumentException("the JWKS refresh-ahead time plus the refresh timeout must be shorter than the time to live");
      }
      if (maxJwksBytes < 1024) {
        throw new IllegalArgumentException("the JWKS size limit must be at least 1024 bytes");
      }
    }
  }

  /** Builds an {@link OidcVerifier}. */
  public static final class Builder {
    private final List<TrustedIssuer> issuers = new java.util.ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
    private JwksSettings jwks = JwksSettings.DEFAULTS;

    private Builder() {}

    public Builder issuer(TrustedIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** The clock for {@code exp}/{@code nbf}/{@code iat} and the JWKS cache windows. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Tokens longer than this are refused before parsing; default 16 KiB. */
    public Builder maxTokenBytes(int maxTokenBytes) {
      if (maxTokenBytes < 256) {
        throw new IllegalArgumentException("the token size limit must be at least 256 bytes");
      }
      this.maxTokenBytes = maxTokenBytes;
      return this;
    }

    public Builder jwks(JwksSettings jwks) {
      this.jwks = Objects.requireNonNull(jwks, "jwks");
      return this;
    }

    public OidcVerifier build() {
      return new OidcVerifier(this);
    }
  }
}
