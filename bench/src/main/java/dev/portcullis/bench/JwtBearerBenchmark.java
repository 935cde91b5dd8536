package dev.portcullis.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JWT bearer assertions per second: signing as the token broker does ({@link JwtBearerAssertion},
 * RS256 over RSA 2048 through Nimbus) and verifying as the org simulator does (parse, then
 * {@link RSASSAVerifier}), side by side with the JDK's bare {@code SHA256withRSA} on the same
 * bytes: the floor that any RS256 implementation on this JVM pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtBearerBenchmark {
  private JwtBearerAssertion assertion;
  private String signed;
  private RSASSAVerifier verifier;
  private KeyPair keys;
  private byte[] signingInput;
  private byte[] signature;

  @Setup
  public void setUp() throws GeneralSecurityException, ParseException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    assertion = new JwtBearerAssertion(
        "3MVG9BENCHMARKCONSUMERKEY", "integration@bench.portcullis.dev", "https://login.salesforce.com",
        keys.getPrivate(), Clock.systemUTC());
    signed = assertion.sign();
    verifier = new RSASSAVerifier((RSAPublicKey) keys.getPublic());
    String[] parts = signed.split("\\.");
    signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initSign(keys.getPrivate());
    jdk.update(signingInput);
    signature = jdk.sign();
  }

  @Benchmark
  public String portcullisSignAssertion() {
    return assertion.sign();
  }

  @Benchmark
  public boolean nimbusParseAndVerifyAssertion() throws ParseException, JOSEException {
    return SignedJWT.parse(signed).verify(verifier);
  }

  @Benchmark
  public byte[] jdkSha256WithRsaSign() throws GeneralSecurityException {
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initSign(keys.getPrivate());
    jdk.update(signingInput);
    return jdk.sign();
  }

  @Benchmark
  public boolean jdkSha256WithRsaVerify() throws GeneralSecurityException {
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(keys.getPublic());
    jdk.update(signingInput);
    return jdk.verify(signature);
  }
}
