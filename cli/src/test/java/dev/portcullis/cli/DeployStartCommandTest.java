package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis deploy start} against orgsim directly (as a gateway that allows it would pass it through): the
 * deploy is sent, followed with progress on stderr, and its result printed, in the SARIF and in the exit code; a local
 * deny sends nothing. The gateway's hold and deny faults come from a loopback fake answering exactly those faults.
 */
class DeployStartCommandTest {
  static final String APPROVAL_FAULT = """
      <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>\
      <faultcode>sf:PORTCULLIS_APPROVAL_REQUIRED</faultcode>\
      <faultstring>PORTCULLIS_APPROVAL_REQUIRED: policy holds deployment dpl_7Hq2 for 2 approvals \
      (approve-critical-grants-in-production): approval apr_91xK was requested</faultstring>\
      </soapenv:Fault></soapenv:Body></soapenv:Envelope>""";
  static final String DENIED_FAULT = """
      <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>\
      <faultcode>sf:PORTCULLIS_DENIED</faultcode>\
      <faultstring>PORTCULLIS_DENIED: deployment dpl_8 denied by production-deploys-run-tests</faultstring>\
      </soapenv:Fault></soapenv:Body></soapenv:Envelope>""";

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    DeployCheckCommandTest.start();
  }

  @AfterAll
  static void stop() {
    DeployCheckCommandTest.stop();
  }

  DeployCheckCommandTest.Run run(String alias, String... args) {
    return new DeployCheckCommandTest().run(alias, args);
  }

  /** Runs with the session of {@code alias} but the instance URL {@code instanceUrl} (a fake gateway). */
  DeployCheckCommandTest.Run runAt(String alias, String instanceUrl, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SF_ACCESS_TOKEN", DeployCheckCommandTest.sessions.get(alias));
    env.put("SF_INSTANCE_URL", instanceUrl);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = Main.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err), env);
    return new DeployCheckCommandTest.Run(exit, out.toString(), err.toString());
  }

  Path project(String apexTest) throws Exception {
    Path root = dir.resolve("project");
    Path classes = Files.createDirectories(root.resolve("force-app/main/default/classes"));
    Path sets = Files.createDirectories(root.resolve("force-app/main/default/permissionsets"));
    Files.writeString(root.resolve("sfdx-project.json"), """
        {"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}
        """);
    Files.writeString(sets.resolve("Support_Ops.permissionset-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
            <label>Support Ops</label>
        </PermissionSet>
        """);
    Files.writeString(classes.resolve("GreeterTest.cls"), apexTest);
    Files.writeString(classes.resolve("GreeterTest.cls-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
            <apiVersion>62.0</apiVersion>
            <status>Active</status>
        </ApexClass>
        """);
    return root;
  }

  static final String PASSING = """
      @IsTest
      private class GreeterTest {
          @IsTest static void greets() {
              System.assertEquals(1, 1);
          }
      }
      """;

  static final String FAILING = """
      @IsTest
      private class GreeterTest {
          @IsTest static void greets() {
              System.assertEquals(1, 1);
          }
          @IsTest static void fails() {
              System.assert(false);
          }
      }
      """;

  @Test
  void aSandboxDeploySucceedsWithProgressOnStderrAndTheResultOnStdout() throws Exception {
    Path sarif = dir.resolve("start.sarif");
    DeployCheckCommandTest.Run run = run("uat", "deploy", "start", "--org", "uat", "--environment", "sandbox",
        "--project", project(PASSING).toString(), "--test-level", "RunLocalTests", "--sarif", sarif.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("decision: allowed").contains("queued on").contains("Deployment 0Af")
        .contains(": Succeeded")
        .containsPattern("tests: [1-9][0-9]* run, 0 failed");
    assertThat(run.err()).containsPattern("portcullis: (Pending|InProgress|Succeeded): components \\d+/\\d+, tests \\d+/\\d+");
    assertThat(run.err().lines().filter(l -> l.startsWith("portcullis: Succeeded")).count()).isEqualTo(1);
    assertThat(run.out() + run.err()).doesNotContain(DeployCheckCommandTest.sessions.get("uat"));
    assertThat(DeployCheckCommandTest.orgs.org("uat").metadataNames("PermissionSet")).contains("Support_Ops");
    JsonNode log = new ObjectMapper().readTree(sarif.toFile());
    assertThat(log.get("version").asText()).isEqualTo("2.1.0");
  }

  @Test
  void aFailingApexTestFailsTheDeployReportsItAsItAppearsAndPutsItInTheSarif() throws Exception {
    Path sarif = dir.resolve("failed.sarif");
    DeployCheckCommandTest.Run run = run("uat", "deploy", "start", "--org", "uat", "--environment", "sandbox",
        "--project", project(FAILING).toString(), "--test-level", "RunLocalTests", "--sarif", sarif.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err()).contains("1 failure").contains("test failed: GreeterTest.fails: System.AssertException");
    assertThat(run.err().lines().filter(l -> l.contains("test failed:")).count()).isEqualTo(1);
    assertThat(run.out()).contains(": Failed").contains("Test failures (1)").contains("GreeterTest.fails")
        .containsPattern("tests: [2-9][0-9]* run, 1 failed");
    JsonNode log = new ObjectMapper().readTree(sarif.toFile());
    boolean found = false;
    for (JsonNode result : log.at("/runs/0/results")) {
      if (result.get("ruleId").asText().equals("deploy/test-failure")) {
        found = true;
        assertThat(result.at("/message/text").asText()).contains("GreeterTest");
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
            .isEqualTo("force-app/main/default/classes/GreeterTest.cls");
      }
    }
    assertThat(found).as("a deploy/test-failure result in " + log).isTrue();
  }

  @Test
  void withWaitZeroTheDeployIsQueuedAndNotFollowed() throws Exception {
    DeployCheckCommandTest.Run run = run("uat", "deploy", "start", "--org", "uat", "--environment", "sandbox",
        "--project", project(PASSING).toString(), "--wait", "0");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("queued on").contains("not waiting (--wait 0)").doesNotContain("Deployment 0Af");
    assertThat(run.err()).doesNotContain("components ");
  }

  @Test
  void aLocalDenySendsNothing() throws Exception {
    var prod = DeployCheckCommandTest.orgs.org("prod");
    prod.resetRequestCounts();
    DeployCheckCommandTest.Run run = run("prod", "deploy", "start", "--org", "prod", "--project",
        project(PASSING).toString());
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("Policy: denied").contains("a production deployment must run tests")
        .contains("not deployed: policy denies");
    // Only the inspection's retrieve and its status polls reached the org; no deploy was sent.
    assertThat(prod.metadataNames("ApexClass")).doesNotContain("GreeterTest");
    assertThat(run.out()).doesNotContain("queued");
  }

  @Test
  void aHoldFromTheGatewayPrintsTheApprovalAndTheCommandToRunAgain() throws Exception {
    try (FakeHttpEndpoint gateway = new FakeHttpEndpoint("/services/", 500, APPROVAL_FAULT)) {
      DeployCheckCommandTest.Run run = runAt("prod", gateway.base(), "deploy", "start", "--org", "prod", "--quick",
          "0Af000000000001");
      assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.out()).contains("held for approval by the gateway")
          .contains("approval apr_91xK for deployment dpl_7Hq2")
          .contains("  portcullis deploy approve apr_91xK\n")
          .contains("then run the same command again to deploy: portcullis deploy start --org prod --quick"
              + " 0Af000000000001");
      FakeHttpEndpoint.Request request = gateway.only();
      assertThat(request.uri().getPath()).isEqualTo("/services/Soap/m/66.0");
      assertThat(request.body()).contains("<deployRecentValidation").contains("0Af000000000001")
          .contains(DeployCheckCommandTest.sessions.get("prod"));
      assertThat(run.out() + run.err()).doesNotContain(DeployCheckCommandTest.sessions.get("prod"));
    }
  }

  @Test
  void aDenialFromTheGatewayIsExitOneAndOtherFailuresKeepTheirCodes() throws Exception {
    try (FakeHttpEndpoint gateway = new FakeHttpEndpoint("/services/", 500, DENIED_FAULT)) {
      DeployCheckCommandTest.Run run = runAt("prod", gateway.base(), "deploy", "start", "--org", "prod", "--quick",
          "0Af000000000001");
      assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.out()).contains("denied by the gateway: deployment dpl_8 denied by production-deploys-run-tests");

      gateway.answer(503, "upstream unavailable", "text/plain");
      DeployCheckCommandTest.Run down = runAt("prod", gateway.base(), "deploy", "start", "--org", "prod", "--quick",
          "0Af000000000001");
      assertThat(down.exit()).as(down.out() + down.err()).isEqualTo(4);
    }
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    String root = project(PASSING).toString();
    assertThat(run("uat", "deploy", "start", "--org", "uat", "--project", root, "--wait", "-1").exit()).isEqualTo(2);
    assertThat(run("uat", "deploy", "start", "--org", "uat", "--project", root, "--test-level", "Some").exit())
        .isEqualTo(2);
    assertThat(run("uat", "deploy", "start", "--org", "uat", "--quick", "not-an-id").exit()).isEqualTo(2);
    assertThat(run("uat", "deploy", "start", "--org", "uat", "--quick", "0Af000000000001", "--check-only").exit())
        .isEqualTo(2);
  }
}
