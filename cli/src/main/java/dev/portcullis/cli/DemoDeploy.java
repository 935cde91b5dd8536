package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Deployment governance as the demo tour shows it (issue 7), each call as a pipeline makes it, with
 * the gateway as the Metadata API's instance URL: a package (a new permission set granting
 * ModifyAllData, and a class) deployed to the sandbox passes; the same package to production is held
 * for two approvers; the vote of the run's own actor (alice-dev) is refused; bob's and carol's let it
 * through; its rollback package, taken from the snapshot before it, goes through the same gate (one
 * approver for a rollback in production) and removes what the deployment added.
 */
final class DemoDeploy {
  static final String PERMISSION_SET = "Demo_Release_Ops";
  static final String CLASS = "ReleaseNotes";
  private static final Pattern APPROVAL = Pattern.compile("approval (apr_[A-Za-z0-9_-]+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** One line per call, and whether each did what the tour expects. */
  record Result(List<String> lines, boolean ok, String deploymentId) {}

  private final URI gateway;
  private final URI tokenUrl;
  private final URI adminUrl;
  private final String adminToken;
  private final DemoIssuerClient github;
  private final DemoIssuerClient people;
  private final HttpClient http;
  private final List<String> lines = new ArrayList<>();
  private boolean ok = true;

  DemoDeploy(URI githubIssuer, URI peopleIssuer, URI tokenUrl, URI gateway, URI adminUrl, String adminToken,
      HttpClient http) {
    this.gateway = gateway;
    this.tokenUrl = tokenUrl;
    this.adminUrl = adminUrl;
    this.adminToken = adminToken;
    this.github = new DemoIssuerClient(DemoIssuerClient.origin(githubIssuer), http);
    this.people = new DemoIssuerClient(DemoIssuerClient.origin(peopleIssuer), http);
    this.http = http;
  }

  Result run() throws Exception {
    byte[] zip = zip();
    DeployOptions options = DeployOptions.builder().singlePackage(true)
        .testLevel(DeployOptions.TestLevel.RunLocalTests).build();

    MetadataClient sandbox = metadata(session("sandbox"));
    DeployResult toSandbox = sandbox.awaitDeploy(sandbox.deploy(zip, options).id(), WAIT, progress -> { });
    expect(toSandbox.status() == DeployResult.Status.Succeeded, "sandbox: deploy " + PERMISSION_SET + " (grants"
        + " ModifyAllData) + " + CLASS + " -> " + toSandbox.status() + " (no approval needed in a sandbox)");

    MetadataClient production = metadata(session(DemoBroker.PRODUCTION_ORG));
    String approval = held(() -> production.deploy(zip, options), "prod: the same package");
    if (approval == null) {
      return new Result(lines, false, null);
    }
    String body = "{\"id\":\"" + approval + "\",\"verdict\":\"approve\",\"comment\":\"CHG-2041 release ops\"}";
    HttpResponse<String> own = vote("alice-dev", body);
    expect(own.statusCode() == 403 && own.body().contains("separation_of_duties"),
        "alice-dev (who pushed the commit the run deploys) approves " + approval + " -> " + own.statusCode() + " "
            + error(own.body()));
    for (String person : List.of("bob", "carol")) {
      HttpResponse<String> vote = vote(person, body);
      expect(vote.statusCode() == 200, person + " approves " + approval + " -> " + vote.statusCode() + " "
          + JSON.readTree(vote.body()).path("outcome").asText());
    }
    DeployResult toProduction = production.awaitDeploy(production.deploy(zip, options).id(), WAIT, progress -> { });
    expect(toProduction.status() == DeployResult.Status.Succeeded, "prod: the same package again -> "
        + toProduction.status() + " (Salesforce deploy " + toProduction.id() + ")");

    JsonNode deployment = deployment(toProduction.id());
    String deploymentId = deployment == null ? null : deployment.path("id").asText();
    expect(deployment != null, "recorded as deployment " + deploymentId + ": commit "
        + (deployment == null ? "?" : deployment.at("/git/commit").asText().substring(0, 12)) + " on "
        + (deployment == null ? "?" : deployment.at("/git/branch").asText()) + " by "
        + (deployment == null ? "?" : deployment.at("/requester/actor").asText()) + ", approved by "
        + (deployment == null ? "?" : deployment.path("approvers")) + ", snapshot "
        + (deployment == null ? "?" : deployment.path("snapshot_sha256").asText().substring(0, 12)) + "…");
    if (deploymentId == null) {
      return new Result(lines, false, null);
    }

    HttpResponse<byte[]> rollback = http.send(HttpRequest.newBuilder(adminUrl.resolve(
            "/admin/deployments/rollback-package?id=" + deploymentId)).header("Authorization", "Bearer " + adminToken)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (rollback.statusCode() != 200) {
      expect(false, "the rollback package of " + deploymentId + " -> " + rollback.statusCode());
      return new Result(lines, false, deploymentId);
    }
    String rollbackApproval = held(() -> production.deploy(rollback.body(), options),
        "prod: `portcullis deploy rollback " + deploymentId + "` (its snapshot, deleting what it added)");
    if (rollbackApproval == null) {
      return new Result(lines, false, deploymentId);
    }
    HttpResponse<String> rollbackVote = vote("bob", "{\"id\":\"" + rollbackApproval
        + "\",\"verdict\":\"approve\",\"comment\":\"undo CHG-2041\"}");
    expect(rollbackVote.statusCode() == 200, "bob approves " + rollbackApproval + " -> " + rollbackVote.statusCode());
    DeployResult rolledBack = production.awaitDeploy(production.deploy(rollback.body(), options).id(), WAIT,
        progress -> { });
    expect(rolledBack.status() == DeployResult.Status.Succeeded && rolledBack.numberComponentsDeployed() > 0,
        "prod: the rollback again -> " + rolledBack.status() + ", " + rolledBack.numberComponentsDeployed()
            + " components: " + PERMISSION_SET + " and " + CLASS + " deleted");
    expect(recorded(), "every deployment above recorded to its end (deploy.completed in the ledger)");
    return new Result(lines, ok, deploymentId);
  }

  /**
   * Waits (up to a minute) until the server has followed every deployment to its end and recorded it, so that the
   * ledger step below shows the whole story.
   */
  private boolean recorded() throws IOException, InterruptedException {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    while (java.time.Instant.now().isBefore(deadline)) {
      HttpResponse<String> listed = http.send(HttpRequest.newBuilder(adminUrl.resolve("/admin/deployments"))
          .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      boolean running = false;
      for (JsonNode d : JSON.readTree(listed.body()).path("deployments")) {
        String state = d.path("state").asText();
        running |= state.equals("admitted") || state.equals("running");
      }
      if (listed.statusCode() == 200 && !running) {
        return true;
      }
      Thread.onSpinWait();
    }
    return false;
  }

  private void expect(boolean condition, String line) {
    lines.add((condition ? "" : "UNEXPECTED: ") + line);
    ok &= condition;
  }

  /** Runs a deploy that must be held; answers the approval's id (null, and a failed line, if it was not held). */
  private String held(ThrowingRunnable deploy, String what) {
    try {
      deploy.run();
      expect(false, what + " -> deployed, but it should have been held for approval");
      return null;
    } catch (SalesforceException e) {
      Matcher matcher = APPROVAL.matcher(e.getMessage());
      boolean held = e.getMessage().contains("PORTCULLIS_APPROVAL_REQUIRED") && matcher.find();
      String reason = e.getMessage().replaceAll("\\s+", " ");
      expect(held, what + " -> held: " + (reason.length() > 260 ? reason.substring(0, 260) + "…" : reason));
      return held ? matcher.group(1) : null;
    } catch (Exception e) {
      expect(false, what + " -> failed: " + e.getMessage());
      return null;
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private String session(String org) {
    ObjectNode claims = DemoIssuerClient.run(DemoIssuerClient.Shape.GITHUB, "main");
    String identity = github.mint(DemoIssuerClient.Shape.GITHUB, claims);
    TokenExchangeClient.Outcome outcome = new TokenExchangeClient(http, Duration.ofSeconds(30))
        .exchange(tokenUrl, identity, org, List.of("api:read", "metadata:deploy"));
    if (!(outcome instanceof TokenExchangeClient.Outcome.Issued issued)) {
      throw new CliException(ExitCode.UNAVAILABLE, "the demo's main-branch run got no deploy session on " + org
          + ": " + outcome);
    }
    return issued.session().accessToken();
  }

  private MetadataClient metadata(String session) {
    return MetadataClient.builder(gateway, () -> session, http)
        .pollInterval(Duration.ofMillis(100), Duration.ofMillis(500)).build();
  }

  private HttpResponse<String> vote(String person, String body) throws IOException, InterruptedException {
    String token = people.mint(DemoIssuerClient.Shape.PEOPLE, DemoIssuerClient.person(person));
    return http.send(HttpRequest.newBuilder(adminUrl.resolve("/admin/approvals/vote")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The admin API's record of the deployment Salesforce knows as {@code salesforceId}, once it is recorded. */
  private JsonNode deployment(String salesforceId) throws IOException, InterruptedException {
    HttpResponse<String> listed = http.send(HttpRequest.newBuilder(adminUrl.resolve("/admin/deployments?org="
            + DemoBroker.PRODUCTION_ORG)).header("Authorization", "Bearer " + adminToken)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode d : JSON.readTree(listed.body()).path("deployments")) {
      if (salesforceId.equals(d.path("salesforce_deploy_id").asText())) {
        return d;
      }
    }
    return null;
  }

  private static String error(String body) {
    try {
      return JSON.readTree(body).path("error").asText() + ": " + JSON.readTree(body).path("message").asText();
    } catch (IOException e) {
      return body;
    }
  }

  /** The demo's package, in Metadata API format. */
  static byte[] zip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      put(out, "package.xml", """
          <?xml version="1.0" encoding="UTF-8"?>
          <Package xmlns="http://soap.sforce.com/2006/04/metadata">
              <types><members>%s</members><name>ApexClass</name></types>
              <types><members>%s</members><name>PermissionSet</name></types>
              <version>62.0</version>
          </Package>
          """.formatted(CLASS, PERMISSION_SET));
      put(out, "permissionsets/" + PERMISSION_SET + ".permissionset", """
          <?xml version="1.0" encoding="UTF-8"?>
          <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
              <label>Release Ops</label>
              <hasActivationRequired>false</hasActivationRequired>
              <userPermissions>
                  <enabled>true</enabled>
                  <name>ApiEnabled</name>
              </userPermissions>
              <userPermissions>
                  <enabled>true</enabled>
                  <name>ModifyAllData</name>
              </userPermissions>
          </PermissionSet>
          """);
      put(out, "classes/" + CLASS + ".cls", "public with sharing class " + CLASS + " {\n}\n");
      put(out, "classes/" + CLASS + ".cls-meta.xml", """
          <?xml version="1.0" encoding="UTF-8"?>
          <ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
              <apiVersion>62.0</apiVersion>
              <status>Active</status>
          </ApexClass>
          """);
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream out, String name, String text) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
