package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.broker.ExchangeResult;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.policy.PolicyBundle;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gateway policy reads a CI run's claims under its issuer's own names, as the broker's did at the
 * exchange: GitLab's {@code project_path}, {@code ref_protected} and {@code pipeline_id}, GitHub's
 * {@code ref_type}.
 */
class GatewayRunClaimsTest extends GatewayTestBase {
  private static final String POLICY = """
      rules:
        - id: ci-runs-get-read-sessions
          effect: allow
          when: request.operation == "" && principal.kind in ["github", "gitlab"]
          session: { scopes: [api:read], max_ttl: 15m }

        - id: protected-gitlab-pipelines-query
          effect: allow
          when: >
            request.operation == "query" && principal.kind == "gitlab"
              && has(principal.claims.project_path) && principal.claims.project_path == "acme/salesforce-app"
              && has(principal.claims.ref_protected) && principal.claims.ref_protected == "true"
              && has(principal.claims.pipeline_id) && principal.claims.pipeline_id == "574"
              && has(principal.claims.namespace_path) && principal.claims.namespace_path == "acme"
              && !has(principal.claims.user_email)

        - id: github-branches-query
          effect: allow
          when: >
            request.operation == "query" && principal.kind == "github"
              && has(principal.claims.ref_type) && principal.claims.ref_type == "branch"
              && has(principal.claims.repository) && principal.claims.repository == "acme/salesforce-app"
      """;

  @Override
  PolicyBundle policy() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("run-claims-policies"));
    Files.writeString(policies.resolve("p.yaml"), POLICY);
    return PolicyBundle.load(policies);
  }

  private String sessionFor(OidcIssuer issuer, Map<String, Object> claims) {
    ExchangeResult result = broker.exchange(issuer.mint(claims), "sbx", "api:read");
    assertThat(result).isInstanceOf(ExchangeResult.Issued.class);
    return ((ExchangeResult.Issued) result).accessToken();
  }

  @Test
  void aProtectedGitlabPipelineIsAllowedByItsGitlabClaims() throws Exception {
    HttpResponse<String> response = get(query("SELECT Id FROM Account"), sessionFor(issuers.gitlab(), Map.of()));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(decisions.getLast().rules()).containsExactly("protected-gitlab-pipelines-query");
  }

  @Test
  void anUnprotectedGitlabRefOrAnotherPipelineIsNotAllowed() throws Exception {
    HttpResponse<String> unprotected = get(query("SELECT Id FROM Account"),
        sessionFor(issuers.gitlab(), Map.of("ref_protected", "false", "ref", "feature")));
    HttpResponse<String> otherPipeline = get(query("SELECT Id FROM Account"),
        sessionFor(issuers.gitlab(), Map.of("pipeline_id", "575")));

    assertThat(unprotected.statusCode()).isEqualTo(403);
    assertThat(otherPipeline.statusCode()).isEqualTo(403);
    assertThat(sandbox.requestCount(dev.portcullis.orgsim.Endpoint.QUERY)).isZero();
  }

  @Test
  void githubRunsAreDecidedOnGithubClaimsTheBindingDidNotKeepBefore() throws Exception {
    HttpResponse<String> branch = get(query("SELECT Id FROM Account"), sessionFor(issuers.github(), Map.of()));
    HttpResponse<String> tag = get(query("SELECT Id FROM Account"),
        sessionFor(issuers.github(), Map.of("ref_type", "tag", "ref", "refs/tags/v1")));

    assertThat(branch.statusCode()).as(branch.body()).isEqualTo(200);
    assertThat(tag.statusCode()).isEqualTo(403);
  }
}
