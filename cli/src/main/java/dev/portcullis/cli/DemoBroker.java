package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The broker as the demo tour shows it: two pipeline runs of the demo repository, each with a
 * GitHub-Actions-shaped identity token minted by the demo's simulated issuer, exchanged at the
 * broker exactly as {@code portcullis login} exchanges them. A run from {@code main} asks for
 * {@code api:read} on the production org; a run from a feature branch asks for {@code
 * metadata:deploy} there. With the demo's policy the first gets a session and the second is
 * refused with the policy's reason.
 */
final class DemoBroker {
  static final String PRODUCTION_ORG = "prod";
  /** How long the identity tokens of the demo's runs are valid. */
  static final long DEMO_TOKEN_LIFETIME_SECONDS = 20 * 60;

  /** One run: what it asked for and what the broker answered. */
  record Attempt(String branch, String org, List<String> scopes, TokenExchangeClient.Outcome outcome) {
    boolean issued() {
      return outcome instanceof TokenExchangeClient.Outcome.Issued;
    }
  }

  private DemoBroker() {}

  /**
   * Runs both attempts against {@code tokenUrl}, minting at the issuer {@code githubIssuer}.
   *
   * @throws CliException when the issuer or the broker cannot be reached
   */
  static List<Attempt> run(URI githubIssuer, URI tokenUrl, HttpClient http) {
    DemoIssuerClient issuer = new DemoIssuerClient(DemoIssuerClient.origin(githubIssuer), http);
    TokenExchangeClient broker = new TokenExchangeClient(http, Duration.ofSeconds(30));
    return List.of(
        attempt(issuer, broker, tokenUrl, "main", List.of("api:read")),
        attempt(issuer, broker, tokenUrl, "feature/quick-fix", List.of("metadata:deploy")));
  }

  private static Attempt attempt(DemoIssuerClient issuer, TokenExchangeClient broker, URI tokenUrl, String branch,
      List<String> scopes) {
    ObjectNode claims = DemoIssuerClient.run(DemoIssuerClient.Shape.GITHUB, branch);
    // GitHub's own tokens expire five minutes after issue, and a session never outlives the token it
    // was exchanged for; the demo's runs carry a token valid for 20 minutes (as GitLab's id_tokens
    // can be), so the session shows the policy's 15-minute cap.
    long now = java.time.Instant.now().getEpochSecond();
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + DEMO_TOKEN_LIFETIME_SECONDS);
    String token = issuer.mint(DemoIssuerClient.Shape.GITHUB, claims);
    return new Attempt(branch, PRODUCTION_ORG, scopes, broker.exchange(tokenUrl, token, PRODUCTION_ORG, scopes));
  }
}
