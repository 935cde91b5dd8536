package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployment governance end to end on a real server in front of orgsim: a pipeline's Metadata API
 * deploy through the gateway passes in the sandbox; the same package to production is held because
 * a permission set gains ModifyAllData (two approvers, never the run's actor); once approved it
 * deploys, the server follows it to its end and records one {@code deploy.completed} with the whole
 * story; and its rollback package, deployed through the same gate, restores the previous state.
 */
class GatewayDeployServerTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.deploy.test";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  OidcIssuerSimulator issuers;
  OrgSimulator orgs;
  PortcullisServer server;

  @AfterEach
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {server, orgs, issuers}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    TestFiles.write(dir.resolve("keys/app.pem"), TestFiles.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    var certificate = TestFiles.selfSigned(keys, "SHA256withRSA");
    orgs = OrgSimulator.builder()
        .org(OrgSpec.builder("sbx").environment(OrgEnvironment.SANDBOX).connectedApp(CONSUMER_KEY, certificate)
            .user("integration@acme.example").user("deployer@acme.example").build())
        .org(OrgSpec.builder("prod").environment(OrgEnvironment.PRODUCTION).connectedApp(CONSUMER_KEY, certificate)
            .user("integration@acme.example").user("deployer@acme.example").build())
        .start();
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    Path policies = Files.createDirectories(dir.resolve("policies"));
    PolicyBundle.writeDefault(policies);
    Path params = policies.resolve("params.yaml");
    Files.writeString(params, Files.readString(params).replace("allowed_github_repositories: []",
        "allowed_github_repositories: [\"acme/salesforce-app\"]"));
    StringBuilder orgsYaml = new StringBuilder("orgs:\n");
    for (String alias : List.of("sbx", "prod")) {
      URI url = orgs.org(alias).url();
      orgsYaml.append("""
            - alias: %s
              environment: %s
              login_url: %s
              instance_url: %s
              consumer_key: %s
              username: integration@acme.example
              private_key: keys/app.pem
              org_id: %s
              integration_users:
                - { username: deployer@acme.example, scopes: [api:read, metadata:deploy], private_key: keys/app.pem }
          """.formatted(alias, alias.equals("sbx") ? "sandbox" : "production", url, url, CONSUMER_KEY,
          orgs.org(alias).orgId()));
    }
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        broker:
          policies: policies
        identity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s }
          approvers:
            - { issuer: %s, subjects: [alice, alice-dev, bob] }
        """.formatted(issuers.github().issuer(), issuers.github().jwksUri(), issuers.github().issuer())
        + orgsYaml), Map.of());
    this.config = config;
    server = PortcullisServer.start(config, dir.resolve("data"));
  }

  Config config;

  String session(String org) throws Exception {
    String idToken = issuers.github().mint(Map.of("ref_protected", "true"));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
        .resolve("/oauth2/token")).timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(BrokerTestConfig.exchangeForm(idToken, org,
            "api:read metadata:deploy"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("access_token").asText();
  }

  MetadataClient metadata(String session) {
    return MetadataClient.builder(server.gatewayUrl().orElseThrow(), () -> session, http)
        .pollInterval(Duration.ofMillis(50), Duration.ofMillis(200)).build();
  }

  @Test
  void aPipelineDeployIsGatedApprovedByTwoOtherPeopleRecordedAndRolledBack() throws Exception {
    start();
    byte[] zip = zip();
    DeployOptions runLocalTests = DeployOptions.builder().singlePackage(true)
        .testLevel(DeployOptions.TestLevel.RunLocalTests).build();

    // The sandbox: no approvals, deployed, followed to its end by the server.
    MetadataClient sandbox = metadata(session("sbx"));
    DeployResult toSandbox = sandbox.awaitDeploy(sandbox.deploy(zip, runLocalTests).id(), TIMEOUT, p -> { });
    assertThat(toSandbox.status()).as(toSandbox.toString()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(completed("sbx", 1)).singleElement().satisfies(entry -> {
      assertThat(entry.fields()).containsEntry("salesforce_deploy_id", toSandbox.id()).containsEntry("org", "sbx")
          .containsEntry("actor", "alice-dev").containsEntry("outcome", "succeeded");
    });

    // Production: held, ModifyAllData needs two approvers.
    MetadataClient production = metadata(session("prod"));
    String approval = held(() -> production.deploy(zip, runLocalTests));
    String adminToken = Files.readString(dir.resolve("data/admin-token")).strip();
    String approve = "{\"id\":\"" + approval + "\",\"verdict\":\"approve\",\"comment\":\"CHG-7\"}";
    HttpResponse<String> own = vote(person("alice-dev"), approve);
    assertThat(own.statusCode()).as("the run's actor may not approve").isEqualTo(403);
    assertThat(own.body()).contains("separation_of_duties");
    assertThat(vote(person("alice"), approve).statusCode()).isEqualTo(200);
    assertThat(held(() -> production.deploy(zip, runLocalTests))).as("one of two votes").isEqualTo(approval);
    assertThat(vote(person("bob"), approve).statusCode()).isEqualTo(200);

    DeployResult toProduction = production.awaitDeploy(production.deploy(zip, runLocalTests).id(), TIMEOUT, p -> { });
    assertThat(toProduction.status()).as(toProduction.toString()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(orgs.org("prod").metadataNames("ApexClass")).contains("InvoiceSweeper");
    LedgerEntry completed = completed("prod", 1).getFirst();
    assertThat(completed.fields()).containsEntry("salesforce_deploy_id", toProduction.id())
        .containsEntry("repository", "acme/salesforce-app").containsEntry("branch", "main");
    assertThat(completed.fields().get("approvers").toString()).contains("alice", "bob");
    String deploymentId = (String) completed.fields().get("deployment_id");

    // The admin API lists it and gives its rollback package, which goes through the same gate.
    JsonNode listed = json.readTree(admin("/admin/deployments?org=prod", adminToken).body()).get("deployments");
    assertThat(listed).anySatisfy(d -> {
      assertThat(d.get("id").asText()).isEqualTo(deploymentId);
      assertThat(d.get("state").asText()).isEqualTo("succeeded");
    });
    HttpResponse<byte[]> rollback = http.send(HttpRequest.newBuilder(server.adminUrl().resolve(
        "/admin/deployments/rollback-package?id=" + deploymentId)).header("Authorization", "Bearer " + adminToken)
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(rollback.statusCode()).isEqualTo(200);
    String rollbackApproval = held(() -> production.deploy(rollback.body(), runLocalTests));
    assertThat(vote(person("bob"), "{\"id\":\"" + rollbackApproval + "\",\"verdict\":\"approve\",\"comment\":\"undo\"}")
        .statusCode()).isEqualTo(200);
    DeployResult rolledBack = production.awaitDeploy(production.deploy(rollback.body(), runLocalTests).id(), TIMEOUT,
        p -> { });
    assertThat(rolledBack.status()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(orgs.org("prod").metadataNames("ApexClass")).doesNotContain("InvoiceSweeper");
    assertThat(completed("prod", 2).getLast().fields()).containsEntry("rollback_of", deploymentId);

    assertThat(admin("/admin/deployments/rollback-package?id=dpl_nope", adminToken).statusCode()).isEqualTo(404);
    assertThat(admin("/admin/deployments", "wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void aDeploymentRunningWhenTheServerStoppedIsFollowedToItsEndAfterARestart() throws Exception {
    start();
    MetadataClient sandbox = metadata(session("sbx"));
    DeployOptions options = DeployOptions.builder().singlePackage(true).build();
    DeployResult done = sandbox.awaitDeploy(sandbox.deploy(zip(), options).id(), TIMEOUT, p -> { });
    assertThat(done.status()).isEqualTo(DeployResult.Status.Succeeded);
    completed("sbx", 1);
    server.close();
    server = null;

    // As if the server had stopped while following it: the same deployment, running, under another id.
    String running = "dpl_restarted";
    try (dev.portcullis.store.Store store = dev.portcullis.store.Store.open(
        "sqlite:" + dir.resolve("data/portcullis.db"), dir.resolve("data"))) {
      dev.portcullis.store.Deployment d = store.deployments().list("sbx", null, 10).getFirst();
      store.deployments().create(new dev.portcullis.store.Deployment(running, d.orgAlias(), d.environment(),
          dev.portcullis.store.Deployment.State.RUNNING, d.effect(), d.via(), d.requestedAt(), d.startedAt(), null,
          d.packageSha256(), d.componentCount(), d.destructive(), d.checkOnly(), d.quickDeployOf(), d.testLevel(),
          d.tests(), d.requester(), d.git(), d.decisionId(), d.rules(), d.reason(), d.approvalId(), d.approvers(),
          d.salesforceDeployId(), d.snapshotSha256(), d.rollbackSha256(), d.rollbackOf(), d.componentList(),
          d.changeList(), null));
    }
    server = PortcullisServer.start(config, dir.resolve("data"));
    List<LedgerEntry> entries = completed("sbx", 2);
    assertThat(entries.getLast().fields()).containsEntry("deployment_id", running)
        .containsEntry("salesforce_deploy_id", done.id()).containsEntry("outcome", "succeeded");
  }

  /** Runs {@code deploy}, which must be held for approval; answers the approval's id. */
  String held(org.assertj.core.api.ThrowableAssert.ThrowingCallable deploy) {
    List<String> id = new ArrayList<>();
    assertThatThrownBy(deploy).isInstanceOf(SalesforceException.class).satisfies(e -> {
      assertThat(e.getMessage()).contains("PORTCULLIS_APPROVAL_REQUIRED");
      Matcher matcher = Pattern.compile("approval (apr_[A-Za-z0-9_-]+)").matcher(e.getMessage());
      assertThat(matcher.find()).as(e.getMessage()).isTrue();
      id.add(matcher.group(1));
    });
    return id.getFirst();
  }

  /** The {@code deploy.completed} entries for {@code org}, once there are {@code count}: the server follows deployments on its own. */
  List<LedgerEntry> completed(String org, int count) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (true) {
      List<LedgerEntry> entries = new ArrayList<>();
      for (LedgerEntry entry : ledger()) {
        if (entry.kind().equals("deploy.completed") && org.equals(entry.fields().get("org"))) {
          entries.add(entry);
        }
      }
      if (entries.size() >= count || Instant.now().isAfter(deadline)) {
        assertThat(entries).hasSize(count);
        return entries;
      }
      Thread.onSpinWait();
    }
  }

  List<LedgerEntry> ledger() throws Exception {
    server.ledger().orElseThrow().awaitPublished();
    var reader = server.ledger().orElseThrow().reader();
    long size = dev.portcullis.ledger.Checkpoint.of(dev.portcullis.ledger.SignedNote.parse(
        reader.read(dev.portcullis.ledger.LedgerReader.CHECKPOINT))).size();
    List<LedgerEntry> entries = new ArrayList<>();
    dev.portcullis.ledger.LedgerEntries.forEach(reader, 0, size, size,
        (index, bytes) -> entries.add(LedgerEntry.parse(bytes)));
    return entries;
  }

  HttpResponse<String> vote(String bearer, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/approvals/vote")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> admin(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(server.adminUrl().resolve(path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  String person(String name) {
    return issuers.github().mint(Map.of("sub", name));
  }

  /** The seeded Integration_API permission set gaining ModifyAllData, and a new class. */
  static byte[] zip() throws Exception {
    String permissionSet;
    try (var in = OrgSimulator.class.getClassLoader()
        .getResourceAsStream("orgsim/metadata/permissionsets/Integration_API.permissionset")) {
      permissionSet = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      put(out, "permissionsets/Integration_API.permissionset", permissionSet.replace("</PermissionSet>",
          "    <userPermissions>\n        <enabled>true</enabled>\n        <name>ModifyAllData</name>\n"
              + "    </userPermissions>\n</PermissionSet>"));
      put(out, "classes/InvoiceSweeper.cls", "public with sharing class InvoiceSweeper {\n}\n");
      put(out, "classes/InvoiceSweeper.cls-meta.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ApexClass xmlns="
          + "\"http://soap.sforce.com/2006/04/metadata\"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n");
      put(out, "package.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/"
          + "metadata\"><types><members>InvoiceSweeper</members><name>ApexClass</name></types><types><members>"
          + "Integration_API</members><name>PermissionSet</name></types><version>62.0</version></Package>\n");
    }
    return bytes.toByteArray();
  }

  static void put(ZipOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new ZipEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
