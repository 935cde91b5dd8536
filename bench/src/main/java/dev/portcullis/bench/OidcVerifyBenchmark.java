package dev.portcullis.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.Principal;
import dev.portcullis.identity.TrustedIssuer;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CI OIDC identity token verification with a warm JWKS cache: {@link OidcVerifier#verify} on a
 * GitHub-Actions-shaped token from orgsim's issuer (the JWKS fetched once over loopback HTTP during
 * setup), for RS256 (RSA 2048) and ES256 (P-256), beside the bare signature check of the same bytes
 * by the JDK and by BouncyCastle: the floor every verifier on this JVM pays. Run with {@code -t 2} on
 * the 2-core VM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(2)
public class OidcVerifyBenchmark {
  private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  @Param({"RS256", "ES256"})
  public String algorithm;

  private OidcIssuerSimulator simulator;
  private OidcVerifier verifier;
  private String token;
  private PublicKey publicKey;
  private byte[] signingInput;
  private byte[] signature;
  private String jdkAlgorithm;

  @Setup
  public void setUp() throws IOException, GeneralSecurityException, com.nimbusds.jose.JOSEException {
    simulator = OidcIssuerSimulator.builder().algorithm(JWSAlgorithm.parse(algorithm)).start();
    OidcIssuer github = simulator.github();
    verifier = OidcVerifier.builder()
        .issuer(TrustedIssuer.of(github.issuer(), github.jwksUri(), Set.of(github.defaultAudience()))
            .withDialect(TrustedIssuer.Dialect.GITHUB_ACTIONS))
        .build();
    long now = Instant.now().getEpochSecond();
    token = github.mint(Map.of("exp", now + 3000));
    Principal principal = verifier.verify(token); // fetches and caches the JWKS
    if (!principal.subject().startsWith("repo:")) {
      throw new IllegalStateException("unexpected principal " + principal);
    }
    JWK key = github.jwks().getKeys().getFirst();
    publicKey = key instanceof ECKey ec ? ec.toPublicKey() : key.toRSAKey().toPublicKey();
    jdkAlgorithm = key instanceof ECKey ? "SHA256withECDSAinP1363Format" : "SHA256withRSA";
    String[] parts = token.split("\\.");
    signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    signature = Base64.getUrlDecoder().decode(parts[2]);
  }

  @TearDown
  public void tearDown() {
    verifier.close();
    simulator.close();
  }

  @Benchmark
  public Principal portcullisVerify() {
    return verifier.verify(token);
  }

  @Benchmark
  public boolean bouncyCastleSignatureVerifyFloor() throws GeneralSecurityException {
    Signature bc = Signature.getInstance(jdkAlgorithm, BOUNCY_CASTLE);
    bc.initVerify(publicKey);
    bc.update(signingInput);
    return bc.verify(signature);
  }

  @Benchmark
  public boolean jdkSignatureVerifyFloor() throws GeneralSecurityException {
    Signature jdk = Signature.getInstance(jdkAlgorithm);
    jdk.initVerify(publicKey);
    jdk.update(signingInput);
    return jdk.verify(signature);
  }
}
