package dev.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signing keys of one trusted issuer: its JWKS, fetched from the configured URL only, cached by
 * Nimbus's {@link JWKSourceBuilder} chain (cache with refresh ahead of expiry, a rate limit on
 * refetches, one retry, outage tolerance), and the signature verifiers made from those keys.
 *
 * <p>Design: Nimbus's {@link JWKSource#get} reads the wall clock; this class drives the same cached
 * {@link JWKSetSource} with the verifier's {@link Clock}, so that expiry, rate limit and outage
 * windows follow the injected clock in tests. The lookup is Nimbus's own: select from the cached
 * set; when nothing matches, ask for a refresh unless the cached set changed meanwhile (a rotation
 * brings a new {@code kid}); the rate limiter bounds how often unknown {@code kid}s can make us
 * fetch. A key matches by {@code kid}, key type, curve, {@code use} (sig or absent) and {@code alg}
 * (the token's or absent); RSA keys shorter than 2048 bits never match.
 *
 * <p>Verifiers are cached per key (a JWKS holds a handful), so the warm path is a map lookup and
 * the signature check. ECDSA signatures are checked by BouncyCastle (a private provider instance,
 * not installed in the JVM), RSA ones by the JDK: each the faster on this JVM (docs/PERFORMANCE.md).
 * Thread-safe.
 */
final class IssuerKeys implements AutoCloseable {
  private static final int MAX_CACHED_VERIFIERS = 64;
  /** ECDSA verification runs on BouncyCastle, about twice the JDK's speed; RSA stays on the JDK, which is faster there. */
  private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final TrustedIssuer issuer;
  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;
  private final ConcurrentHashMap<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();

  IssuerKeys(TrustedIssuer issuer, OidcVerifier.JwksSettings settings, Clock clock) {
    this.issuer = issuer;
    this.clock = clock;
    DefaultResourceRetriever retriever = new DefaultResourceRetriever(
        (int) settings.connectTimeout().toMillis(), (int) settings.readTimeout().toMillis(), settings.maxJwksBytes());
    JWKSource<SecurityContext> built;
    try {
      built = JWKSourceBuilder.<SecurityContext>create(issuer.jwksUri().toURL(), retriever)
          .cache(settings.timeToLive().toMillis(), settings.refreshTimeout().toMillis())
          .refreshAheadCache(settings.refreshAhead().toMillis(), false)
          .rateLimited(settings.minRefetchInterval().toMillis())
          .retrying(true)
          .outageTolerant(settings.outageTolerance().toMillis())
          .build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("trusted issuer " + issuer.issuer() + ": bad JWKS URL " + issuer.jwksUri(), e);
    }
    if (!(built instanceof JWKSetBasedJWKSource<SecurityContext> based)) {
      throw new IllegalStateException("unexpected JWK source " + built.getClass().getName());
    }
    this.source = based.getJWKSetSource();
  }

  /** The verifier for the key named {@code kid} that fits {@code alg}. */
  JWSVerifier verifierFor(String kid, JWSAlgorithm alg) {
    JWKSelector selector = new JWKSelector(matcher(kid, alg));
    long now = clock.millis();
    List<JWK> keys;
    try {
      JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
      keys = selector.select(cached);
      if (keys.isEmpty()) {
        JWKSet refreshed = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, null);
        keys = selector.select(refreshed);
      }
    } catch (RateLimitReachedException e) {
      throw unknownKid(kid, alg, " (a refetch of the JWKS was rate-limited)");
    } catch (KeySourceException e) {
      throw new IdentityException(IdentityErrorCode.JWKS_UNAVAILABLE,
          "the JWKS of " + issuer.issuer() + " at " + issuer.jwksUri() + " is unavailable: " + e.getMessage(), e);
    }
    if (keys.isEmpty()) {
      throw unknownKid(kid, alg, "");
    }
    JWK key = keys.getFirst();
    JWSVerifier verifier = verifiers.get(key);
    if (verifier == null) {
      if (verifiers.size() >= MAX_CACHED_VERIFIERS) {
        verifiers.clear();
      }
      verifier = newVerifier(key);
      verifiers.put(key, verifier);
    }
    return verifier;
  }

  private IdentityException unknownKid(String kid, JWSAlgorithm alg, String detail) {
    return new IdentityException(IdentityErrorCode.UNKNOWN_KID, "no " + alg + " key with kid '" + StrictJson.printable(kid)
        + "' in the JWKS of " + issuer.issuer() + detail);
  }

  private static JWKMatcher matcher(String kid, JWSAlgorithm alg) {
    JWKMatcher.Builder matcher = new JWKMatcher.Builder()
        .keyID(kid)
        .keyType(KeyType.forAlgorithm(alg))
        .keyUses(KeyUse.SIGNATURE, null)
        .algorithms(alg, null);
    if (JWSAlgorithm.Family.EC.contains(alg)) {
      matcher.curves(Curve.forJWSAlgorithm(alg));
    } else {
      matcher.minKeySize(2048);
    }
    return matcher.build();
  }

  private JWSVerifier newVerifier(JWK key) {
    try {
      return switch (key) {
        case RSAKey rsa -> new RSASSAVerifier(rsa);
        case ECKey ec -> {
          ECDSAVerifier verifier = new ECDSAVerifier(ec);
          verifier.getJCAContext().setProvider(BOUNCY_CASTLE);
          yield verifier;
        }
        default -> throw new IdentityException(IdentityErrorCode.UNKNOWN_KID, "unsupported key type " + key.getKeyType());
      };
    } catch (JOSEException e) {
      throw new IdentityException(IdentityErrorCode.UNKNOWN_KID,
          "the key '" + StrictJson.printable(key.getKeyID()) + "' of " + issuer.issuer() + " is unusable: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // Nothing to release beyond the refresh executor; closing is best effort.
    }
  }
}
