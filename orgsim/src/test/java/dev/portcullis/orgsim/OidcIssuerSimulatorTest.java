package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OidcIssuerSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private OidcIssuerSimulator sim;

  @BeforeEach
  void start() throws Exception {
    sim = OidcIssuerSimulator.builder().clock(clock).start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    String base = sim.github().issuer().replace("/github", "");
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEachShapesJwksAndDiscoveryAtTheProvidersPaths() throws Exception {
    assertThat(sim.github().jwksUri().getPath()).isEqualTo("/github/.well-known/jwks");
    assertThat(sim.gitlab().jwksUri().getPath()).isEqualTo("/gitlab/oauth/discovery/keys");
    assertThat(sim.people().jwksUri().getPath()).isEqualTo("/people/.well-known/jwks.json");
    for (OidcIssuer issuer : new OidcIssuer[] {sim.github(), sim.gitlab(), sim.people()}) {
      HttpResponse<String> jwks = get(issuer.jwksUri());
      assertThat(jwks.statusCode()).isEqualTo(200);
      JWKSet set = JWKSet.parse(jwks.body());
      assertThat(set.getKeys()).hasSize(1).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
      assertThat(jwks.body()).doesNotContain("\"d\"", "\"p\"", "\"q\"");
      JsonNode discovery = JSON.readTree(get(issuer.discoveryUri()).body());
      assertThat(discovery.get("issuer").asText()).isEqualTo(issuer.issuer()).startsWith("http://127.0.0.1:");
      assertThat(discovery.get("jwks_uri").asText()).isEqualTo(issuer.jwksUri().toString());
    }
    assertThat(sim.github().jwksRequests()).isEqualTo(1);
  }

  @Test
  void thePeoplesIssuerMintsAnHourLongIdTokenNamingAPersonOverHttp() throws Exception {
    HttpResponse<String> minted = post("/_orgsim/oidc/people/token",
        "{\"sub\":\"carol\",\"preferred_username\":\"carol\",\"email\":\"carol@acme.example\"}");
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
    SignedJWT jwt = SignedJWT.parse(JSON.readTree(minted.body()).get("value").asText());
    RSAKey key = sim.people().jwks().getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey();
    assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(sim.people().issuer()).endsWith("/people");
    assertThat(claims.getSubject()).isEqualTo("carol");
    assertThat(claims.getStringClaim("email")).isEqualTo("carol@acme.example");
    assertThat(claims.getBooleanClaim("email_verified")).isTrue();
    long iat = clock.instant().getEpochSecond();
    assertThat(claims.getExpirationTime().toInstant().getEpochSecond()).isEqualTo(iat + 3600);
    assertThat(claims.getClaims()).doesNotContainKeys("repository", "project_path", "ref");
    assertThat(SignedJWT.parse(sim.people().mint(Map.of())).getJWTClaimsSet().getSubject())
        .isEqualTo(OidcIssuer.DEFAULT_PERSON);
  }

  @Test
  void mintedTokensCarryTheDocumentedClaimsAndVerifyWithThePublishedKey() throws Exception {
    SignedJWT github = SignedJWT.parse(sim.github().mint(Map.of()));
    RSAKey key = sim.github().jwks().getKeyByKeyId(github.getHeader().getKeyID()).toRSAKey();
    assertThat(github.verify(new RSASSAVerifier(key))).isTrue();
    assertThat(github.getHeader().getType().toString()).isEqualTo("JWT");
    Map<String, Object> claims = github.getJWTClaimsSet().getClaims();
    assertThat(claims).containsEntry("iss", sim.github().issuer()).containsEntry("ref", "refs/heads/main")
        .containsEntry("repository", "acme/salesforce-app").containsEntry("run_attempt", "1").containsKeys("job_workflow_ref", "sha");
    long iat = clock.instant().getEpochSecond();
    assertThat(github.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond()).isEqualTo(iat);
    assertThat(github.getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond()).isEqualTo(iat + 300);

    var gitlabClaims = SignedJWT.parse(sim.gitlab().mint(Map.of("environment", "staging"))).getJWTClaimsSet();
    assertThat(gitlabClaims.getClaims()).containsEntry("ref_protected", "true").containsEntry("environment", "staging");
    assertThat(gitlabClaims.getAudience()).containsExactly("portcullis");

    java.util.HashMap<String, Object> remove = new java.util.HashMap<>();
    remove.put("environment", null);
    assertThat(SignedJWT.parse(sim.gitlab().mint(remove)).getJWTClaimsSet().getClaims()).doesNotContainKey("environment");
  }

  @Test
  void rotationKeepsTheOldKeyUntilRetired() throws Exception {
    String first = sim.github().currentKid();
    String second = sim.github().rotateKey();
    assertThat(SignedJWT.parse(sim.github().mint(Map.of())).getHeader().getKeyID()).isEqualTo(second);
    assertThat(JWKSet.parse(get(sim.github().jwksUri()).body()).getKeys()).extracting(k -> k.getKeyID()).containsExactly(first, second);
    sim.github().retireOldKeys();
    assertThat(JWKSet.parse(get(sim.github().jwksUri()).body()).getKeys()).extracting(k -> k.getKeyID()).containsExactly(second);
  }

  @Test
  void tokenEndpointOutageAndUnknownPaths() throws Exception {
    HttpResponse<String> minted = post("/_orgsim/oidc/gitlab/token", "{\"ref\":\"release\"}");
    assertThat(minted.statusCode()).isEqualTo(200);
    assertThat(SignedJWT.parse(JSON.readTree(minted.body()).get("value").asText()).getJWTClaimsSet().getStringClaim("ref")).isEqualTo("release");
    assertThat(post("/_orgsim/oidc/github/token", "[1]").statusCode()).isEqualTo(400);
    assertThat(post("/_orgsim/oidc/other/token", "{}").statusCode()).isEqualTo(404);
    sim.github().available(false);
    assertThat(get(sim.github().jwksUri()).statusCode()).isEqualTo(503);
    assertThat(get(sim.gitlab().jwksUri()).statusCode()).isEqualTo(200);
  }
}
