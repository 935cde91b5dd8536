package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.deploy.pkg.MetadataPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy approve}, {@code deploy rollback}, {@code deploy history} and {@code deploy drift} against loopback
 * fakes of the server (admin API, {@code /ledger-search} answering by kind) and orgsim for the org.
 */
class DeployLedgerCommandsTest {
  static final String ORG_TIME = "2026-11-28T12:00:00Z"; // orgsim's fixed clock (DeployCheckCommandTest.CLOCK)
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;
  FakeServer server;

  @BeforeAll
  static void startOrgs() throws Exception {
    DeployCheckCommandTest.start();
  }

  @AfterAll
  static void stopOrgs() {
    DeployCheckCommandTest.stop();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A server fake: {@code /ledger-search} answers the entries of the asked kind; other paths answer fixed bytes. */
  static final class FakeServer implements AutoCloseable {
    final HttpServer http;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> entriesByKind = new HashMap<>();
    final Map<String, byte[]> files = new HashMap<>();

    FakeServer() throws IOException {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/", exchange -> {
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
            + (query == null ? "" : "?" + query) + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] body;
        int status = 200;
        String type = "application/json";
        if (exchange.getRequestURI().getPath().equals("/ledger-search")) {
          String kind = "";
          for (String pair : query.split("&")) {
            if (pair.startsWith("kind=")) {
              kind = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
          }
          boolean firstPage = query.contains("after_index=-1");
          body = ("{\"entries\":[" + (firstPage ? entriesByKind.getOrDefault(kind, "") : "") + "]}")
              .getBytes(StandardCharsets.UTF_8);
        } else if (files.containsKey(exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query))) {
          body = files.get(exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query));
          type = "application/zip";
        } else {
          status = 404;
          body = "{\"error\":\"no rollback package for this deployment\"}".getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      http.start();
    }

    String base() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  static String completed(long index, String time, String id, String fields) {
    return "{\"index\":" + index + ",\"kind\":\"deploy.completed\",\"time\":\"" + time + "\",\"org\":\"uat\","
        + "\"actor\":\"alice-dev\",\"commit\":\"" + COMMIT + "\",\"deployment_id\":\"" + id + "\",\"entry\":{"
        + "\"v\":1,\"kind\":\"deploy.completed\",\"time\":\"" + time + "\",\"org\":\"uat\",\"actor\":\"alice-dev\","
        + "\"commit\":\"" + COMMIT + "\",\"deployment_id\":\"" + id + "\",\"job\":\"deploy\"" + fields + "}}";
  }

  static String requested(long index, String time, String id, String effect) {
    return "{\"index\":" + index + ",\"kind\":\"deploy.requested\",\"time\":\"" + time + "\",\"org\":\"uat\","
        + "\"actor\":\"mallory\",\"commit\":\"" + COMMIT + "\",\"deployment_id\":\"" + id + "\",\"entry\":{"
        + "\"v\":1,\"kind\":\"deploy.requested\",\"time\":\"" + time + "\",\"org\":\"uat\",\"actor\":\"mallory\","
        + "\"commit\":\"" + COMMIT + "\",\"deployment_id\":\"" + id + "\",\"job\":\"deploy\",\"effect\":\"" + effect
        + "\",\"branch\":\"feature/x\",\"components\":2}}";
  }

  static DeployCheckCommandTest.Run run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SF_ACCESS_TOKEN", DeployCheckCommandTest.sessions.get("uat"));
    env.put("SF_INSTANCE_URL", DeployCheckCommandTest.orgs.org("uat").url().toString());
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_REPOSITORY", "acme/sf");
    env.put("GITHUB_REF", "refs/heads/main");
    env.put("GITHUB_REF_NAME", "main");
    env.put("GITHUB_SHA", COMMIT);
    env.put("GITHUB_ACTOR", "alice-dev");
    env.putAll(extraEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
    return new DeployCheckCommandTest.Run(exit, out.toString(), err.toString());
  }

  @Test
  void approveVotesThroughTheAdminApiLikeApprovalApproveAndDenyWithDeny() throws IOException {
    try (FakeHttpEndpoint admin = new FakeHttpEndpoint("/admin/", 200,
        "{\"outcome\":\"approved\",\"approval\":{\"id\":\"apr_1\",\"expires_at\":\"2026-11-28T13:00:00Z\"}}")) {
      Path token = Files.writeString(dir.resolve("bob.jwt"), ApprovalCommandTest.PERSON_TOKEN + "\n");
      DeployCheckCommandTest.Run run = run(Map.of(), "deploy", "approve", "apr_1", "--comment", "CHG-7",
          "--token-file", token.toString(), "--url", admin.base());
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("apr_1 approved").contains("run the same `portcullis deploy start` command again");
      FakeHttpEndpoint.Request vote = admin.only();
      assertThat(vote.uri().getPath()).isEqualTo("/admin/approvals/vote");
      assertThat(vote.header("Authorization")).isEqualTo("Bearer " + ApprovalCommandTest.PERSON_TOKEN);
      JsonNode body = new ObjectMapper().readTree(vote.body());
      assertThat(body.get("verdict").asText()).isEqualTo("approve");
      assertThat(body.get("comment").asText()).isEqualTo("CHG-7");

      admin.answer(200, "{\"outcome\":\"denied\",\"approval\":{\"id\":\"apr_1\"}}", "application/json");
      DeployCheckCommandTest.Run deny = run(Map.of("PORTCULLIS_TOKEN", ApprovalCommandTest.PERSON_TOKEN), "deploy",
          "approve", "apr_1", "--deny", "--url", admin.base());
      assertThat(deny.exit()).as(deny.err()).isZero();
      assertThat(new ObjectMapper().readTree(admin.requests().get(1).body()).get("verdict").asText()).isEqualTo("deny");
      assertThat(deny.out()).contains("apr_1 denied").doesNotContain("run the same");
    }
  }

  @Test
  void rollbackDownloadsThePackageWithTheAdminTokenAndDeploysIt() throws Exception {
    Path snapshot = Files.createDirectories(dir.resolve("snapshot/labels"));
    Files.writeString(dir.resolve("snapshot/package.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <Package xmlns="http://soap.sforce.com/2006/04/metadata">
            <types><members>Rollback_Set</members><name>PermissionSet</name></types>
            <version>62.0</version>
        </Package>
        """);
    Files.delete(snapshot);
    Path sets = Files.createDirectories(dir.resolve("snapshot/permissionsets"));
    Files.writeString(sets.resolve("Rollback_Set.permissionset"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
            <label>Rollback Set</label>
        </PermissionSet>
        """);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    MetadataPackage.fromMetadataDirectory(dir.resolve("snapshot")).writeZip(zip);
    server = new FakeServer();
    server.files.put("/admin/deployments/rollback-package?id=dpl_42", zip.toByteArray());
    Path adminToken = Files.writeString(dir.resolve("admin-token"), ApprovalCommandTest.ADMIN_TOKEN);

    DeployCheckCommandTest.Run run = run(Map.of(), "deploy", "rollback", "dpl_42", "--org", "uat", "--environment",
        "sandbox", "--url", server.base(), "--admin-token-file", adminToken.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(server.requests).containsExactly("GET /admin/deployments/rollback-package?id=dpl_42 auth=Bearer "
        + ApprovalCommandTest.ADMIN_TOKEN);
    assertThat(run.out()).contains("PermissionSet Rollback_Set is new").contains(": Succeeded");
    assertThat(DeployCheckCommandTest.orgs.org("uat").metadataNames("PermissionSet")).contains("Rollback_Set");

    DeployCheckCommandTest.Run none = run(Map.of(), "deploy", "rollback", "dpl_43", "--org", "uat", "--url",
        server.base(), "--admin-token-file", adminToken.toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no rollback package for this deployment");
    assertThat(run(Map.of(), "deploy", "rollback", "dpl_42", "--org", "uat", "--zip", "x.zip", "--url", server.base(),
        "--admin-token-file", adminToken.toString()).exit()).isEqualTo(2);
  }

  @Test
  void historyListsCompletedAndRefusedDeploymentsNewestFirst() throws Exception {
    server = new FakeServer();
    server.entriesByKind.put("deploy.completed", String.join(",",
        completed(3, "2026-11-28T11:00:00.000Z", "dpl_1", ",\"outcome\":\"succeeded\",\"branch\":\"main\","
            + "\"approvers\":[\"bob\",\"carol\"],\"component_list\":[\"PermissionSet:A\",\"ApexClass:B\",\"Flow:C\"]"),
        completed(9, "2026-11-28T12:30:00.000Z", "dpl_3", ",\"outcome\":\"failed\",\"branch\":\"main\"")));
    server.entriesByKind.put("deploy.requested", String.join(",",
        requested(1, "2026-11-28T10:59:00.000Z", "dpl_1", "allow"),
        requested(6, "2026-11-28T12:00:00.000Z", "dpl_2", "deny")));

    DeployCheckCommandTest.Run run = run(Map.of(), "deploy", "history", "--org", "uat", "--since", "30d", "--url",
        server.base());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines().toList()).containsExactly(
        "2026-11-28T12:30:00.000Z  dpl_3  failed  alice-dev  0123456  main  approvers -  -",
        "2026-11-28T12:00:00.000Z  dpl_2  denied  mallory  0123456  feature/x  approvers -  2 components",
        "2026-11-28T11:00:00.000Z  dpl_1  succeeded  alice-dev  0123456  main  approvers bob,carol  3 components");
    assertThat(server.requests).anyMatch(r -> r.contains("kind=deploy.completed") && r.contains("org=uat")
        && r.contains("since="));
    JsonNode json = new ObjectMapper().readTree(run(Map.of(), "deploy", "history", "--org", "uat", "--url",
        server.base(), "--json").out());
    assertThat(json.at("/deployments/1/status").asText()).isEqualTo("denied");
    assertThat(run(Map.of(), "deploy", "history", "--org", "uat", "--since", "last week", "--url", server.base())
        .exit()).isEqualTo(2);
  }

  @Test
  void driftListsSetupChangesNoDeploymentWindowExplains() throws Exception {
    DeployCheckCommandTest.orgs.org("uat").recordSetupChange(DeployCheckCommandTest.DEPLOYER, "PermSetEnableUserPerm",
        "Manage Users", "Changed permission set Data Steward: Modify All Data permission was changed from disabled"
            + " to enabled");
    server = new FakeServer();
    // A deployment that ran 12:10 to 12:20: the change at 12:00 is 10 minutes before it, drift.
    server.entriesByKind.put("deploy.completed", completed(4, "2026-11-28T12:20:00.000Z", "dpl_9",
        ",\"outcome\":\"succeeded\",\"started\":\"2026-11-28T12:10:00.000Z\",\"completed\":\"2026-11-28T12:20:00.000Z\""));

    DeployCheckCommandTest.Run run = run(Map.of(), "deploy", "drift", "--org", "uat", "--since",
        "2026-11-28T11:00:00Z", "--url", server.base());

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    // Since 11:00 the org's seeded hand-made changes (07:00 and earlier) are out of range; another test's deploy (on
    // the same fixed clock) may add rows at 12:00 as well.
    assertThat(run.out()).containsPattern("^[1-9][0-9]* setup change\\(s\\) in uat since 2026-11-28T11:00:00Z").contains("2026-11-28T12:00:00Z  "
        + DeployCheckCommandTest.DEPLOYER + "  Manage Users  PermSetEnableUserPerm  Changed permission set Data Steward");
    assertThat(run.out() + run.err()).doesNotContain(DeployCheckCommandTest.sessions.get("uat"));

    // A deployment that completed at 11:58: the change at 12:00 is exactly at the edge of its 2-minute slack.
    server.entriesByKind.put("deploy.completed", completed(4, "2026-11-28T11:58:00.000Z", "dpl_8",
        ",\"outcome\":\"succeeded\",\"started\":\"2026-11-28T11:50:00.000Z\",\"completed\":\"2026-11-28T11:58:00.000Z\""));
    DeployCheckCommandTest.Run explained = run(Map.of(), "deploy", "drift", "--org", "uat", "--since",
        "2026-11-28T11:00:00Z", "--url", server.base(), "--json");
    assertThat(explained.exit()).as(explained.out() + explained.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(explained.out());
    assertThat(json.get("drift")).isEmpty();
    assertThat(json.get("explained").asInt()).isPositive();
  }
}
