package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deploy rules ({@code on: deploy}): their environment, their decisions, their inputs and tests. */
class DeployDecisionTest {
  private static final DecisionInput.Principal CI = new DecisionInput.Principal("github",
      "https://token.actions.githubusercontent.com", "repo:acme/sf:ref:refs/heads/main", Map.of("repository", "acme/sf"));
  private static final DecisionInput.Org PRODUCTION = new DecisionInput.Org("prod", "production", "00D000000000001");

  private static DeployInput.Builder deploy() {
    return DeployInput.builder().now(Bundles.NOW).principal(CI).org(PRODUCTION);
  }

  private static Map<String, Object> change(String kind, String severity) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("kind", kind);
    change.put("type", "PermissionSet");
    change.put("fullName", "Ops");
    change.put("severity", severity);
    return change;
  }

  private static DeployInput.Deploy changes(List<Map<String, ?>> changes) {
    return new DeployInput.Deploy("abc", List.of(), changes, "RunLocalTests", List.of(), false, false, false);
  }

  @Test
  void aDeployVariableInAnAccessRuleIsALoadErrorAtItsPlace() {
    List<PolicyProblem> problems = Bundles.problems("p.yaml", """
        rules:
          - id: grants
            effect: deny
            when: org.environment == "production" && deploy.changes.size() > 0
        """);
    assertThat(problems).extracting(PolicyProblem::code).containsExactly(PolicyErrorCode.CEL_TYPE);
    assertThat(problems.get(0).toString()).startsWith("p.yaml:4:46: CEL: undeclared reference to 'deploy'")
        .contains("'deploy' is a variable of deploy rules; this is an access rule (add 'on: deploy'");
  }

  @Test
  void anAccessVariableInADeployRuleIsALoadErrorAtItsPlace() {
    List<PolicyProblem> problems = Bundles.problems("p.yaml", """
        rules:
          - id: api
            on: deploy
            effect: deny
            when: >
              deploy.check_only
                || request.api == "metadata"
        """);
    assertThat(problems).extracting(PolicyProblem::code).containsExactly(PolicyErrorCode.CEL_TYPE);
    assertThat(problems.get(0).toString()).startsWith("p.yaml:7:12: CEL: undeclared reference to 'request'")
        .contains("'request' is a variable of access rules; this is a deploy rule, whose variables are principal, org,"
            + " deploy, git, approvals, now, params");
  }

  @Test
  void deployFieldsAreTypedLikeTheOthers() {
    List<PolicyProblem> problems = Bundles.problems("p.yaml", """
        rules:
          - { id: a, on: deploy, effect: deny, when: deploy.destructve }
          - { id: b, on: deploy, effect: deny, when: git.protected == "yes" }
          - { id: c, on: depoly, effect: deny, when: "true" }
          - { id: d, on: deploy, effect: allow, when: "true", session: { max_ttl: 5m } }
          - { id: e, on: deploy, effect: allow, when: "true", obligations: { max_records: 10 } }
          - { id: f, on: deploy, effect: allow, when: "true", obligations: { x_ticket: yes, require_approval: true } }
        """);
    assertThat(problems).extracting(Object::toString).containsExactly(
        "p.yaml:2:53: CEL: undefined field 'destructve' (see docs/POLICY.md, \"Environment\", for every variable and field)",
        "p.yaml:3:60: CEL: found no matching overload for '_==_' applied to '(bool, string)' (candidates: (%A0, %A0))",
        "p.yaml:4:18: on must be access or deploy, found 'depoly' (did you mean 'deploy'?)",
        "p.yaml:5:55: a deploy rule has no session limits (session applies to access rules; see docs/POLICY.md,"
            + " \"Deployment decisions\")",
        "p.yaml:6:68: obligation 'max_records' does not apply to deploy decisions (a deploy rule takes require_approval"
            + " and x_… obligations)");
  }

  @Test
  void eachDecisionConsidersOnlyTheRulesOfItsPoint() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - { id: access-allow, effect: allow, when: "true" }
          - { id: deploy-deny, on: deploy, effect: deny, when: "true", reason: no deployments today }
        """);
    Decision access = bundle.decide(Bundles.input().build());
    assertThat(access.allowed()).isTrue();
    assertThat(access.matchedRules()).containsExactly("access-allow");

    Decision deployment = bundle.decideDeploy(deploy().build());
    assertThat(deployment.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(deployment.matchedRules()).containsExactly("deploy-deny");
    assertThat(deployment.reasons()).containsExactly("no deployments today");
    assertThat(deployment.sessionLimits().scopes()).isEmpty();
    assertThat(deployment.sessionLimits().maxTtl()).isEmpty();
    assertThat(deployment.bundleHash()).isEqualTo(bundle.hash());

    assertThat(bundle.ruleIds()).containsExactly("access-allow", "deploy-deny");
    assertThat(bundle.ruleIds(DecisionPoint.ACCESS)).containsExactly("access-allow");
    assertThat(bundle.ruleIds(DecisionPoint.DEPLOY)).containsExactly("deploy-deny");
  }

  @Test
  void requireApprovalMergesToTheMostApproversAndNamesEveryRule() throws Exception {
    PolicyBundle bundle = Bundles.of("deploy.yaml", """
        rules:
          - { id: any, on: deploy, effect: allow, when: principal.kind != "" }
          - id: grants
            on: deploy
            effect: allow
            when: deploy.changes.exists(c, c.kind == "user-permission.granted")
            obligations: { require_approval: { approvers: 1, valid_for_minutes: 120 } }
          - id: critical
            on: deploy
            effect: allow
            when: deploy.changes.exists(c, c.severity == "critical")
            obligations: { require_approval: { approvers: 3 } }
          - id: deletions
            on: deploy
            effect: allow
            when: deploy.destructive
            obligations: { require_approval: { approvers: 2, valid_for_minutes: 60 } }
        """);
    Decision decision = bundle.decideDeploy(deploy()
        .deploy(new DeployInput.Deploy("abc", List.of(new DeployInput.Component("ApexClass", "Old",
            DeployInput.Component.Status.DELETED)), List.of(change("user-permission.granted", "critical")),
            "RunLocalTests", List.of(), false, false, false))
        .build());
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.matchedRules()).containsExactly("any", "grants", "critical", "deletions");
    assertThat(decision.obligations()).singleElement().satisfies(obligation -> {
      assertThat(obligation.name()).isEqualTo("require_approval");
      assertThat(obligation.value()).isEqualTo(Map.of("approvers", 3L, "valid_for_minutes", 60L));
      assertThat(obligation.rules()).containsExactly("grants", "critical", "deletions");
    });

    Decision plain = bundle.decideDeploy(deploy().build());
    assertThat(plain.obligations()).isEmpty();
  }

  @Test
  void changesGetEveryKeyOfTheDiffAndComponentsDeriveDestructiveAndDeleted() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - id: shape
            on: deploy
            effect: allow
            when: >
              deploy.changes.all(c, c.subject == "" && c.aspect == "" && c.before == null && c.after == null
                && c.message == "" && c.file == "" && c.side == "" && c.line == 0 && c.column == 0)
                && deploy.destructive && deploy.deleted == ["ApexClass:Old"]
                && deploy.components.exists(c, c.type == "ApexClass" && c.status == "deleted")
                && deploy.components.exists(c, c.fullName == "Ops" && c.status == "new")
        """);
    Decision decision = bundle.decideDeploy(deploy()
        .deploy(new DeployInput.Deploy("abc", List.of(
            new DeployInput.Component("PermissionSet", "Ops", DeployInput.Component.Status.NEW),
            new DeployInput.Component("ApexClass", "Old", DeployInput.Component.Status.DELETED)),
            List.of(change("component.added", "info")), "", List.of(), false, false, false))
        .build());
    assertThat(decision.errors()).isEmpty();
    assertThat(decision.allowed()).isTrue();
  }

  @Test
  void aFailingDeployDenyRuleDenies() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - { id: any, on: deploy, effect: allow, when: "true" }
          - { id: broken, on: deploy, effect: deny, when: 'deploy.changes.exists(c, c.ticket == "none")' }
        """);
    Decision decision = bundle.decideDeploy(deploy().deploy(changes(List.of(change("component.added", "info")))).build());
    assertThat(decision.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(decision.errors()).extracting(Decision.RuleError::ruleId).containsExactly("broken");
    assertThat(decision.reasons()).singleElement().asString()
        .startsWith("rule broken could not be evaluated, so it denies (fail closed)");
  }

  @Test
  void approvalsAndGitAreSeenByRules() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - id: fresh-approval-by-someone-else
            on: deploy
            effect: allow
            when: >
              git.protected && git.branch == "main" && git.repository == "acme/sf" && git.commit.startsWith("4b1d")
                && approvals.exists(a, a.decision == "approve" && a.approver != git.author
                  && a.at > now - duration("1h"))
        """);
    DeployInput.Git git = new DeployInput.Git("acme/sf", "4b1d2e", "main", "dev@acme.com", true);
    Instant recent = Bundles.NOW.minusSeconds(600);
    assertThat(bundle.decideDeploy(deploy().git(git)
        .approvals(List.of(new DeployInput.Approval("alice@acme.com", "https://login.acme.com", recent, "approve")))
        .build()).allowed()).isTrue();
    assertThat(bundle.decideDeploy(deploy().git(git)
        .approvals(List.of(new DeployInput.Approval("dev@acme.com", "https://login.acme.com", recent, "approve")))
        .build()).allowed()).as("the author's own approval").isFalse();
    assertThat(bundle.decideDeploy(deploy().git(git)
        .approvals(List.of(new DeployInput.Approval("alice@acme.com", "", Bundles.NOW.minusSeconds(7200), "approve")))
        .build()).allowed()).as("an old approval").isFalse();
  }

  @Test
  void evalReadsADeployInputByItsKeysAndExplainsIt() throws Exception {
    PolicyBundle bundle = PolicyBundle.loadDefault();
    PolicyInput input = PolicyInput.parse("""
        {
          "principal": {"kind": "github", "subject": "repo:acme/sf:ref:refs/heads/main"},
          "org": {"alias": "prod", "environment": "production"},
          "deploy": {
            "package_hash": "9f2c",
            "components": [{"type": "PermissionSet", "fullName": "Ops", "status": "changed"}],
            "changes": [{"kind": "user-permission.granted", "type": "PermissionSet", "fullName": "Ops",
                         "subject": "ModifyAllData", "before": false, "after": true, "severity": "critical",
                         "message": "PermissionSet Ops gains ModifyAllData", "file": "ps/Ops.permissionset-meta.xml",
                         "side": "after", "line": 12, "column": 5}],
            "test_level": "NoTestRun"
          },
          "git": {"repository": "acme/sf", "commit": "4b1d2e", "branch": "main", "author": "dev", "protected": true},
          "approvals": [{"approver": "alice", "issuer": "https://login.acme.com", "at": "2026-11-29T11:00:00Z",
                         "decision": "approve"}],
          "now": "2026-11-29T12:00:00Z"
        }
        """, "run.json", Instant.EPOCH);
    assertThat(input).isInstanceOf(DeployInput.class);
    DeployInput deployInput = (DeployInput) input;
    assertThat(deployInput.approvals()).singleElement()
        .extracting(DeployInput.Approval::at).isEqualTo(Instant.parse("2026-11-29T11:00:00Z"));
    assertThat(deployInput.deploy().changes()).singleElement().satisfies(change -> assertThat(change.get("line")).isEqualTo(12L));

    Explanation explanation = bundle.explainDeploy(deployInput);
    assertThat(explanation.decision().effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(explanation.decision().matchedRules()).containsExactly("deploy-by-authenticated-principal",
        "production-deploys-run-tests", "approve-critical-grants-in-production");
    assertThat(explanation.decision().reasons()).singleElement().asString().startsWith("a production deployment must run tests");
    assertThat(explanation.rules()).extracting(Explanation.RuleOutcome::ruleId)
        .containsExactlyElementsOf(bundle.ruleIds(DecisionPoint.DEPLOY));
    assertThat(explanation.rules()).filteredOn(o -> o.ruleId().equals("no-production-deploys-from-unprotected-branches"))
        .singleElement().extracting(Explanation.RuleOutcome::detail).asString()
        .isEqualTo("condition 4 of 4 is false: !(git.protected && git.branch in params.protected_branches)");

    PolicyInput access = PolicyInput.parse("principal: { kind: github }\nsession: { scopes: [api:read] }\n", "a.yaml", Instant.EPOCH);
    assertThat(access).isInstanceOf(DecisionInput.class);
    assertThat(access.point()).isEqualTo(DecisionPoint.ACCESS);
    assertThat(PolicyInput.parse("principal: { kind: github }\n", "a.yaml", Instant.EPOCH, Optional.of(DecisionPoint.DEPLOY)))
        .isInstanceOf(DeployInput.class);
  }

  @Test
  void deployInputProblemsAreReportedAtTheirPlace() {
    assertThatThrownBy(() -> DeployInput.parse("""
        deploy:
          components: [{ type: ApexClass, fullName: A, status: gone }]
          changes: [{ kind: component.added, severty: info }]
          check_only: maybe
        approvals: [{ approver: alice }]
        session: { scopes: [api:read] }
        """, "in.yaml", Instant.EPOCH))
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Object::toString).containsExactlyInAnyOrder(
            "in.yaml:6:1: unknown field 'session' in the deploy input (known: principal, org, deploy, git, approvals, now)",
            "in.yaml:2:56: a component's status must be new, changed, unchanged or deleted, found 'gone'",
            "in.yaml:3:38: unknown field 'severty' in a change (did you mean 'severity'?)",
            "in.yaml:4:15: check_only must be true or false, found 'maybe'",
            "in.yaml:5:13: an approval needs 'at' (an RFC 3339 time)"));
  }

  @Test
  void deployCasesInTestFilesAreCheckedAgainstDeployRules() {
    List<PolicyProblem> problems = Bundles.problems("p.yaml", """
        rules:
          - { id: read, effect: allow, when: "true" }
          - { id: ship, on: deploy, effect: allow, when: "true" }
        """, "p_test.yaml", """
        tests:
          - name: a deploy case cannot match an access rule
            input: { deploy: { test_level: RunLocalTests } }
            expect: { effect: allow, matched: [read], scopes: [api:read] }
          - name: an explicit point
            on: deploy
            input: { org: { environment: sandbox } }
            expect: { effect: allow, matched: [ship] }
        """);
    assertThat(problems).extracting(Object::toString).containsExactly(
        "p_test.yaml:4:39: rule 'read' is an access rule, and this is a deploy case: it cannot match",
        "p_test.yaml:4:47: a deploy case has no scopes to expect (deploy decisions have no session limits)");
  }

  @Test
  void deployTestCasesRunWithTheOthers() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - { id: read, effect: allow, when: "true" }
          - { id: ship, on: deploy, effect: allow, when: 'deploy.test_level == "RunLocalTests"' }
        """, "p_test.yaml", """
        tests:
          - name: access
            input: { session: { scopes: [api:read] } }
            expect: { effect: allow, matched: [read] }
          - name: deploy with tests
            input: { deploy: { test_level: RunLocalTests } }
            expect: { effect: allow, matched: [ship], obligations: {} }
          - name: deploy without tests, by its explicit point
            on: deploy
            input: {}
            expect: { effect: allow }
        """);
    List<PolicyTestResult> results = bundle.runTests();
    assertThat(results).extracting(PolicyTestResult::passed).containsExactly(true, true, false);
    assertThat(results.get(2).failures()).singleElement().asString()
        .isEqualTo("effect: expected allow, got deny (no allow rule matched (default deny))");
  }

  @Test
  void theDefaultPackDeniesProductionDeploysInAFreezeWindow() throws Exception {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (String name : PolicyBundle.DEFAULT_FILES) {
      try (var in = getClass().getClassLoader().getResourceAsStream(PolicyBundle.DEFAULT_PACK + name)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        files.put(name, text.replace("deploy_freeze_windows: []", "deploy_freeze_windows: [{start: \"2026-12-21T00:00:00Z\","
            + " end: \"2027-01-04T00:00:00Z\"}, {start: \"2027-03-01T00:00:00Z\", end: \"2027-03-02T00:00:00Z\"}]")
            .getBytes(StandardCharsets.UTF_8));
      }
    }
    PolicyBundle bundle = PolicyBundle.fromFiles("frozen", files);
    assertThat(bundle.runTests()).allSatisfy(result -> assertThat(result.failures()).as(result.name()).isEmpty());
    DeployInput.Git main = new DeployInput.Git("acme/sf", "4b1d2e", "main", "dev", true);
    DeployInput.Deploy tested = new DeployInput.Deploy("abc", List.of(), List.of(), "RunLocalTests", List.of(), false, false, false);
    DeployInput.Deploy validation = new DeployInput.Deploy("abc", List.of(), List.of(), "RunLocalTests", List.of(), true, false, false);

    Decision inWindow = bundle.decideDeploy(deploy().git(main).deploy(tested).now(Instant.parse("2026-12-24T09:00:00Z")).build());
    assertThat(inWindow.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(inWindow.matchedRules()).contains("no-production-deploys-in-a-freeze-window");
    assertThat(inWindow.reasons()).containsExactly("production is in a deployment freeze window (params.deploy_freeze_windows)");

    assertThat(bundle.decideDeploy(deploy().git(main).deploy(tested).now(Instant.parse("2026-12-21T00:00:00Z")).build())
        .allowed()).as("the start is inside").isFalse();
    assertThat(bundle.decideDeploy(deploy().git(main).deploy(tested).now(Instant.parse("2027-01-04T00:00:00Z")).build())
        .allowed()).as("the end is outside").isTrue();
    assertThat(bundle.decideDeploy(deploy().git(main).deploy(tested).now(Instant.parse("2027-03-01T12:00:00Z")).build())
        .allowed()).as("the second window").isFalse();
    assertThat(bundle.decideDeploy(deploy().git(main).deploy(validation).now(Instant.parse("2026-12-24T09:00:00Z")).build())
        .allowed()).as("a check-only validation").isTrue();
    assertThat(bundle.decideDeploy(deploy().git(main).deploy(tested).org(new DecisionInput.Org("uat", "sandbox", ""))
        .now(Instant.parse("2026-12-24T09:00:00Z")).build()).allowed()).as("a sandbox").isTrue();
  }

  @Test
  void theDefaultPackKeepsAccessDecisionsFreeOfDeployRules() {
    PolicyBundle bundle = PolicyBundle.loadDefault();
    assertThat(bundle.ruleIds(DecisionPoint.DEPLOY)).containsExactly("deploy-by-authenticated-principal",
        "production-deploys-run-tests", "no-production-deploys-in-a-freeze-window",
        "no-production-deploys-from-unprotected-branches", "approve-critical-grants-in-production",
        "approve-high-grants-in-production", "approve-destructive-changes-in-production",
        "approve-oauth-scope-widening-in-production", "approve-rollbacks-in-production");
    Decision access = bundle.decide(Bundles.session("production", Map.of(), "api:read"));
    assertThat(access.matchedRules()).doesNotContainAnyElementsOf(bundle.ruleIds(DecisionPoint.DEPLOY));
  }
}
