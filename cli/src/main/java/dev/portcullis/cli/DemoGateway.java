package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The gateway as the demo tour shows it (issue 6): a pipeline session on the production org used
 * the way Salesforce clients use it, with the gateway as instance URL: a Contact query whose
 * {@code SSN__c} comes back redacted, a create that the read-only session may not make, and the
 * same session after revocation, answered {@code INVALID_SESSION_ID}.
 */
final class DemoGateway {
  static final String QUERY = "SELECT Id, LastName, SSN__c FROM Contact ORDER BY LastName LIMIT 3";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the three calls answered. */
  record Result(String sessionId, int queryStatus, JsonNode queryBody, int createStatus, String createBody,
      int afterRevokeStatus, String afterRevokeBody) {
    /** Every record has SSN__c and none has a value in it. */
    boolean redacted() {
      JsonNode records = queryBody == null ? null : queryBody.get("records");
      if (records == null || !records.isArray() || records.isEmpty()) {
        return false;
      }
      for (JsonNode record : records) {
        if (!record.has("SSN__c") || !record.get("SSN__c").isNull()) {
          return false;
        }
      }
      return true;
    }
  }

  private DemoGateway() {}

  /**
   * @param revoke revokes the session (by id) before the last call
   */
  static Result run(URI githubIssuer, URI tokenUrl, URI gateway, HttpClient http, java.util.function.Consumer<String> revoke)
      throws Exception {
    DemoIssuerClient issuer = new DemoIssuerClient(DemoIssuerClient.origin(githubIssuer), http);
    ObjectNode claims = DemoIssuerClient.run(DemoIssuerClient.Shape.GITHUB, "main");
    String identity = issuer.mint(DemoIssuerClient.Shape.GITHUB, claims);
    TokenExchangeClient.Outcome outcome = new TokenExchangeClient(http, Duration.ofSeconds(30))
        .exchange(tokenUrl, identity, DemoBroker.PRODUCTION_ORG, List.of("api:read"));
    if (!(outcome instanceof TokenExchangeClient.Outcome.Issued issued)) {
      throw new CliException(ExitCode.UNAVAILABLE, "the demo's main-branch run got no session: " + outcome);
    }
    String session = issued.session().accessToken();
    HttpResponse<String> query = http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v66.0/query?q="
            + URLEncoder.encode(QUERY, StandardCharsets.UTF_8).replace("+", "%20")))
        .header("Authorization", "Bearer " + session).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> create = http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v66.0/sobjects/Account"))
        .header("Authorization", "Bearer " + session).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"Not with a read session\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    revoke.accept(issued.session().sessionId());
    HttpResponse<String> after = http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v66.0/query?q="
            + URLEncoder.encode("SELECT Id FROM Account", StandardCharsets.UTF_8).replace("+", "%20")))
        .header("Authorization", "Bearer " + session).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = null;
    try {
      body = JSON.readTree(query.body());
    } catch (Exception e) {
      // reported through queryStatus and redacted()
    }
    return new Result(issued.session().sessionId(), query.statusCode(), body, create.statusCode(), create.body(),
        after.statusCode(), after.body());
  }
}
