package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis demo ci-token} against a real {@link OidcIssuerSimulator} started here. */
class DemoCiTokenCommandTest {
  @TempDir Path dataDir;
  OidcIssuerSimulator simulator;

  @BeforeEach
  void start() throws Exception {
    simulator = OidcIssuerSimulator.builder().githubAudience("portcullis").start();
    Files.writeString(dataDir.resolve("endpoints.json"), new ObjectMapper().writeValueAsString(Map.of(
        "admin_url", "http://127.0.0.1:1",
        "oidc_issuers", Map.of("github", simulator.github().issuer(), "gitlab", simulator.gitlab().issuer()))));
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  static SignedJWT verified(OidcIssuer issuer, String token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token.strip());
    RSAKey key = issuer.jwks().getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey();
    assertThat(jwt.verify(new RSASSAVerifier(key))).as("signature by the issuer's key").isTrue();
    return jwt;
  }

  @Test
  void withoutClaimsAGitHubRunFromMainOfTheDemoRepository() throws Exception {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "github", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    SignedJWT jwt = verified(simulator.github(), run.out());
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(simulator.github().issuer());
    assertThat(jwt.getJWTClaimsSet().getStringClaim("repository")).isEqualTo("acme/salesforce-app");
    assertThat(jwt.getJWTClaimsSet().getStringClaim("ref")).isEqualTo("refs/heads/main");
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("portcullis");
  }

  @Test
  void gitLabRunFromAProtectedMain() throws Exception {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "gitlab", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    SignedJWT jwt = verified(simulator.gitlab(), run.out());
    assertThat(jwt.getJWTClaimsSet().getStringClaim("project_path")).isEqualTo("acme/salesforce-app");
    assertThat(jwt.getJWTClaimsSet().getStringClaim("ref")).isEqualTo("main");
    assertThat(jwt.getJWTClaimsSet().getStringClaim("ref_protected")).isEqualTo("true");
  }

  @Test
  void claimsOverrideAnythingAndTheTokenStaysCorrectlySigned() throws Exception {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "github", "--data-dir", dataDir.toString(),
        "--claim", "exp=1700000000", "--claim", "aud=someone-else", "--claim", "iss=https://evil.example",
        "--claim", "ref=refs/heads/feature", "--claim", "environment=null", "--claim", "run_attempt=\"2\"");
    assertThat(run.exitCode()).as(run.err()).isZero();
    SignedJWT jwt = verified(simulator.github(), run.out());
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getExpirationTime().toInstant().getEpochSecond()).isEqualTo(1700000000L);
    assertThat(claims.getAudience()).containsExactly("someone-else");
    assertThat(claims.getIssuer()).isEqualTo("https://evil.example");
    assertThat(claims.getStringClaim("ref")).isEqualTo("refs/heads/feature");
    assertThat(claims.getClaims()).doesNotContainKey("environment");
    assertThat(claims.getClaim("run_attempt")).isEqualTo("2");
  }

  @Test
  void jsonShowsTheClaims() throws Exception {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "github", "--json", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    verified(simulator.github(), json.get("token").asText());
    assertThat(json.get("claims").get("repository").asText()).isEqualTo("acme/salesforce-app");
    assertThat(json.get("issuer").asText()).isEqualTo(simulator.github().issuer());
  }

  @Test
  void withoutARunningDemoItSaysHowToStartOne(@TempDir Path empty) {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "github", "--data-dir", empty.toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("portcullis demo");
  }

  @Test
  void anUnknownIssuerIsAUsageError() {
    MainTest.Run run = MainTest.run("demo", "ci-token", "--issuer", "bitbucket", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("github or gitlab");
  }
}
