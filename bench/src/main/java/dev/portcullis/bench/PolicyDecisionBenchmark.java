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
 * one thread; {@code decideThroughput} runs on 2 threads to show how it scales on 2 cores.
 *
 * <p>Short check: {@code java -jar bench/target/benchmarks.jar PolicyDecisionBenchmark -f 1 -wi 2 -i 3}.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {

  @State(Scope.Benchmark)
  public static class Bundle {
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
          text.append(rule(n));
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
              Map.of("repository", "acme/sf", "ref", "refs/heads/main", "ref_type", "branch", "actor", "octocat",
                  "run_id", "1234567890", "workflow", "deploy")))
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

    /** Ten shapes of condition, cycled, each with its own constants so no two rules are alike. */
    private static String rule(int n) {
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
