package dev.portcullis.bench;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One policy decision on a 100-rule bundle (issue 5 target: p99 ≤ 50 µs on one thread).
 *
 * <p>The bundle is written to a temporary directory and loaded as users load theirs: 100 rules in
 * 10 files, a mix of what real policies test (string equality, membership in parameter lists,
 * claims with {@code has()}, scopes, durations, numeric limits, string functions), half allow and
 * half deny, a quarter of them carrying obligations or session limits. The input is a GitHub
 * Actions run asking for three scopes on a production org; about a fifth of the rules match it.
 * {@code decideSampled} reports the latency distribution (SampleTime, p50/p99/p99.9 per call) on
 * one thread; {@code decideThroughput} runs on 2 threads to show how it scales on 2 cores. Each
 * runs twice: with the conditions as written ({@code conditions=plain}, which the prechecks decide
 * without running CEL) and with a part added to each that they cannot decide
 * ({@code conditions=opaque}, so the CEL programs run).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PolicyDecisionBenchmark -f 1 -wi 5 -w 2s -i 5 -r 2s}
 * (the JIT needs the long warm-up: a shorter one reports compilation, not decisions).
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {

  @State(Scope.Benchmark)
  public static class Bundle {
    /**
     * {@code plain}: the rules as described above. {@code opaque}: every condition starts with
     * {@code session.org == org.alias} (true for the input), a part the prechecks do not decide, so
     * every rule the other parts do not rule out runs its CEL program.
     */
    @Param({"plain", "opaque"})
    String conditions;

    PolicyBundle bundle;
    DecisionInput input;
    Path directory;

    @Setup(Level.Trial)
    public void load() throws IOException, PolicyException {
      directory = Files.createTempDirectory("policy-bench");
      Files.writeString(directory.resolve("params.yaml"), """
          params:
            repos: [acme/sf, acme/core, acme/web, acme/data]
            refs: [refs/heads/main, refs/heads/release]
            sandboxes: [sandbox, scratch, developer]
            limit: 5000
          """);
      for (int file = 0; file < 10; file++) {
        StringBuilder text = new StringBuilder("rules:\n");
        for (int i = 0; i < 10; i++) {
          int n = file * 10 + i;
          text.append(rule(n, conditions.equals("opaque")));
        }
        Files.writeString(directory.resolve("rules-" + file + ".yaml"), text.toString());
      }
      bundle = PolicyBundle.load(directory);
      if (bundle.ruleIds().size() != 100) {
        throw new IllegalStateException("expected 100 rules, got " + bundle.ruleIds().size());
      }
      input = DecisionInput.builder()
          .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com",
              "repo:acme/sf:ref:refs/heads/main",
              githubClaims()))
          .session(new DecisionInput.Session("sess-1", List.of("api:read", "metadata:retrieve", "metadata:deploy"),
              "prod", Duration.ofMinutes(3)))
          .request(new DecisionInput.Request("rest", "query", "Contact", List.of("Id", "Name", "Email"), 200, 40_000))
          .org(new DecisionInput.Org("prod", "production", "00D000000000001"))
          .risk(new DecisionInput.Risk(12, List.of()))
          .now(Instant.parse("2026-11-29T12:00:00Z"))
          .build();
      Decision decision = bundle.decide(input);
      if (decision.matchedRules().isEmpty() || !decision.errors().isEmpty()) {
        throw new IllegalStateException("unrepresentative input: " + decision);
      }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> {
          try {
            Files.delete(path);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }

    /**
     * The claims of a GitHub Actions OIDC token as GitHub documents them (names and value shapes
     * from docs.github.com, "About security hardening with OpenID Connect"), 17 of them.
     */
    private static Map<String, Object> githubClaims() {
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("jti", "8a1c7d6e-1b2f-4c3d-9e8f-0a1b2c3d4e5f");
      claims.put("sub", "repo:acme/sf:ref:refs/heads/main");
      claims.put("aud", "https://portcullis.example");
      claims.put("ref", "refs/heads/main");
      claims.put("sha", "d6f3a1b2c3d4e5f60718293a4b5c6d7e8f901234");
      claims.put("repository", "acme/sf");
      claims.put("repository_owner", "acme");
      claims.put("repository_owner_id", "1234567");
      claims.put("run_id", "1234567890");
      claims.put("run_number", "42");
      claims.put("run_attempt", "1");
      claims.put("actor", "octocat");
      claims.put("workflow", "deploy");
      claims.put("event_name", "push");
      claims.put("ref_type", "branch");
      claims.put("job_workflow_ref", "acme/sf/.github/workflows/deploy.yml@refs/heads/main");
      claims.put("runner_environment", "github-hosted");
      return claims;
    }

    /** Ten shapes of condition, cycled, each with its own constants so no two rules are alike. */
    private static String rule(int n, boolean opaque) {
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
      if (opaque) {
        when = "session.org == org.alias && (" + when + ")";
      }
      StringBuilder text = new StringBuilder()
          .append("  - id: rule-").append(n).append('\n')
          .append("    effect: ").append(effect).append('\n')
          .append("    when: '").append(when).append("'\n")
          .append("    reason: rule ").append(n).append('\n');
      if (n % 4 == 0 && effect.equals("allow")) {
        text.append("    obligations: { max_records: ").append(1000 + n).append(", redact_fields: [Contact.F").append(n)
            .append("__c] }\n");
        text.append("    session: { max_ttl: ").append(10 + n % 20).append("m, scopes: [api:read, metadata:retrieve, metadata:deploy] }\n");
      }
      return text.toString();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public Decision decideSampled(Bundle state) {
    return state.bundle.decide(state.input);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public Decision decideThroughput(Bundle state) {
    return state.bundle.decide(state.input);
  }
}
