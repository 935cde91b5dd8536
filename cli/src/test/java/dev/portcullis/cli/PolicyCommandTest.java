package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis policy check|eval|test|init} through Main, as a user runs them. */
class PolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = """
      rules:
        - id: sandbox-writes
          effect: allow
          when: org.environment == "sandbox" && principal.kind == "github"
          session: { max_ttl: 10m, scopes: [api:read, api:write] }
          obligations: { max_records: 100 }
        - id: no-anonymous-apex
          effect: deny
          when: request.operation == "execute_anonymous"
          reason: no anonymous Apex
      """;
  private static final String INPUT = """
      {"principal": {"kind": "github", "subject": "repo:acme/sf"},
       "session": {"scopes": ["api:write", "bulk"]},
       "org": {"environment": "sandbox"}, "now": "2026-11-29T12:00:00Z"}
      """;

  @Test
  void checkListsProblemsWithFileLineColumnAndExitsTwo(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), RULES.replace("org.environment", "org.enviroment"));
    MainTest.Run run = MainTest.run("policy", "check", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).contains(dir.resolve("p.yaml") + ":4:15: CEL: undefined field 'enviroment'").contains("1 problem");

    MainTest.Run asJson = MainTest.run("policy", "check", dir.toString(), "--json");
    JsonNode node = JSON.readTree(asJson.out());
    assertThat(node.get("ok").asBoolean()).isFalse();
    assertThat(node.at("/problems/0/line").asInt()).isEqualTo(4);
    assertThat(node.at("/problems/0/code").asText()).isEqualTo("CEL_TYPE");
  }

  @Test
  void checkAcceptsAGoodBundle(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), RULES);
    MainTest.Run run = MainTest.run("policy", "check", dir.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("OK: 2 rules in 1 files, 0 tests; bundle sha256 ");
  }

  @Test
  void evalExplainsTheDecisionAndExitsOneOnDeny(@TempDir Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve("policies"));
    Path inputs = Files.createDirectories(root.resolve("inputs"));
    Files.writeString(dir.resolve("p.yaml"), RULES);
    Files.writeString(inputs.resolve("in.json"), INPUT);
    MainTest.Run allow = MainTest.run("policy", "eval", "--policies", dir.toString(), "--input", inputs.resolve("in.json").toString());
    assertThat(allow.exitCode()).as(allow.err()).isZero();
    assertThat(allow.out()).contains("ALLOW", "scopes: api:write", "max ttl: 10m", "obligation max_records: 100",
        "matched     allow sandbox-writes (p.yaml:2)",
        "not matched deny no-anonymous-apex (p.yaml:7): the condition is false");

    Files.writeString(inputs.resolve("in.yaml"), """
        principal: { kind: gitlab }
        org: { environment: sandbox }
        request: { operation: execute_anonymous }
        """);
    MainTest.Run deny = MainTest.run("policy", "eval", "--policies", dir.toString(), "--input", inputs.resolve("in.yaml").toString(), "--json");
    assertThat(deny.exitCode()).as(deny.out() + deny.err()).isEqualTo(1);
    JsonNode node = JSON.readTree(deny.out());
    assertThat(node.get("effect").asText()).isEqualTo("deny");
    assertThat(node.at("/reasons/0").asText()).isEqualTo("no anonymous Apex");
    assertThat(node.at("/rules/0/detail").asText()).isEqualTo("condition 2 of 2 is false: principal.kind == \"github\"");
    assertThat(node.get("bundle_sha256").asText()).hasSize(64);
  }

  @Test
  void evalDecidesADeployInputWithTheDeployRules(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("deployment.yaml"), """
        principal: { kind: github, subject: "repo:acme/sf:ref:refs/heads/main" }
        org: { alias: prod, environment: production }
        deploy:
          test_level: RunLocalTests
          changes: [{ kind: user-permission.granted, subject: ModifyAllData, severity: critical }]
        git: { repository: acme/sf, branch: main, protected: true }
        now: "2026-11-29T12:00:00Z"
        """);
    MainTest.Run run = MainTest.run("policy", "eval", "--default", "--input", dir.resolve("deployment.yaml").toString());
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("ALLOW: ", "decision point: deploy",
        "obligation require_approval: {approvers=2} (from approve-critical-grants-in-production)",
        "matched     allow approve-critical-grants-in-production (deploy.yaml:",
        "not matched deny production-deploys-run-tests (deploy.yaml:")
        .doesNotContain("read-for-any-authenticated-caller");

    MainTest.Run json = MainTest.run("policy", "eval", "--default", "--input", dir.resolve("deployment.yaml").toString(),
        "--json");
    JsonNode node = JSON.readTree(json.out());
    assertThat(node.get("point").asText()).isEqualTo("deploy");
    assertThat(node.at("/obligations/0/value/approvers").asInt()).isEqualTo(2);

    Files.writeString(dir.resolve("bare.yaml"), "principal: { kind: github, subject: x }\norg: { environment: production }\n");
    MainTest.Run forced = MainTest.run("policy", "eval", "--default", "--on", "deploy", "--input", dir.resolve("bare.yaml").toString());
    assertThat(forced.exitCode()).as(forced.out() + forced.err()).isEqualTo(1);
    assertThat(forced.out()).contains("DENY: ", "a production deployment must run tests");
  }

  @Test
  void evalReportsABadInputWithPositions(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("in.yaml"), "org: { environmnt: sandbox }\n");
    MainTest.Run run = MainTest.run("policy", "eval", "--default", "--input", dir.resolve("in.yaml").toString());
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).contains("in.yaml:1:8: unknown field 'environmnt' in org (did you mean 'environment'?)");
  }

  @Test
  void testRunsTheDefaultPackAndReportsFailures(@TempDir Path dir) throws Exception {
    MainTest.Run pack = MainTest.run("policy", "test", "--default", "-v");
    assertThat(pack.exitCode()).as(pack.out() + pack.err()).isZero();
    assertThat(pack.out()).contains("PASS: default_test.yaml:", "PASS: deploy_test.yaml:").containsPattern("PASS: (\\d+)/\\1");

    Files.writeString(dir.resolve("p.yaml"), RULES);
    Files.writeString(dir.resolve("p_test.yaml"), """
        tests:
          - name: sandbox write
            input: { principal: { kind: github }, session: { scopes: [api:write] }, org: { environment: sandbox } }
            expect: { effect: allow, scopes: [api:write], max_ttl: 10m, obligations: { max_records: 100 } }
          - name: production write
            input: { principal: { kind: github }, session: { scopes: [api:write] }, org: { environment: production } }
            expect: { effect: allow }
        """);
    MainTest.Run run = MainTest.run("policy", "test", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL: p_test.yaml:5: production write",
        "effect: expected allow, got deny (no allow rule matched (default deny))", "FAIL: 1/2");
    JsonNode node = JSON.readTree(MainTest.run("policy", "test", dir.toString(), "--json").out());
    assertThat(node.get("failed").asInt()).isEqualTo(1);
  }

  @Test
  void initWritesTheDefaultPackThatThenPassesItsTests(@TempDir Path dir) {
    Path policies = dir.resolve("policies");
    MainTest.Run init = MainTest.run("policy", "init", policies.toString());
    assertThat(init.exitCode()).isZero();
    assertThat(init.out()).contains("wrote " + policies.resolve("params.yaml"));
    assertThat(MainTest.run("policy", "test", policies.toString()).exitCode()).isZero();
    assertThat(MainTest.run("policy", "check", policies.toString()).exitCode()).isZero();
    MainTest.Run again = MainTest.run("policy", "init", policies.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void aMissingBundleIsAUsageError(@TempDir Path dir) {
    MainTest.Run run = MainTest.run("policy", "test", dir.resolve("nope").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such directory");
  }
}
