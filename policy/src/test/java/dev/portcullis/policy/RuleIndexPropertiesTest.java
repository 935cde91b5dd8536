package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The rule index changes which rules a decision evaluates, never the decision: random bundles ×
 * random inputs, decided with the index and by evaluating every rule, give equal decisions
 * (effect, matched rule ids, reasons, obligations, session limits, errors).
 */
class RuleIndexPropertiesTest {
  /** Parts of conditions: guards the index reads, and parts it must leave alone (some of which fail). */
  private static final List<String> PARTS = List.of(
      "org.environment == \"production\"",
      "\"sandbox\" == org.environment",
      "org.environment in params.sandboxes",
      "org.environment in [\"production\", \"\"]",
      "request.operation in [\"create\", \"update\", \"delete\"]",
      "request.operation == \"query\"",
      "principal.kind == \"github\"",
      "principal.kind in params.kinds",
      "request.api == \"bulk\"",
      "org.alias == \"a\"",
      "session.org == org.alias",
      "principal.claims.repository == \"acme/a\"",
      "has(principal.claims.ref) && principal.claims.ref == \"refs/heads/main\"",
      "request.records / params.zero > 1",
      "!(org.environment == \"production\")",
      "org.environment == \"production\" || principal.kind == \"gitlab\"",
      "\"api:read\" in session.scopes",
      "risk.score >= 50",
      "request.fields.exists(f, f == \"SSN__c\")",
      "principal.claims.size() > 1",
      "org.environment.startsWith(\"prod\")");
  private static final List<String> ENVIRONMENTS = List.of("production", "sandbox", "scratch", "", "Production");
  private static final List<String> KINDS = List.of("github", "gitlab", "mtls", "");
  private static final List<String> OPERATIONS = List.of("create", "update", "query", "delete", "");
  private static final List<String> APIS = List.of("rest", "bulk", "");
  private static final PolicyBundle DEFAULT_PACK = PolicyBundle.loadDefault();
  private static final List<String> SCOPES = List.of("api:read", "api:write", "metadata:deploy", "bulk");

  @Property(tries = 400)
  void indexedDecisionsEqualDecisionsEvaluatingEveryRule(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    PolicyBundle bundle = Bundles.of("p.yaml", bundle(random));
    for (int i = 0; i < 20; i++) {
      DecisionInput input = input(random);
      assertThat(bundle.decide(input)).isEqualTo(bundle.decideEvaluatingEveryRule(input));
    }
  }

  @Test
  void skipsRulesWhoseGuardsTheInputFails() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        params: { sandboxes: [sandbox, scratch] }
        rules:
          - { id: prod, effect: allow, when: 'org.environment == "production" && principal.claims.x == 1' }
          - { id: sandbox, effect: allow, when: 'org.environment in params.sandboxes && request.operation in ["create"]' }
          - { id: github, effect: deny, when: '"github" == principal.kind' }
          - { id: any, effect: allow, when: 'org.environment == "production" || request.api == "bulk"' }
        """);
    DecisionInput production = Bundles.session("production", Map.of());
    assertThat(bundle.evaluatedRuleCount(production)).isEqualTo(3);
    Decision decision = bundle.decide(production);
    assertThat(decision.errors()).extracting(Decision.RuleError::ruleId).containsExactly("prod");
    assertThat(decision).isEqualTo(bundle.decideEvaluatingEveryRule(production));
    DecisionInput scratch = Bundles.input().org(new DecisionInput.Org("o", "scratch", ""))
        .request(new DecisionInput.Request("rest", "create", "", List.of(), 1, 1)).build();
    assertThat(bundle.evaluatedRuleCount(scratch)).isEqualTo(2);
    assertThat(bundle.decide(scratch).matchedRules()).containsExactly("sandbox");
  }

  @Property(tries = 200)
  void theDefaultPackDecidesTheSameWithAndWithoutTheIndex(@ForAll long seed) {
    DecisionInput input = input(new Random(seed));
    assertThat(DEFAULT_PACK.decide(input)).isEqualTo(DEFAULT_PACK.decideEvaluatingEveryRule(input));
  }

  private static String bundle(Random random) {
    StringBuilder text = new StringBuilder("""
        params: { sandboxes: [sandbox, scratch], kinds: [github, gitlab], zero: 0 }
        rules:
        """);
    int rules = 1 + random.nextInt(12);
    for (int i = 0; i < rules; i++) {
      List<String> parts = new ArrayList<>();
      int count = 1 + random.nextInt(4);
      for (int p = 0; p < count; p++) {
        String part = PARTS.get(random.nextInt(PARTS.size()));
        parts.add(part.contains("||") || part.contains("&&") ? "(" + part + ")" : part);
      }
      boolean allow = random.nextBoolean();
      text.append("  - id: r").append(i).append('\n')
          .append("    effect: ").append(allow ? "allow" : "deny").append('\n')
          .append("    when: '").append(String.join(" && ", parts)).append("'\n");
      if (random.nextInt(3) == 0) {
        text.append("    reason: reason ").append(i).append('\n');
      }
      if (random.nextInt(3) == 0) {
        text.append("    obligations: { max_records: ").append(random.nextInt(5000))
            .append(", redact_fields: [Contact.F").append(random.nextInt(4)).append("__c] }\n");
      }
      if (random.nextInt(2) == 0) {
        text.append("    session: { max_ttl: ").append(1 + random.nextInt(30)).append("m, scopes: [")
            .append(SCOPES.get(random.nextInt(SCOPES.size()))).append("] }\n");
      }
    }
    return text.toString();
  }

  private static DecisionInput input(Random random) {
    Map<String, Object> claims = new LinkedHashMap<>();
    if (random.nextBoolean()) {
      claims.put("repository", random.nextBoolean() ? "acme/a" : "acme/b");
    }
    if (random.nextBoolean()) {
      claims.put("ref", random.nextBoolean() ? "refs/heads/main" : "refs/heads/dev");
    }
    List<String> scopes = SCOPES.stream().filter(scope -> random.nextBoolean()).toList();
    return Bundles.input()
        .principal(new DecisionInput.Principal(pick(random, KINDS), "https://issuer", "subject", claims))
        .session(new DecisionInput.Session("s", scopes, random.nextBoolean() ? "a" : "b",
            Duration.ofMinutes(random.nextInt(30))))
        .request(new DecisionInput.Request(pick(random, APIS), pick(random, OPERATIONS), "Contact",
            random.nextBoolean() ? List.of("Id", "SSN__c") : List.of("Id"), random.nextInt(100), 10))
        .org(new DecisionInput.Org(random.nextBoolean() ? "a" : "b", pick(random, ENVIRONMENTS), "00D"))
        .risk(new DecisionInput.Risk(random.nextInt(100), List.of()))
        .build();
  }

  private static String pick(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }
}
