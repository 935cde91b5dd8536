package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyBundleTest {
  private static final String RULES = """
      rules:
        - id: allow-read
          effect: allow
          when: principal.kind == "github"
          reason: GitHub runs may read
          session: { max_ttl: 30m, scopes: [api:read, metadata:retrieve] }
        - id: allow-write-sandbox
          effect: allow
          when: org.environment == "sandbox"
          session: { max_ttl: 15m, scopes: [api:write, metadata:deploy] }
          obligations: { redact_fields: [Contact.SSN__c], max_records: 5000 }
        - id: cap
          effect: allow
          when: request.operation == "query"
          obligations: { redact_fields: [Contact.Birthdate], max_records: 2000, require_approval: { approvers: 1 } }
        - id: no-deploy-friday
          effect: deny
          when: now.getDayOfWeek("UTC") == 5
          session: { scopes: [metadata:deploy] }
        - id: blocked-subject
          effect: deny
          when: principal.subject == "repo:evil/x"
          reason: blocked
      """;

  @Test
  void denyOverridesAllowAndNothingMatchedMeansDeny() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", RULES);
    Decision blocked = bundle.decide(Bundles.input()
        .principal(new DecisionInput.Principal("github", "", "repo:evil/x", Map.of())).build());
    assertThat(blocked.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(blocked.matchedRules()).containsExactly("allow-read", "blocked-subject");
    assertThat(blocked.reasons()).containsExactly("blocked");
    assertThat(blocked.sessionLimits().scopes()).isEmpty();

    Decision nothing = bundle.decide(Bundles.input().build());
    assertThat(nothing.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(nothing.matchedRules()).isEmpty();
    assertThat(nothing.reasons()).containsExactly("no allow rule matched (default deny)");
    assertThat(nothing.bundleHash()).isEqualTo(bundle.hash()).hasSize(64);
  }

  @Test
  void grantsRequestedScopesOfMatchedAllowRulesMinusDeniedScopesWithTheSmallestTtl() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", RULES);
    // 2026-11-29 is a Sunday: no scope is denied.
    Decision sunday = bundle.decide(Bundles.session("sandbox", Map.of(), "api:read", "metadata:deploy", "bulk"));
    assertThat(sunday.allowed()).isTrue();
    assertThat(sunday.sessionLimits().scopes()).containsExactly("api:read", "metadata:deploy");
    assertThat(sunday.sessionLimits().maxTtl()).contains(Duration.ofMinutes(15));
    assertThat(sunday.sessionLimits().grantsAll(java.util.Set.of("api:read", "bulk"))).isFalse();

    DecisionInput friday = DecisionInput.builder()
        .now(java.time.Instant.parse("2026-11-27T12:00:00Z"))
        .principal(new DecisionInput.Principal("github", "", "s", Map.of()))
        .session(new DecisionInput.Session("", List.of("api:read", "metadata:deploy"), "", Duration.ZERO))
        .org(new DecisionInput.Org("", "sandbox", ""))
        .build();
    Decision decision = bundle.decide(friday);
    assertThat(decision.allowed()).as("a scope deny removes scopes, it does not deny the session").isTrue();
    assertThat(decision.matchedRules()).containsExactly("allow-read", "allow-write-sandbox", "no-deploy-friday");
    assertThat(decision.sessionLimits().scopes()).containsExactly("api:read");
  }

  @Test
  void mergesObligationsStrictly() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", RULES);
    Decision decision = bundle.decide(Bundles.input()
        .principal(new DecisionInput.Principal("github", "", "s", Map.of()))
        .org(new DecisionInput.Org("", "sandbox", ""))
        .request(new DecisionInput.Request("rest", "query", "Contact", List.of("Name"), 0, 0))
        .build());
    assertThat(decision.allowed()).isTrue();
    assertThat(PolicyBundle.obligationMap(decision.obligations())).isEqualTo(Map.of(
        "redact_fields", List.of("Contact.SSN__c", "Contact.Birthdate"),
        "max_records", 2000L,
        "require_approval", Map.of("approvers", 1L)));
    assertThat(decision.obligations().get(0).rules()).containsExactly("allow-write-sandbox", "cap");
  }

  @Test
  void valuesThatDoNotMergeStaySeparate() {
    assertThat(Obligations.mergeValues("a", "b")).isEmpty();
    assertThat(Obligations.mergeValues(3L, List.of())).isEmpty();
    assertThat(Obligations.mergeValues(true, false)).contains(true);
    assertThat(Obligations.mergeValues(Map.of("approvers", 1L), Map.of("approvers", 2L, "reason", "x")))
        .contains(Map.of("approvers", 1L, "reason", "x"));
  }

  @Test
  void aRuleThatFailsToEvaluateDoesNotMatchAndADenyRuleFailsClosed() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", """
        rules:
          - id: allow-main
            effect: allow
            when: principal.claims.ref == "refs/heads/main"
          - id: allow-all
            effect: allow
            when: "true"
          - id: deny-forks
            effect: deny
            when: principal.claims.fork == true
          - id: deny-scope-on-error
            effect: deny
            when: principal.claims.environment != "prod"
            session: { scopes: [api:write] }
        """);
    Decision decision = bundle.decide(Bundles.session("sandbox", Map.of("repository", "acme/x"), "api:read", "api:write"));
    assertThat(decision.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(decision.matchedRules()).containsExactly("allow-all");
    assertThat(decision.errors()).extracting(Decision.RuleError::ruleId)
        .containsExactly("allow-main", "deny-forks", "deny-scope-on-error");
    assertThat(decision.errors().get(1).message()).contains("fork");
    assertThat(decision.reasons()).singleElement().asString().contains("deny-forks", "fail closed");

    Decision noFork = bundle.decide(Bundles.session("sandbox", Map.of("fork", false), "api:write"));
    assertThat(noFork.allowed()).isTrue();
    assertThat(noFork.sessionLimits().scopes()).as("a failing scope deny removes its scopes").isEmpty();
  }

  @Test
  void paramsAreTypedFromTheirValuesAndReadableByRules() throws Exception {
    PolicyBundle bundle = Bundles.of(
        "params.yaml", "params: { repos: [acme/a, acme/b], limit: 3, ratio: 0.5, strict: true }",
        "rules.yaml", """
            rules:
              - id: r
                effect: allow
                when: principal.claims.repository in params.repos && params.limit > 2 && params.strict && params.ratio < 1.0
            """);
    assertThat(bundle.decide(Bundles.session("x", Map.of("repository", "acme/b"))).allowed()).isTrue();
    assertThat(bundle.decide(Bundles.session("x", Map.of("repository", "acme/c"))).allowed()).isFalse();
    assertThat(Bundles.problems("params.yaml", "params: { repos: [a] }", "rules.yaml", """
        rules:
          - id: r
            effect: allow
            when: params.repo == "a"
        """)).singleElement().hasToString("rules.yaml:4:18: CEL: undefined field 'repo' (see docs/POLICY.md, \"Environment\", for every variable and field)");
  }

  @Test
  void everyEnvironmentFieldTypeChecks() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", """
        rules:
          - id: all-fields
            effect: allow
            when: >
              principal.kind == "github" && principal.issuer.startsWith("https://") && principal.subject != ""
              && size(principal.claims) >= 0 && session.id == "s1" && "api:read" in session.scopes
              && session.org == "prod" && session.age < duration("15m") && request.api == ""
              && request.operation == "" && request.sobject == "" && size(request.fields) == 0
              && request.records == 0 && request.bytes == 0 && org.alias == "o" && org.environment == "sandbox"
              && org.id.size() == 15 && risk.score < 50 && size(risk.reasons) == 0
              && now > timestamp("2026-01-01T00:00:00Z")
        """);
    assertThat(bundle.decide(Bundles.session("sandbox", Map.of(), "api:read")).allowed()).isTrue();
  }

  @Test
  void explainsWhichConditionWasFalse() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", """
        rules:
          - id: prod-main
            effect: allow
            when: |
              org.environment == "production"
                && principal.claims.ref == "refs/heads/main"  // the protected branch
                && (principal.kind == "github" || principal.kind == "gitlab")
          - id: any
            effect: allow
            when: principal.kind == "github" || principal.kind == "x"
          - id: broken
            effect: deny
            when: principal.claims.missing == "x"
        """);
    Explanation explanation = bundle.explain(Bundles.session("production", Map.of("ref", "refs/heads/dev")));
    assertThat(explanation.rules()).extracting(Explanation.RuleOutcome::result).containsExactly(
        Explanation.Result.NOT_MATCHED, Explanation.Result.MATCHED, Explanation.Result.ERROR);
    assertThat(explanation.rules().get(0).detail())
        .isEqualTo("condition 2 of 3 is false: principal.claims.ref == \"refs/heads/main\" // the protected branch");
    assertThat(explanation.rules().get(0).location()).isEqualTo("rules.yaml:2");
    assertThat(explanation.rules().get(2).detail()).contains("missing");
    assertThat(explanation.decision().effect()).isEqualTo(Decision.Effect.DENY);
  }

  @Test
  void defaultPackPassesItsOwnTests() {
    PolicyBundle bundle = PolicyBundle.loadDefault();
    List<PolicyTestResult> results = bundle.runTests();
    assertThat(results).hasSizeGreaterThanOrEqualTo(10);
    assertThat(results).allSatisfy(result -> assertThat(result.failures()).as(result.name()).isEmpty());
  }

  @Test
  void defaultPackRedactsSsnsForEveryoneButTheUnredactedPrincipals() throws Exception {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (String name : PolicyBundle.DEFAULT_FILES) {
      try (var in = getClass().getClassLoader().getResourceAsStream(PolicyBundle.DEFAULT_PACK + name)) {
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        files.put(name, text.replace("unredacted_principals: []", "unredacted_principals: [\"repo:acme/hr:ref:refs/heads/main\"]")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    PolicyBundle bundle = PolicyBundle.fromFiles("edited", files);
    for (String subject : List.of("repo:acme/hr:ref:refs/heads/main", "repo:acme/sales:ref:refs/heads/main")) {
      Decision decision = bundle.decide(DecisionInput.builder()
          .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com", subject, Map.of()))
          .session(new DecisionInput.Session("ses_1", List.of("api:read"), "uat", java.time.Duration.ZERO))
          .request(new DecisionInput.Request("rest", "query", "Contact", List.of(), 0, 0))
          .org(new DecisionInput.Org("uat", "sandbox", ""))
          .now(java.time.Instant.EPOCH)
          .build());
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.obligations().stream().anyMatch(o -> o.name().equals("redact_fields")))
          .as(subject).isEqualTo(!subject.contains("acme/hr"));
    }
  }

  @Test
  void defaultPackLetsAnAllowedRepositoryWriteToProductionFromAProtectedBranchOnly() throws Exception {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (String name : PolicyBundle.DEFAULT_FILES) {
      try (var in = getClass().getClassLoader().getResourceAsStream(PolicyBundle.DEFAULT_PACK + name)) {
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        files.put(name, text.replace("allowed_github_repositories: []", "allowed_github_repositories: [acme/sf]")
            .replace("allowed_gitlab_projects: []", "allowed_gitlab_projects: [acme/gl]").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    PolicyBundle bundle = PolicyBundle.fromFiles("edited", files);
    Decision main = bundle.decide(Bundles.session("production",
        Map.of("repository", "acme/sf", "ref", "refs/heads/main", "ref_type", "branch"), "api:read", "metadata:deploy"));
    assertThat(main.sessionLimits().scopes()).containsExactly("api:read", "metadata:deploy");
    assertThat(main.sessionLimits().maxTtl()).contains(Duration.ofMinutes(15));
    Decision tag = bundle.decide(Bundles.session("production",
        Map.of("repository", "acme/sf", "ref", "refs/heads/main", "ref_type", "tag"), "api:read", "metadata:deploy"));
    assertThat(tag.sessionLimits().scopes()).containsExactly("api:read");
    Decision otherRepo = bundle.decide(Bundles.session("production",
        Map.of("repository", "evil/sf", "ref", "refs/heads/main", "ref_type", "branch"), "metadata:deploy"));
    assertThat(otherRepo.sessionLimits().scopes()).isEmpty();
    DecisionInput gitlab = Bundles.input()
        .principal(new DecisionInput.Principal("gitlab", "https://gitlab.com", "p",
            Map.of("project_path", "acme/gl", "ref", "main", "ref_type", "branch", "ref_protected", "true")))
        .session(new DecisionInput.Session("", List.of("api:write", "bulk"), "", Duration.ZERO))
        .org(new DecisionInput.Org("", "production", ""))
        .build();
    assertThat(bundle.decide(gitlab).sessionLimits().scopes()).containsExactly("api:write", "bulk");
  }

  @Test
  void testRunnerReportsExpectedVersusActual() throws Exception {
    PolicyBundle bundle = Bundles.of("rules.yaml", RULES, "rules_test.yaml", """
        tests:
          - name: sandbox read
            input:
              principal: { kind: github, subject: s }
              session: { scopes: [api:read, api:write] }
              org: { environment: sandbox }
            expect:
              effect: allow
              matched: [allow-read, allow-write-sandbox]
              scopes: [api:read, api:write]
              max_ttl: 15m
              obligations: { redact_fields: [Contact.SSN__c], max_records: 5000 }
          - name: wrong on purpose
            input: { principal: { kind: github } }
            expect: { effect: deny, max_ttl: 1h, scopes: [bulk] }
        """);
    List<PolicyTestResult> results = bundle.runTests();
    assertThat(results.get(0).failures()).isEmpty();
    assertThat(results.get(1).passed()).isFalse();
    assertThat(results.get(1).line()).isEqualTo(13);
    assertThat(results.get(1).failures()).containsExactly(
        "effect: expected deny, got allow (GitHub runs may read)",
        "scopes: expected [bulk], got []",
        "max_ttl: expected 1h, got 30m");
  }

  @Test
  void decisionInputParsesJsonAndReportsProblemsWithPositions() throws Exception {
    DecisionInput input = DecisionInput.parse("""
        {"principal": {"kind": "github", "claims": {"run_id": 42, "nested": {"a": [1, null]}}},
         "session": {"scopes": ["api:read"], "age": "5m"}, "request": {"records": 10},
         "risk": {"score": 12.5}, "now": "2026-01-02T03:04:05Z"}
        """, "input.json", Bundles.NOW);
    assertThat(input.session().age()).isEqualTo(Duration.ofMinutes(5));
    assertThat(input.now()).isEqualTo(java.time.Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(input.risk().score()).isEqualTo(12.5);
    assertThat(input.principal().claims().get("run_id")).isEqualTo(42L);

    assertThatThrownBy(() -> DecisionInput.parse("""
        principal: { kind: github, subjet: x }
        session: { age: soon }
        now: yesterday
        """, "in.yaml", Bundles.NOW))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(Object::toString)
            .containsExactly(
                "in.yaml:1:28: unknown field 'subjet' in principal (did you mean 'subject'?)",
                "in.yaml:2:17: age must be a duration such as 90s, 5m or 1h30m, found 'soon'",
                "in.yaml:3:6: now must be an RFC 3339 time such as 2026-01-31T12:00:00Z, found 'yesterday'"));
  }

  @Test
  void durationsRoundTrip() {
    for (String text : List.of("15m", "1h30m", "90s", "500ms", "2h", "1h1m1s1ms")) {
      Optional<Duration> duration = Durations.parse(text);
      assertThat(duration).isPresent();
      assertThat(Durations.parse(Durations.format(duration.get()))).isEqualTo(duration);
    }
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.parse("-5m")).isEmpty();
    assertThat(Durations.parse("5 m")).isEmpty();
    assertThat(Durations.parse("")).isEmpty();
  }

  @Test
  void splitsTopLevelConjunctsOnly() {
    assertThat(Conjuncts.split("a && (b && c) && d == \"&&\"")).containsExactly("a", "(b && c)", "d == \"&&\"");
    assertThat(Conjuncts.split("a && b || c")).containsExactly("a && b || c");
    assertThat(Conjuncts.split("a && b ? c : d")).containsExactly("a && b ? c : d");
    assertThat(Conjuncts.split("x in ['&&'] && y")).containsExactly("x in ['&&']", "y");
  }
}
