package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.demo.DemoBootstrap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy commands as a pipeline and its approvers use them against a real server (the demo: the
 * org simulator, its OIDC issuers, the TLS gateway): {@code login} gives a session, {@code deploy
 * start} through the gateway is held because a permission set grants ModifyAllData in production,
 * {@code deploy approve} refuses the run's own actor and takes two others, the same {@code deploy
 * start} then deploys, {@code deploy history} and {@code deploy show} tell the story with a checked
 * inclusion proof, and {@code deploy rollback} goes through the same gate.
 */
class DeployThroughGatewayCommandTest {
  @TempDir static Path dir;
  static Path data;
  static PortcullisServer server;

  @BeforeAll
  static void start() throws Exception {
    data = dir.resolve("data");
    DemoBootstrap.Options freePorts = new DemoBootstrap.Options("127.0.0.1", 0, 0, 0, 0,
        () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
    server = PortcullisServer.startDemo(data, Map.of(), freePorts, OptionalInt.empty());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exitCode, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
    return new Run(code, out.toString(), err.toString());
  }

  static Path token(String name, String... args) throws Exception {
    Run minted = run(Map.of(), args);
    assertThat(minted.exitCode()).as(minted.err()).isZero();
    return Files.writeString(dir.resolve(name + ".jwt"), minted.out().strip());
  }

  /** An SFDX project: a new permission set granting ModifyAllData, and a class. */
  static Path project() throws Exception {
    Path project = dir.resolve("project");
    Files.createDirectories(project.resolve("force-app/main/default/permissionsets"));
    Files.createDirectories(project.resolve("force-app/main/default/classes"));
    Files.writeString(project.resolve("sfdx-project.json"), """
        {"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}
        """);
    Files.writeString(project.resolve("force-app/main/default/permissionsets/Pipeline_Ops.permissionset-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
            <label>Pipeline Ops</label>
            <hasActivationRequired>false</hasActivationRequired>
            <userPermissions>
                <enabled>true</enabled>
                <name>ModifyAllData</name>
            </userPermissions>
        </PermissionSet>
        """);
    Files.writeString(project.resolve("force-app/main/default/classes/PipelineNote.cls"),
        "public with sharing class PipelineNote {\n}\n");
    Files.writeString(project.resolve("force-app/main/default/classes/PipelineNote.cls-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
            <apiVersion>62.0</apiVersion>
            <status>Active</status>
        </ApexClass>
        """);
    return project;
  }

  @Test
  void aHeldProductionDeployIsApprovedByTwoOthersDeployedShownAndRolledBack() throws Exception {
    java.time.Instant testStart = java.time.Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Path ci = token("ci", "demo", "ci-token", "--issuer", "github", "--data-dir", data.toString());
    Run login = run(Map.of(), "login", "--org", "prod", "--scope", "api:read metadata:deploy metadata:retrieve",
        "--format", "json", "--token-file=" + ci, "--data-dir", data.toString());
    assertThat(login.exitCode()).as(login.err()).isZero();
    JsonNode session = new ObjectMapper().readTree(login.out());
    Map<String, String> env = new HashMap<>(Map.of("SF_ACCESS_TOKEN", session.get("access_token").asText(),
        "SF_INSTANCE_URL", session.get("instance_url").asText(), "GITHUB_ACTIONS", "true",
        "GITHUB_REPOSITORY", "acme/salesforce-app", "GITHUB_REF_NAME", "main", "GITHUB_REF", "refs/heads/main",
        "GITHUB_REF_PROTECTED", "true", "GITHUB_ACTOR", "alice-dev"));
    env.put("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    String[] start = {"deploy", "start", "--org", "prod", "--project", project().toString(), "--source-dir",
        project().resolve("force-app").toString(), "--test-level", "RunLocalTests", "--ca-cert",
        data.resolve("demo/ca.pem").toString(), "--wait", "2"};

    Run held = run(env, start);
    assertThat(held.exitCode()).as(held.out() + held.err()).isEqualTo(1);
    Matcher approval = Pattern.compile("portcullis deploy approve (apr_[A-Za-z0-9_-]+)").matcher(held.out() + held.err());
    assertThat(approval.find()).as(held.out() + held.err()).isTrue();
    String id = approval.group(1);

    Path alice = token("alice-dev", "demo", "person-token", "--user", "alice-dev", "--data-dir", data.toString());
    Run own = run(Map.of(), "deploy", "approve", id, "--token-file", alice.toString(), "--data-dir", data.toString());
    assertThat(own.exitCode()).as(own.out() + own.err()).isEqualTo(2);
    assertThat(own.err()).contains("separation_of_duties");
    for (String person : new String[] {"bob", "carol"}) {
      Path token = token(person, "demo", "person-token", "--user", person, "--data-dir", data.toString());
      Run vote = run(Map.of(), "deploy", "approve", id, "--token-file", token.toString(), "--data-dir", data.toString());
      assertThat(vote.exitCode()).as(vote.out() + vote.err()).isZero();
    }

    Run deployed = run(env, start);
    assertThat(deployed.exitCode()).as(deployed.out() + deployed.err()).isZero();
    assertThat(deployed.out()).contains("Succeeded");

    // The server follows the deployment to its end on its own and then writes deploy.completed; the index follows
    // the ledger. Wait for both, as an auditor running history a moment later would see them.
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest listing = java.net.http.HttpRequest.newBuilder(server.adminUrl()
        .resolve("/admin/deployments?org=prod")).header("Authorization", "Bearer "
            + Files.readString(data.resolve("admin-token")).strip()).build();
    while (!http.send(listing, java.net.http.HttpResponse.BodyHandlers.ofString()).body()
        .contains("\"state\":\"succeeded\"")) {
      assertThat(java.time.Instant.now()).as("the deployment is recorded as succeeded").isBefore(deadline);
      Thread.onSpinWait();
    }
    // the state is stored before deploy.completed is appended, and the index follows the ledger: ask again until
    // the entry is there, as an auditor would a moment later
    JsonNode completed = null;
    Run history;
    do {
      server.ledger().orElseThrow().awaitIndexed(java.time.Duration.ofSeconds(30));
      history = run(Map.of(), "deploy", "history", "--org", "prod", "--json", "--data-dir", data.toString());
      assertThat(history.exitCode()).as(history.out() + history.err()).isZero();
      for (JsonNode entry : new ObjectMapper().readTree(history.out()).get("deployments")) {
        if (entry.path("kind").asText().equals("deploy.completed")) {
          completed = entry;
        }
      }
    } while (completed == null && java.time.Instant.now().isBefore(deadline));
    assertThat(completed).as(history.out()).isNotNull();
    String deploymentId = completed.at("/entry/deployment_id").asText();
    assertThat(completed.at("/entry/approvers").toString()).contains("bob", "carol");

    Run show = run(Map.of(), "deploy", "show", deploymentId, "--data-dir", data.toString());
    assertThat(show.exitCode()).as(show.out() + show.err()).isZero();
    assertThat(show.out()).contains(deploymentId, "bob", "carol", "alice-dev", "acme/salesforce-app");

    Run rollback = run(env, "deploy", "rollback", deploymentId, "--org", "prod", "--test-level", "RunLocalTests",
        "--ca-cert", data.resolve("demo/ca.pem").toString(), "--data-dir", data.toString(), "--wait", "2");
    assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isEqualTo(1);
    Matcher again = Pattern.compile("portcullis deploy approve (apr_[A-Za-z0-9_-]+)")
        .matcher(rollback.out() + rollback.err());
    assertThat(again.find()).as(rollback.out() + rollback.err()).isTrue();
    Path bob = dir.resolve("bob.jwt");
    assertThat(run(Map.of(), "deploy", "approve", again.group(1), "--token-file", bob.toString(), "--data-dir",
        data.toString()).exitCode()).isZero();
    Run rolledBack = run(env, "deploy", "rollback", deploymentId, "--org", "prod", "--test-level", "RunLocalTests",
        "--ca-cert", data.resolve("demo/ca.pem").toString(), "--data-dir", data.toString(), "--wait", "2");
    assertThat(rolledBack.exitCode()).as(rolledBack.out() + rolledBack.err()).isZero();

    // Drift: the Setup Audit Trail rows the deployments made are explained by their ledger entries; a change made by
    // hand in production is not.
    while (!http.send(listing, java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains("\"rollback_of\":\""
        + deploymentId + "\",\"component_list\"") || !completedRollback(http, listing)) {
      assertThat(java.time.Instant.now()).as("the rollback is recorded as ended").isBefore(deadline.plusSeconds(60));
      Thread.onSpinWait();
    }
    server.ledger().orElseThrow().awaitIndexed(java.time.Duration.ofSeconds(30));
    String[] drift = {"deploy", "drift", "--org", "prod", "--since", testStart.toString(), "--ca-cert",
        data.resolve("demo/ca.pem").toString(), "--data-dir", data.toString(), "--json"};
    Run clean = run(env, drift);
    assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
    assertThat(new ObjectMapper().readTree(clean.out()).get("explained").asInt()).isPositive();
    java.net.http.HttpResponse<String> byHand = http.send(java.net.http.HttpRequest.newBuilder(
            server.demo().orElseThrow().orgUrls().get("prod").resolve("/_orgsim/setup-audit-trail"))
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"username\":\"integration@prod.demo.portcullis.dev\",\"action\":\"PermSetEnableUserPerm\","
                + "\"section\":\"Manage Users\",\"display\":\"Changed permission set Ops: Modify All Data enabled\"}"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(byHand.statusCode()).as(byHand.body()).isEqualTo(201);
    Run drifted = run(env, drift);
    assertThat(drifted.exitCode()).as(drifted.out() + drifted.err()).isEqualTo(1);
    assertThat(drifted.out()).contains("Modify All Data enabled", "PermSetEnableUserPerm");
  }

  /** Whether every deployment the admin API lists has ended (none admitted or running). */
  static boolean completedRollback(java.net.http.HttpClient http, java.net.http.HttpRequest listing) throws Exception {
    String body = http.send(listing, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return !body.contains("\"state\":\"running\"") && !body.contains("\"state\":\"admitted\"");
  }
}
