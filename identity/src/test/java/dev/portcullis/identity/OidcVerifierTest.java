package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against orgsim's GitHub- and GitLab-shaped issuers over loopback HTTP: acceptance and every refusal. */
class OidcVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Issuers issuers;
  private OidcVerifier verifier;
  private long now;

  @BeforeEach
  void start() throws Exception {
    issuers = new Issuers();
    verifier = issuers.verifier;
    now = issuers.clock.instant().getEpochSecond();
  }

  @AfterEach
  void stop() {
    issuers.close();
  }

  private static Map<String, Object> claims(Object... pairs) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static void refused(IdentityErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private String githubPayloadJson(String extra) {
    return "{\"iss\":\"" + issuers.github.issuer() + "\",\"sub\":\"repo:acme/app:ref:refs/heads/main\",\"aud\":\""
        + issuers.github.defaultAudience() + "\",\"iat\":" + now + ",\"exp\":" + (now + 300) + extra + "}";
  }

  private String githubHeaderJson() {
    return "{\"alg\":\"RS256\",\"kid\":\"" + issuers.github.currentKid() + "\",\"typ\":\"JWT\"}";
  }

  // --- acceptance ---

  @Test
  void acceptsAGithubActionsTokenAndKeepsEveryClaim() {
    String token = issuers.github.mint(Map.of());
    Principal principal = verifier.verify(token);

    assertThat(principal.kind()).isEqualTo(Principal.Kind.OIDC);
    assertThat(principal.issuer()).isEqualTo(issuers.github.issuer());
    assertThat(principal.subject()).isEqualTo("repo:acme/salesforce-app:environment:production");
    assertThat(principal.certificateThumbprint()).isNull();
    assertThat(principal.expiresAt().getEpochSecond()).isEqualTo(now + 300);
    assertThat(principal.claims()).containsKeys("repository", "repository_owner", "ref", "ref_type", "sha", "workflow",
        "job_workflow_ref", "run_id", "run_attempt", "actor", "environment", "event_name", "jti", "nbf");
    assertThat(principal.claims()).containsEntry("repository", "acme/salesforce-app").containsEntry("run_attempt", "1");
    Principal.CiRun run = principal.ciRun().orElseThrow();
    assertThat(run.provider()).isEqualTo("github-actions");
    assertThat(run.repository()).isEqualTo("acme/salesforce-app");
    assertThat(run.ref()).isEqualTo("refs/heads/main");
    assertThat(run.sha()).isEqualTo(principal.claims().get("sha")).hasSize(40);
    assertThat(run.workflow()).isEqualTo("acme/salesforce-app/.github/workflows/deploy.yml@refs/heads/main");
    assertThat(run.runId()).isEqualTo("7891234560");
    assertThat(run.actor()).isEqualTo("alice-dev");
    assertThat(run.environment()).isEqualTo("production");
    assertThat(principal.toPolicyInput()).containsEntry("kind", "oidc").containsEntry("claims", principal.claims());
  }

  @Test
  void acceptsAGitlabTokenWithItsStringBooleans() {
    Principal principal = verifier.verify(issuers.gitlab.mint(Map.of()));

    assertThat(principal.issuer()).isEqualTo(issuers.gitlab.issuer());
    assertThat(principal.subject()).isEqualTo("project_path:acme/salesforce-app:ref_type:branch:ref:main");
    assertThat(principal.claims()).containsEntry("ref_protected", "true").containsEntry("project_path", "acme/salesforce-app")
        .containsEntry("runner_id", 1L);
    Principal.CiRun run = principal.ciRun().orElseThrow();
    assertThat(run.provider()).isEqualTo("gitlab");
    assertThat(run.runId()).isEqualTo("574");
    assertThat(run.attempt()).isEqualTo("302");
    assertThat(run.actor()).isEqualTo("alice-dev");
    assertThat(run.ref()).isEqualTo("main");
  }

  @Test
  void fetchesTheJwksOnceAndThenVerifiesFromTheCache() {
    for (int i = 0; i < 5; i++) {
      verifier.verify(issuers.github.mint(Map.of()));
    }
    assertThat(issuers.github.jwksRequests()).isEqualTo(1);
    assertThat(issuers.github.discoveryRequests()).isZero();
  }

  @Test
  void anAudienceArrayNeedsOneAllowedValue() {
    Principal principal = verifier.verify(issuers.github.mint(claims("aud", List.of("other", issuers.github.defaultAudience()))));
    assertThat(principal.claims().get("aud")).isEqualTo(List.of("other", issuers.github.defaultAudience()));
    refused(IdentityErrorCode.WRONG_AUDIENCE, () -> verifier.verify(issuers.github.mint(claims("aud", List.of("a", "b")))));
  }

  @Test
  void aKeyRotationMakesTheVerifierRefetchOnce() {
    verifier.verify(issuers.github.mint(Map.of()));
    String oldKid = issuers.github.currentKid();
    String newKid = issuers.github.rotateKey();
    assertThat(newKid).isNotEqualTo(oldKid);

    verifier.verify(issuers.github.mint(Map.of()));
    verifier.verify(issuers.github.mint(Map.of()));
    assertThat(issuers.github.jwksRequests()).isEqualTo(2);
  }

  @Test
  void aRetiredKeyIsUnknownOnceTheCacheRefreshes() {
    verifier.verify(issuers.github.mint(Map.of()));
    String oldToken = issuers.github.mint(claims("exp", now + 3000));
    issuers.github.rotateKey();
    issuers.github.retireOldKeys();
    verifier.verify(oldToken); // still cached

    issuers.clock.advance(Duration.ofMinutes(6));
    refused(IdentityErrorCode.UNKNOWN_KID, () -> verifier.verify(oldToken));
    verifier.verify(issuers.github.mint(Map.of()));
  }

  @Test
  void skewIsToleratedUpToItsBound() {
    verifier.verify(issuers.github.mint(claims("exp", now - 59)));
    verifier.verify(issuers.github.mint(claims("nbf", now + 59)));
    verifier.verify(issuers.github.mint(claims("iat", now + 59)));
    verifier.verify(issuers.github.mint(claims("iat", now - 3600 - 59, "exp", now + 60)));
  }

  // --- shape ---

  @Test
  void tokenTooLarge() {
    String token = issuers.github.mint(claims("padding", "x".repeat(17_000)));
    refused(IdentityErrorCode.TOKEN_TOO_LARGE, () -> verifier.verify(token));
    assertThat(issuers.github.jwksRequests()).isZero();
  }

  @Test
  void malformed() {
    String valid = issuers.github.mint(Map.of());
    String[] parts = valid.split("\\.");
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(null));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(""));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(parts[0] + "." + parts[1]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(valid + ".x"));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(" " + valid));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(parts[0] + "=." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify("." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(b64("not json") + "." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(b64("[1]") + "." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(b64(githubHeaderJson() + "{}") + "." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(b64("{\"kid\":\"k\"}") + "." + parts[1] + "." + parts[2]));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(parts[0] + "." + b64("{\"iss\":1}") + "." + parts[2]));
    // a signed token whose claims have the wrong types
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(issuers.github.mint(claims("sub", 42))));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(issuers.github.mint(claims("exp", "tomorrow"))));
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(issuers.github.mint(claims("aud", Map.of("a", 1)))));
  }

  @Test
  void aSignatureWithNonZeroUnusedBitsIsNotCanonical() {
    String valid = issuers.github.mint(Map.of());
    // 256 signature bytes are 342 characters, the last holding 2 bits and 4 unused ones.
    char last = valid.charAt(valid.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) | 1);
    refused(IdentityErrorCode.MALFORMED, () -> verifier.verify(valid.substring(0, valid.length() - 1) + sibling));
  }

  @Test
  void notAJwsWhenJweOrNested() {
    String five = b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".AAAA.AAAA.AAAA.AAAA";
    refused(IdentityErrorCode.NOT_A_JWS, () -> verifier.verify(five));
    String enc = issuers.github.mint(Map.of("enc", "A256GCM"), Map.of());
    refused(IdentityErrorCode.NOT_A_JWS, () -> verifier.verify(enc));
    String nested = issuers.github.mint(Map.of("cty", "JWT"), Map.of());
    refused(IdentityErrorCode.NOT_A_JWS, () -> verifier.verify(nested));
  }

  @Test
  void duplicateMembersInPayloadOrHeader() {
    String payload = issuers.github.signJson(githubHeaderJson(), githubPayloadJson(",\"sub\":\"repo:evil/app:ref:refs/heads/main\""));
    refused(IdentityErrorCode.DUPLICATE_CLAIM, () -> verifier.verify(payload));
    String escaped = issuers.github.signJson(githubHeaderJson(), githubPayloadJson(",\"a\\u0075d\":\"x\""));
    refused(IdentityErrorCode.DUPLICATE_CLAIM, () -> verifier.verify(escaped));
    String nested = issuers.github.signJson(githubHeaderJson(), githubPayloadJson(",\"ctx\":{\"a\":1,\"a\":2}"));
    refused(IdentityErrorCode.DUPLICATE_CLAIM, () -> verifier.verify(nested));
    String header = issuers.github.signJson(
        "{\"alg\":\"RS256\",\"kid\":\"" + issuers.github.currentKid() + "\",\"kid\":\"other\"}", githubPayloadJson(""));
    refused(IdentityErrorCode.DUPLICATE_CLAIM, () -> verifier.verify(header));
    // the same texts without the duplicate verify
    verifier.verify(issuers.github.signJson(githubHeaderJson(), githubPayloadJson(",\"ctx\":{\"a\":1,\"b\":2}")));
  }

  @Test
  void algNone() {
    String token = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(githubPayloadJson("")) + ".";
    refused(IdentityErrorCode.ALG_NONE, () -> verifier.verify(token));
    String upper = b64("{\"alg\":\"NONE\"}") + "." + b64(githubPayloadJson("")) + ".";
    refused(IdentityErrorCode.ALG_NONE, () -> verifier.verify(upper));
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefusedBeforeAnyKeyIsFetched() throws Exception {
    byte[] publicKey = issuers.github.jwks().getKeys().getFirst().toRSAKey().toPublicKey().getEncoded();
    String signingInput = b64("{\"alg\":\"HS256\",\"kid\":\"" + issuers.github.currentKid() + "\"}") + "." + b64(githubPayloadJson(""));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicKey, "HmacSHA256"));
    String token = signingInput + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));

    refused(IdentityErrorCode.ALG_NOT_ALLOWED, () -> verifier.verify(token));
    assertThat(issuers.github.jwksRequests()).as("no key was even looked up").isZero();
  }

  @Test
  void anAlgorithmTheIssuerDoesNotAllow() {
    try (OidcVerifier esOnly = OidcVerifier.builder().clock(issuers.clock)
        .issuer(Issuers.trusted(issuers.github).withAlgorithms(java.util.Set.of("ES256"))).build()) {
      refused(IdentityErrorCode.ALG_NOT_ALLOWED, () -> esOnly.verify(issuers.github.mint(Map.of())));
    }
    String ps256 = issuers.github.mint(Map.of("alg", "PS256"), Map.of());
    refused(IdentityErrorCode.ALG_NOT_ALLOWED, () -> verifier.verify(ps256));
  }

  @Test
  void unsignedWhenTheSignatureIsStripped() {
    String valid = issuers.github.mint(Map.of());
    refused(IdentityErrorCode.UNSIGNED, () -> verifier.verify(valid.substring(0, valid.lastIndexOf('.') + 1)));
  }

  @Test
  void criticalHeaderExtensions() {
    String token = issuers.github.mint(Map.of("crit", List.of("b64"), "b64", false), Map.of());
    refused(IdentityErrorCode.UNSUPPORTED_CRITICAL_HEADER, () -> verifier.verify(token));
  }

  // --- issuer and keys ---

  @Test
  void untrustedIssuer() {
    refused(IdentityErrorCode.UNTRUSTED_ISSUER, () -> verifier.verify(issuers.github.mint(claims("iss", "https://evil.example"))));
    refused(IdentityErrorCode.UNTRUSTED_ISSUER, () -> verifier.verify(issuers.github.mint(claims("iss", issuers.github.issuer() + "/"))));
    // GitHub's issuer key signing a token that claims GitLab's issuer fails on the key, not silently
    refused(IdentityErrorCode.UNKNOWN_KID, () -> verifier.verify(issuers.github.mint(claims("iss", issuers.gitlab.issuer()))));
  }

  @Test
  void missingClaims() {
    for (String claim : List.of("iss", "sub", "aud", "exp", "iat")) {
      refused(IdentityErrorCode.MISSING_CLAIM, () -> verifier.verify(issuers.github.mint(claims(claim, null))));
    }
  }

  @Test
  void unknownKid() {
    refused(IdentityErrorCode.UNKNOWN_KID, () -> verifier.verify(issuers.github.mint(Map.of("kid", "no-such-key"), Map.of())));
    Map<String, Object> noKid = new HashMap<>();
    noKid.put("kid", null);
    refused(IdentityErrorCode.UNKNOWN_KID, () -> verifier.verify(issuers.github.mint(noKid, Map.of())));
  }

  @Test
  void unknownKidsCannotForceMoreThanRateLimitedRefetches() {
    verifier.verify(issuers.github.mint(Map.of()));
    for (int i = 0; i < 20; i++) {
      int n = i;
      refused(IdentityErrorCode.UNKNOWN_KID, () -> verifier.verify(issuers.github.mint(Map.of("kid", "unknown-" + n), Map.of())));
    }
    assertThat(issuers.github.jwksRequests()).isLessThanOrEqualTo(3);
  }

  @Test
  void jwksUnavailable() {
    issuers.github.available(false);
    refused(IdentityErrorCode.JWKS_UNAVAILABLE, () -> verifier.verify(issuers.github.mint(Map.of())));
  }

  @Test
  void badSignature() {
    String a = issuers.github.mint(Map.of());
    String b = issuers.github.mint(claims("actor", "mallory"));
    String spliced = b.substring(0, b.lastIndexOf('.')) + a.substring(a.lastIndexOf('.'));
    refused(IdentityErrorCode.BAD_SIGNATURE, () -> verifier.verify(spliced));
  }

  // --- claims ---

  @Test
  void wrongAudience() {
    refused(IdentityErrorCode.WRONG_AUDIENCE, () -> verifier.verify(issuers.github.mint(claims("aud", "https://github.com/other"))));
    // GitLab's audience is not GitHub's
    refused(IdentityErrorCode.WRONG_AUDIENCE, () -> verifier.verify(issuers.github.mint(claims("aud", issuers.gitlab.defaultAudience()))));
  }

  @Test
  void expired() {
    refused(IdentityErrorCode.TOKEN_EXPIRED, () -> verifier.verify(issuers.github.mint(claims("exp", now - 60))));
    String token = issuers.gitlab.mint(Map.of());
    issuers.clock.advance(Duration.ofMinutes(61));
    refused(IdentityErrorCode.TOKEN_EXPIRED, () -> verifier.verify(token));
  }

  @Test
  void notYetValid() {
    refused(IdentityErrorCode.TOKEN_NOT_YET_VALID, () -> verifier.verify(issuers.github.mint(claims("nbf", now + 61))));
  }

  @Test
  void issuedInTheFuture() {
    refused(IdentityErrorCode.ISSUED_IN_FUTURE, () -> verifier.verify(issuers.github.mint(claims("iat", now + 61, "nbf", null))));
  }

  @Test
  void tooOld() {
    refused(IdentityErrorCode.TOKEN_TOO_OLD, () -> verifier.verify(issuers.github.mint(claims("iat", now - 3661, "exp", now + 60))));
  }

  @Test
  void fractionalNumericDatesAreAccepted() {
    verifier.verify(issuers.github.mint(claims("iat", now + 0.5, "exp", now + 299.9)));
  }

  @Test
  void messagesNeverContainTheTokenAndTheHashIdentifiesIt() {
    String token = issuers.github.mint(claims("aud", "elsewhere"));
    assertThatThrownBy(() -> verifier.verify(token)).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
      assertThat(e.toString()).doesNotContain(token.split("\\.")[2]);
    });
    assertThat(OidcVerifier.tokenHash(token)).hasSize(64).matches("[0-9a-f]+").isEqualTo(OidcVerifier.tokenHash(token))
        .isNotEqualTo(OidcVerifier.tokenHash(token + "x"));
    // SHA-256("abc"), FIPS 180-2 appendix B.1
    assertThat(OidcVerifier.tokenHash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void theSimulatorsTokenEndpointMintsOverHttp() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    String base = issuers.github.issuer().substring(0, issuers.github.issuer().lastIndexOf('/'));
    var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/_orgsim/oidc/github/token"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"actor\":\"bob\",\"environment\":\"staging\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Principal principal = verifier.verify(JSON.readTree(response.body()).get("value").asText());
    assertThat(principal.claims()).containsEntry("actor", "bob").containsEntry("environment", "staging");
    var discovery = client.send(java.net.http.HttpRequest.newBuilder(issuers.gitlab.discoveryUri()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(discovery.body()).get("jwks_uri").asText()).isEqualTo(issuers.gitlab.jwksUri().toString())
        .endsWith("/gitlab/oauth/discovery/keys");
  }

  @Test
  void es256TokensVerifyAndAZeroSignatureDoesNot() throws Exception {
    try (var es = dev.portcullis.orgsim.OidcIssuerSimulator.builder().clock(issuers.clock)
            .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).start();
        OidcVerifier esVerifier = issuers.verifierFor(es.github())) {
      String token = es.github().mint(Map.of());
      assertThat(esVerifier.verify(token).claims()).containsEntry("repository", "acme/salesforce-app");
      assertThat(token.substring(token.lastIndexOf('.') + 1)).hasSize(86); // 64 bytes, JOSE r||s
      // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify
      String zero = token.substring(0, token.lastIndexOf('.') + 1)
          + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
      refused(IdentityErrorCode.BAD_SIGNATURE, () -> esVerifier.verify(zero));
      // a DER-encoded signature is not the JOSE form
      String der = token.substring(0, token.lastIndexOf('.') + 1)
          + Base64.getUrlEncoder().withoutPadding().encodeToString(com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(
              Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1))));
      refused(IdentityErrorCode.BAD_SIGNATURE, () -> esVerifier.verify(der));
      // an RS256 header on an EC issuer's token
      refused(IdentityErrorCode.UNKNOWN_KID, () -> esVerifier.verify(es.github().mint(Map.of("alg", "RS256"), Map.of())));
    }
  }
}
