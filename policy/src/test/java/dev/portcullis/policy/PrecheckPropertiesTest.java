package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Prechecks change which CEL programs a decision runs, never the decision: random conditions (every
 * shape a precheck understands, in {@code &&}, {@code ||} and {@code !}, mixed with parts it does
 * not and parts that fail) × random inputs (missing and non-string claims, NaN, ±0.0 and infinite
 * scores, empty and long lists) decide exactly as evaluating every rule's program does.
 */
class PrecheckPropertiesTest {
  /** Parts of conditions: understood ones, opaque ones, failing ones, constants from params. */
  private static final List<String> PARTS = List.of(
      "org.environment == \"production\"",
      "org.environment != \"production\"",
      "\"sandbox\" == org.environment",
      "org.environment in params.sandboxes",
      "org.environment in [\"production\", \"\"]",
      "request.operation in [\"create\", \"update\"]",
      "principal.kind == params.kind",
      "principal.subject.startsWith(\"repo:acme/\")",
      "principal.subject.endsWith(\"main\")",
      "principal.subject.contains(\":ref:\")",
      "principal.subject.startsWith(params.prefix)",
      "request.records < 50",
      "request.records >= params.limit / 100",
      "50 > request.records",
      "request.bytes <= params.limit * 2",
      "request.records == 0",
      "request.records != 7",
      "request.records < params.limit / params.zero",
      "request.records < 9223372036854775807 + 1",
      "risk.score >= 50",
      "risk.score >= 50.5",
      "risk.score < 0",
      "risk.score == 0.0",
      "risk.score != 0.0",
      "risk.score != 12.0",
      "risk.score > -0.0",
      "risk.score < 9007199254740993",
      "risk.score <= params.ratio",
      "session.age < duration(\"15m\")",
      "session.age >= duration(\"1h\") - duration(\"30m\")",
      "session.age < duration(\"soon\")",
      "duration(params.window) > session.age",
      "now > timestamp(\"2026-01-01T00:00:00Z\")",
      "now <= timestamp(\"2026-11-29T12:00:00Z\")",
      "now == timestamp(\"2026-11-29T12:00:00Z\")",
      "\"api:read\" in session.scopes",
      "params.kind in session.scopes",
      "\"rule-3\" in risk.reasons",
      "request.fields.exists(f, f == \"SSN__c\")",
      "request.fields.exists(f, \"Id\" == f)",
      "request.fields.exists(f, f.startsWith(\"SSN\"))",
      "request.fields.all(f, f == \"Id\")",
      "request.fields.exists(f, f == \"SSN__c\") || request.fields.exists(f, f == \"Name\")",
      "request.fields.exists(f, f == \"Id\") || request.fields.exists(f, f == \"Email\")",
      "[1, 2].exists(x, x == 2)",
      "size([request.fields.exists(f, f == \"Email\")]) == 1",
      "[session.org].exists(o, o == \"a\") == true",
      "session.org == org.alias || org.id.matches(\"^00D\")",
      "principal.claims.ref.matches(\"^refs/heads/\")",
      "size(session.scopes) > 1",
      "session.scopes.size() == 0",
      "size(request.fields) >= params.zero",
      "has(principal.claims.ref)",
      "!has(principal.claims.repository)",
      "principal.claims.ref == \"refs/heads/main\"",
      "principal.claims.ref != \"refs/heads/main\"",
      "principal.claims.repository in params.repos",
      "principal.claims.repository.startsWith(\"acme/\")",
      "has(principal.claims.ref) && principal.claims.ref in params.refs",
      "principal.claims.count == 2",
      "principal.claims.size() > 1",
      "session.org == org.alias",
      "request.records / params.zero > 1",
      "!(org.environment == \"production\")",
      "org.environment == \"production\" || principal.kind == \"gitlab\"",
      "risk.score >= 90.0 || \"rule-3\" in risk.reasons",
      "1 > 2",
      "\"a\" in [\"a\", \"b\"]",
      "params.flag",
      "true");
  private static final List<String> ENVIRONMENTS = List.of("production", "sandbox", "scratch", "", "Production");
  private static final List<String> KINDS = List.of("github", "gitlab", "mtls", "");
  private static final List<String> SUBJECTS = List.of("repo:acme/sf:ref:refs/heads/main", "repo:other/x", "", "main");
  private static final List<String> OPERATIONS = List.of("create", "update", "query", "delete", "");
  private static final List<String> SCOPES = List.of("api:read", "api:write", "metadata:deploy", "bulk", "github");
  private static final List<Double> SCORES = List.of(0.0, -0.0, 12.0, 50.0, 50.5, 99.9, -3.0, Double.NaN,
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9007199254740992.0, 1e300);
  private static final List<Object> CLAIM_VALUES = List.of("refs/heads/main", "refs/heads/dev", "acme/sf", "acme/x",
      "", 2L, 2.0, true, List.of("refs/heads/main"), Map.of("a", "b"));

  @Property(tries = 500)
  void decisionsWithPrechecksEqualDecisionsEvaluatingEveryProgram(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    PolicyBundle bundle = Bundles.of("p.yaml", bundle(random));
    for (int i = 0; i < 20; i++) {
      DecisionInput input = input(random);
      assertThat(bundle.decide(input)).isEqualTo(bundle.decideEvaluatingEveryRule(input));
    }
  }

  @Property(tries = 300)
  void theBenchmarkBundleDecidesTheSameWithAndWithoutPrechecks(@ForAll long seed) {
    DecisionInput input = input(new Random(seed));
    assertThat(BENCHMARK.decide(input)).isEqualTo(BENCHMARK.decideEvaluatingEveryRule(input));
  }

  @Test
  void theBenchmarkInputRunsNoProgram() {
    DecisionInput input = Bundles.input()
        .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com",
            "repo:acme/sf:ref:refs/heads/main", Map.of("repository", "acme/sf", "ref", "refs/heads/main")))
        .session(new DecisionInput.Session("s", List.of("api:read", "metadata:retrieve", "metadata:deploy"), "prod",
            Duration.ofMinutes(3)))
        .request(new DecisionInput.Request("rest", "query", "Contact", List.of("Id", "Name", "Email"), 200, 40_000))
        .org(new DecisionInput.Org("prod", "production", "00D000000000001"))
        .risk(new DecisionInput.Risk(12, List.of()))
        .build();
    assertThat(BENCHMARK.programRunCount(input)).isZero();
    Decision decision = BENCHMARK.decide(input);
    assertThat(decision.matchedRules()).hasSize(30);
    assertThat(decision).isEqualTo(BENCHMARK.decideEvaluatingEveryRule(input));
  }

  @Test
  void partsItCannotDecideRunTheProgram() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        params: { zero: 0 }
        rules:
          - { id: claim, effect: allow, when: 'principal.claims.ref == "refs/heads/main"' }
          - { id: opaque, effect: allow, when: 'session.org == org.alias && org.environment == "production"' }
          - { id: failing, effect: deny, when: 'request.records < 10 / params.zero' }
          - { id: nan, effect: deny, when: 'risk.score > 50.0' }
        """);
    DecisionInput missing = Bundles.input().org(new DecisionInput.Org("a", "production", "")).risk(
        new DecisionInput.Risk(Double.NaN, List.of())).build();
    assertThat(bundle.programRunCount(missing)).as("all but 'opaque', whose own program for its opaque part is false")
        .isEqualTo(3);
    Decision decision = bundle.decide(missing);
    assertThat(decision.errors()).extracting(Decision.RuleError::ruleId).containsExactly("claim", "failing");
    assertThat(decision).isEqualTo(bundle.decideEvaluatingEveryRule(missing));

    DecisionInput known = Bundles.input().org(new DecisionInput.Org("a", "sandbox", ""))
        .principal(new DecisionInput.Principal("github", "", "", Map.of("ref", "refs/heads/main"))).build();
    assertThat(bundle.programRunCount(known)).as("only the failing constant runs").isEqualTo(1);
    assertThat(bundle.decide(known)).isEqualTo(bundle.decideEvaluatingEveryRule(known));
  }

  @Test
  void comprehensionsShareOneIterationBudgetEvenInsideOtherParts() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        rules:
          - id: both
            effect: allow
            when: '[session.scopes.exists(s, s == "B")] == [true] || request.fields.exists(f, f == "A")'
        """);
    List<String> fields = new ArrayList<>(Collections.nCopies(2_000, "Id"));
    fields.set(fields.size() - 1, "A");
    DecisionInput input = Bundles.input()
        .session(new DecisionInput.Session("s", Collections.nCopies(9_000, "x"), "o", Duration.ZERO))
        .request(new DecisionInput.Request("rest", "query", "Contact", fields, 1, 1))
        .build();
    Decision decision = bundle.decide(input);
    assertThat(decision.errors()).as("9,000 + 2,000 iterations exceed the budget of one evaluation").hasSize(1);
    assertThat(decision).isEqualTo(bundle.decideEvaluatingEveryRule(input));
  }

  private static final PolicyBundle BENCHMARK = benchmarkBundle();

  /** The bundle of PolicyDecisionBenchmark: ten shapes of condition, 100 rules in 10 files. */
  private static PolicyBundle benchmarkBundle() {
    List<String> files = new ArrayList<>(List.of("params.yaml", """
        params:
          repos: [acme/sf, acme/core, acme/web, acme/data]
          refs: [refs/heads/main, refs/heads/release]
          sandboxes: [sandbox, scratch, developer]
          limit: 5000
        """));
    for (int file = 0; file < 10; file++) {
      StringBuilder text = new StringBuilder("rules:\n");
      for (int i = 0; i < 10; i++) {
        int n = file * 10 + i;
        String effect = n % 2 == 0 ? "allow" : "deny";
        String when = switch (n % 10) {
          case 0 -> "principal.kind == \"github\" && org.environment == \"production\" && request.records < " + (100 + n);
          case 1 -> "org.environment in params.sandboxes && request.operation == \"delete\" && request.sobject == \"Obj" + n + "__c\"";
          case 2 -> "has(principal.claims.repository) && principal.claims.repository in params.repos"
              + " && \"api:read\" in session.scopes && session.age < duration(\"" + (5 + n) + "m\")";
          case 3 -> "risk.score >= " + (50 + n) + ".0 || \"rule" + n + "\" in risk.reasons";
          case 4 -> "principal.subject.startsWith(\"repo:acme/\") && request.bytes <= params.limit * " + (10 + n);
          case 5 -> "request.api == \"tooling\" && request.operation == \"execute_anonymous\" && org.id != \"00D" + n + "\"";
          case 6 -> "org.environment == \"production\" && request.fields.exists(f, f == \"SSN" + n + "__c\")";
          case 7 -> "has(principal.claims.ref) && principal.claims.ref == \"refs/heads/feature-" + n + "\"";
          case 8 -> "principal.kind == \"github\" && has(principal.claims.ref) && principal.claims.ref in params.refs"
              + " && now > timestamp(\"2026-01-01T00:00:00Z\")";
          default -> "session.scopes.size() > " + (n % 4) + " && org.alias == \"alias" + n + "\"";
        };
        text.append("  - id: rule-").append(n).append('\n')
            .append("    effect: ").append(effect).append('\n')
            .append("    when: '").append(when).append("'\n")
            .append("    reason: rule ").append(n).append('\n');
        if (n % 4 == 0 && effect.equals("allow")) {
          text.append("    obligations: { max_records: ").append(1000 + n).append(", redact_fields: [Contact.F").append(n)
              .append("__c] }\n");
          text.append("    session: { max_ttl: ").append(10 + n % 20)
              .append("m, scopes: [api:read, metadata:retrieve, metadata:deploy] }\n");
        }
      }
      files.add("rules-" + file + ".yaml");
      files.add(text.toString());
    }
    try {
      return Bundles.of(files.toArray(String[]::new));
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String bundle(Random random) {
    StringBuilder text = new StringBuilder("""
        params:
          sandboxes: [sandbox, scratch]
          kind: github
          prefix: "repo:"
          limit: 5000
          zero: 0
          ratio: 12.5
          window: 20m
          flag: true
          repos: [acme/sf, acme/core]
          refs: [refs/heads/main, refs/heads/release]
        rules:
        """);
    int rules = 1 + random.nextInt(10);
    for (int i = 0; i < rules; i++) {
      String when = condition(random, 0);
      boolean allow = random.nextBoolean();
      text.append("  - id: r").append(i).append('\n')
          .append("    effect: ").append(allow ? "allow" : "deny").append('\n')
          .append("    when: '").append(when).append("'\n");
      if (random.nextInt(3) == 0) {
        text.append("    reason: reason ").append(i).append('\n');
      }
      if (random.nextInt(3) == 0) {
        text.append("    obligations: { max_records: ").append(random.nextInt(5000))
            .append(", redact_fields: [Contact.F").append(random.nextInt(4)).append("__c] }\n");
      }
      if (random.nextInt(2) == 0) {
        text.append("    session: { max_ttl: ").append(1 + random.nextInt(30)).append("m, scopes: [")
            .append(SCOPES.get(random.nextInt(4))).append("] }\n");
      }
    }
    return text.toString();
  }

  /** A random tree of parts under {@code &&}, {@code ||} and {@code !}. */
  private static String condition(Random random, int depth) {
    int shape = depth >= 2 ? 0 : random.nextInt(6);
    return switch (shape) {
      case 0, 1, 2 -> PARTS.get(random.nextInt(PARTS.size()));
      case 3 -> "!(" + condition(random, depth + 1) + ")";
      default -> {
        List<String> parts = new ArrayList<>();
        int count = 2 + random.nextInt(3);
        for (int p = 0; p < count; p++) {
          parts.add("(" + condition(random, depth + 1) + ")");
        }
        yield String.join(shape == 4 ? " && " : " || ", parts);
      }
    };
  }

  private static DecisionInput input(Random random) {
    Map<String, Object> claims = new LinkedHashMap<>();
    for (String name : List.of("ref", "repository", "count")) {
      if (random.nextInt(3) > 0) {
        claims.put(name, CLAIM_VALUES.get(random.nextInt(CLAIM_VALUES.size())));
      }
    }
    if (random.nextInt(8) == 0) {
      claims.put("ref", null);
    }
    List<String> scopes = SCOPES.stream().filter(scope -> random.nextBoolean()).toList();
    List<String> fields = switch (random.nextInt(8)) {
      case 0 -> List.of();
      case 1 -> List.of("Id");
      case 2 -> List.of("Id", "SSN__c");
      case 3 -> List.of("SSN__c", "Name");
      case 4 -> List.of("Name", "Id");
      default -> longList(random);
    };
    List<String> reasons = random.nextBoolean() ? List.of() : List.of("rule-3", "new-country");
    return Bundles.input()
        .principal(new DecisionInput.Principal(pick(random, KINDS), "https://issuer", pick(random, SUBJECTS), claims))
        .session(new DecisionInput.Session("s", scopes, random.nextBoolean() ? "a" : "b",
            Duration.ofMinutes(random.nextInt(90)).plusSeconds(random.nextInt(2))))
        .request(new DecisionInput.Request("rest", pick(random, OPERATIONS), "Contact", fields,
            random.nextInt(4) == 0 ? 0 : random.nextInt(120), random.nextInt(20_000)))
        .org(new DecisionInput.Org(random.nextBoolean() ? "a" : "b", pick(random, ENVIRONMENTS), "00D"))
        .risk(new DecisionInput.Risk(SCORES.get(random.nextInt(SCORES.size())), reasons))
        .now(random.nextBoolean() ? Bundles.NOW : Instant.parse("2025-06-01T00:00:00Z"))
        .build();
  }

  /**
   * A list around half the comprehension budget, with or without the field sought: two
   * comprehensions over it may or may not exceed the budget together.
   */
  private static List<String> longList(Random random) {
    List<String> fields = new ArrayList<>(Collections.nCopies(
        PolicyEnvironment.COMPREHENSION_BUDGET / 2 - 1 + random.nextInt(3), "Name"));
    if (random.nextBoolean()) {
      fields.set(random.nextInt(fields.size()), "SSN__c");
    }
    return fields;
  }

  private static String pick(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }
}
