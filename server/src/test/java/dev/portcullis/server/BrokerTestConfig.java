package dev.portcullis.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.salesforce.oauth.AccessToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** YAML pieces and parts the broker and gateway tests share (docs/CONFIGURATION.md). */
final class BrokerTestConfig {
  /** The production org's id in these tests. */
  static final String PROD_ID = "00D5e000000AbCdEAA";

  private BrokerTestConfig() {}

  /**
   * An {@code orgs:} section with the production org {@code prod} (key {@code keys/prod.pem}), its
   * org id and one integration user, {@code reader@acme.com} with {@code api:read}.
   */
  static String prodOrgWithReader(String orgId) {
    return prodOrg(orgId, "{ username: reader@acme.com, scopes: [api:read], private_key: keys/prod.pem }");
  }

  /** As {@link #prodOrgWithReader} with these integration users (YAML flow mappings, one each). */
  static String prodOrg(String orgId, String... integrationUsers) {
    StringBuilder users = new StringBuilder();
    for (String user : integrationUsers) {
      users.append("      - ").append(user).append('\n');
    }
    return """
        orgs:
          - alias: prod
            environment: production
            login_url: https://login.salesforce.com
            instance_url: https://acme.my.salesforce.com
            consumer_key: 3MVG9TEST
            username: integration@acme.com
            private_key: keys/prod.pem
            org_id: %s
            integration_users:
        """.formatted(orgId) + users;
  }

  /**
   * A Salesforce whose every integration user gets a token for {@code orgId} with {@code instanceUrl}
   * as its instance (a recording upstream), and that revokes nothing.
   */
  static SalesforceTokens salesforceAt(URI instanceUrl, String orgId) {
    return new SalesforceTokens() {
      @Override
      public AccessToken obtain(IntegrationUser user, OrgTarget org) {
        return new AccessToken(orgId + "!upstream", instanceUrl,
            URI.create("https://login.salesforce.com/id/" + orgId + "/005000000000001AAA"), "Bearer", "api", null,
            orgId, "005000000000001AAA");
      }

      @Override
      public void revoke(OrgTarget org, AccessToken token) {}
    };
  }

  /**
   * Exchanges {@code subjectToken} at the gateway's {@code /oauth2/token} for a session on org {@code
   * prod} with {@code scope}, and returns the answer (asserting it is a 200).
   */
  static JsonNode exchange(HttpClient http, URI gateway, String subjectToken, String scope)
      throws IOException, InterruptedException {
    HttpResponse<String> response = exchangeResponse(http, gateway, subjectToken, scope);
    org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  /** The HTTP status of {@link #exchange}'s answer, whatever it is. */
  static int exchangeStatus(HttpClient http, URI gateway, String subjectToken, String scope)
      throws IOException, InterruptedException {
    return exchangeResponse(http, gateway, subjectToken, scope).statusCode();
  }

  private static HttpResponse<String> exchangeResponse(HttpClient http, URI gateway, String subjectToken, String scope)
      throws IOException, InterruptedException {
    String form = exchangeForm(subjectToken, "prod", scope);
    return http.send(HttpRequest.newBuilder(gateway.resolve("/oauth2/token"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The form of an RFC 8693 token exchange of CI identity token {@code idToken} for a session on org {@code audience}. */
  static String exchangeForm(String idToken, String audience, String scope) {
    return "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
        + "&subject_token=" + idToken + "&subject_token_type="
        + URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", StandardCharsets.UTF_8)
        + "&audience=" + audience + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
  }

  /** An {@code identity:} section trusting one GitHub-Actions-shaped issuer. */
  static String githubIssuer(String issuer, Object jwksUri) {
    return """
        identity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s }
        """.formatted(issuer, jwksUri);
  }
}
