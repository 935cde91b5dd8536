package dev.portcullis.policy;

import dev.cel.common.CelValidationResult;
import dev.cel.compiler.CelCompiler;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded, compiled set of policy rules: the policy decision point.
 *
 * <p>A bundle is a directory of {@code *.yaml}/{@code *.yml} policy files (subdirectories included,
 * dot-directories skipped) and the {@code *_test.yaml} files that test them. It is immutable and
 * thread-safe: {@link #decide} evaluates every rule's precompiled CEL program against the input and
 * combines the results (deny overrides allow, nothing matched means deny, an erroring deny rule
 * counts as deny). File format and semantics: docs/POLICY.md.
 *
 * <p>Rules belong to one {@link DecisionPoint}: {@link #decide} considers the access rules only
 * (exactly as before deploy rules existed: same rules, index and prechecks), {@link #decideDeploy}
 * the deploy rules only, each against its own variables, combined by the same rules.
 */
public final class PolicyBundle {
  /** The resource folder of the default policy pack. */
  static final String DEFAULT_PACK = "dev/portcullis/policy/default/";
  /** The files of the default pack, policies and tests. */
  static final List<String> DEFAULT_FILES = List.of(
      "params.yaml", "sessions.yaml", "production.yaml", "requests.yaml", "deploy.yaml", "default_test.yaml",
      "deploy_test.yaml");

  /** The deploy rules of a bundle, in bundle order, and the deploy environment's compiler, runtime and params. */
  record DeployRules(List<Rule> rules, Object params, CelCompiler compiler, CelRuntime runtime) {
    DeployRules {
      rules = List.copyOf(rules);
    }
  }

  private final String source;
  private final String hash;
  private final List<Rule> rules;
  /** The precheck of each rule's condition, by the rule's index. */
  private final Precheck[] prechecks;
  private final Optional<Object> params;
  private final CelCompiler compiler;
  private final CelRuntime runtime;
  private final List<PolicyTestCase> tests;
  private final int policyFiles;
  private final Map<String, List<Conjunct>> conjuncts = new ConcurrentHashMap<>();
  private final RuleIndex index;
  private final DeployRules deploy;
  private final Optional<Object> deployParams;

  PolicyBundle(String source, String hash, List<Rule> rules, List<Precheck> prechecks, Object params,
      CelCompiler compiler, CelRuntime runtime, List<PolicyTestCase> tests, int policyFiles, DeployRules deploy) {
    if (prechecks.size() != rules.size()) {
      throw new IllegalArgumentException("one precheck per rule: " + prechecks.size() + " for " + rules.size() + " rules");
    }
    this.source = source;
    this.hash = hash;
    this.rules = List.copyOf(rules);
    this.prechecks = prechecks.toArray(Precheck[]::new);
    this.index = RuleIndex.of(this.rules);
    this.params = Optional.of(params);
    this.compiler = compiler;
    this.runtime = runtime;
    this.tests = List.copyOf(tests);
    this.policyFiles = policyFiles;
    this.deploy = Objects.requireNonNull(deploy, "deploy");
    this.deployParams = Optional.of(deploy.params());
  }

  /**
   * Loads and compiles the bundle in {@code directory}.
   *
   * @throws PolicyException listing every problem (file:line:column and message)
   */
  public static PolicyBundle load(Path directory) throws PolicyException {
    return BundleLoader.load(directory.toString(), readFiles(directory));
  }

  /** The bundle files of {@code directory} (relative path → bytes), as {@link #load} reads them. */
  static java.util.SortedMap<String, byte[]> readFiles(Path directory) throws PolicyException {
    String source = directory.toString();
    if (!Files.isDirectory(directory)) {
      throw new PolicyException(List.of(new PolicyProblem(source, 0, 0, PolicyErrorCode.FILE_UNREADABLE,
          Files.exists(directory) ? "not a directory" : "no such directory")));
    }
    java.util.SortedMap<String, byte[]> files = new TreeMap<>(BundleHash.ORDER);
    List<PolicyProblem> unreadable = new ArrayList<>();
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          return !dir.equals(directory) && dir.getFileName().toString().startsWith(".")
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          String relative = relative(directory, file);
          if (attributes.isRegularFile() && BundleLoader.isBundleFile(relative)
              && !file.getFileName().toString().startsWith(".")) {
            try {
              files.put(relative, Files.readAllBytes(file));
            } catch (java.nio.file.NoSuchFileException e) {
              // deleted between the listing and the read: not part of the bundle, as if listed a moment later
            } catch (IOException e) {
              unreadable.add(new PolicyProblem(relative, 0, 0, PolicyErrorCode.FILE_UNREADABLE,
                  "cannot read the file (" + e.getClass().getSimpleName() + ")"));
            }
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (e instanceof java.nio.file.NoSuchFileException) {
            return FileVisitResult.CONTINUE; // deleted while the directory was walked
          }
          unreadable.add(new PolicyProblem(relative(directory, file), 0, 0, PolicyErrorCode.FILE_UNREADABLE,
              "cannot read (" + e.getClass().getSimpleName() + ")"));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      unreadable.add(new PolicyProblem(source, 0, 0, PolicyErrorCode.FILE_UNREADABLE,
          "cannot list the directory (" + e.getClass().getSimpleName() + ")"));
    }
    if (!unreadable.isEmpty()) {
      throw new PolicyException(unreadable);
    }
    return files;
  }

  /** Compiles a bundle from file contents (relative path → bytes); for tests and embedded bundles. */
  static PolicyBundle fromFiles(String source, Map<String, byte[]> files) throws PolicyException {
    return BundleLoader.load(source, files);
  }

  /** The default policy pack that ships with Portcullis (docs/POLICY.md, "The default pack"). */
  public static PolicyBundle loadDefault() {
    try {
      return BundleLoader.load("(default pack)", defaultFiles());
    } catch (PolicyException e) {
      throw new IllegalStateException("the default policy pack does not compile: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the default pack (policies and tests) into {@code directory}, creating it if needed;
   * never overwrites a file. Returns the files written.
   *
   * @throws java.nio.file.FileAlreadyExistsException if one of the files exists (nothing is written then)
   */
  public static List<Path> writeDefault(Path directory) throws IOException {
    Map<String, byte[]> files = defaultFiles();
    for (String name : files.keySet()) {
      if (Files.exists(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(directory.resolve(name).toString());
      }
    }
    Files.createDirectories(directory);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = directory.resolve(file.getKey());
      Files.write(target, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      written.add(target);
    }
    return written;
  }

  private static Map<String, byte[]> defaultFiles() {
    java.util.SortedMap<String, byte[]> files = new TreeMap<>(BundleHash.ORDER);
    for (String name : DEFAULT_FILES) {
      try (InputStream in = PolicyBundle.class.getClassLoader().getResourceAsStream(DEFAULT_PACK + name)) {
        if (in == null) {
          throw new IllegalStateException("the default policy pack is missing " + DEFAULT_PACK + name);
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + DEFAULT_PACK + name, e);
      }
    }
    return files;
  }

  private static String relative(Path directory, Path file) {
    return directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  /** Where the bundle was loaded from (a directory, or {@code (default pack)}). */
  public String source() {
    return source;
  }

  /** SHA-256 (lowercase hex) of the policy files: sorted relative paths and bytes (docs/POLICY.md). */
  public String hash() {
    return hash;
  }

  /** Every rule id: the access rules in evaluation order, then the deploy rules in evaluation order. */
  public List<String> ruleIds() {
    List<String> ids = new ArrayList<>(rules.size() + deploy.rules().size());
    rules.forEach(rule -> ids.add(rule.id()));
    deploy.rules().forEach(rule -> ids.add(rule.id()));
    return List.copyOf(ids);
  }

  /** The ids of the rules of {@code point}, in evaluation order. */
  public List<String> ruleIds(DecisionPoint point) {
    return rulesOf(point).stream().map(Rule::id).toList();
  }

  private List<Rule> rulesOf(DecisionPoint point) {
    return switch (point) {
      case ACCESS -> rules;
      case DEPLOY -> deploy.rules();
    };
  }

  /** How many policy files (not test files) the bundle has. */
  public int policyFileCount() {
    return policyFiles;
  }

  /** How many test cases the bundle's test files hold. */
  public int testCount() {
    return tests.size();
  }

  /**
   * Decides {@code input}. Never throws for a rule that fails to evaluate: the decision records it.
   *
   * <p>Only the rules the {@link RuleIndex} admits for this input are considered; the others are
   * false for it without evaluation (and could not have failed). Of those, a rule whose
   * {@link Precheck} knows the answer is decided by it; only the others run their CEL program. So
   * the decision is the one that evaluating every rule's program gives
   * ({@link #decideEvaluatingEveryRule}), sooner.
   */
  public Decision decide(DecisionInput input) {
    Objects.requireNonNull(input, "input");
    return decide(input, index.candidates(input), true);
  }

  /** Decides {@code input} by evaluating every rule's CEL program, without index or prechecks; the reference for tests. */
  Decision decideEvaluatingEveryRule(DecisionInput input) {
    Objects.requireNonNull(input, "input");
    return decide(input, index.all(), false);
  }

  /** How many rules deciding {@code input} runs the CEL program of; for tests. */
  int programRunCount(DecisionInput input) {
    long[] candidates = index.candidates(input);
    int count = 0;
    for (int word = 0; word < candidates.length; word++) {
      for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
        if (prechecks[(word << 6) + Long.numberOfTrailingZeros(bits)].test(input) == Precheck.Truth.UNKNOWN) {
          count++;
        }
      }
    }
    return count;
  }

  /** How many rules the index admits for {@code input} (prechecks aside); for tests. */
  int evaluatedRuleCount(DecisionInput input) {
    return index.candidateCount(input);
  }

  private Decision decide(DecisionInput input, long[] candidates, boolean precheck) {
    CelVariableResolver variables = variables(input);
    int candidateCount = 0;
    for (long word : candidates) {
      candidateCount += Long.bitCount(word);
    }
    List<Rule> matched = new ArrayList<>(candidateCount);
    List<Rule> failed = List.of();
    List<Decision.RuleError> errors = List.of();
    for (int word = 0; word < candidates.length; word++) {
      for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
        int index = (word << 6) + Long.numberOfTrailingZeros(bits);
        Rule rule = rules.get(index);
        if (precheck) {
          Precheck.Truth truth = prechecks[index].test(input);
          if (truth == Precheck.Truth.FALSE) {
            continue;
          }
          if (truth == Precheck.Truth.TRUE) {
            matched.add(rule);
            continue;
          }
        }
        try {
          if (Boolean.TRUE.equals(rule.program().eval(variables))) {
            matched.add(rule);
          }
        } catch (CelEvaluationException | RuntimeException e) {
          if (errors.isEmpty()) {
            errors = new ArrayList<>(2);
            failed = new ArrayList<>(2);
          }
          errors.add(new Decision.RuleError(rule.id(), message(e)));
          failed.add(rule);
        }
      }
    }
    return combine(input.session().scopes(), matched, failed, errors);
  }

  /**
   * Decides a deployment over the bundle's deploy rules ({@code on: deploy}); the access rules take
   * no part. Combined as access decisions are (deny overrides, default deny, a failing deny rule
   * denies); a deploy decision has no session limits. Obligations ({@code require_approval}) are
   * merged strictly: the most approvers. Never throws for a rule that fails to evaluate.
   */
  public Decision decideDeploy(DeployInput input) {
    Objects.requireNonNull(input, "input");
    CelVariableResolver variables = variables(input);
    List<Rule> matched = new ArrayList<>();
    List<Rule> failed = new ArrayList<>();
    List<Decision.RuleError> errors = new ArrayList<>();
    for (Rule rule : deploy.rules()) {
      try {
        if (Boolean.TRUE.equals(rule.program().eval(variables))) {
          matched.add(rule);
        }
      } catch (CelEvaluationException | RuntimeException e) {
        errors.add(new Decision.RuleError(rule.id(), message(e)));
        failed.add(rule);
      }
    }
    return combine(List.of(), matched, failed, errors);
  }

  private CelVariableResolver variables(DeployInput input) {
    return name -> "params".equals(name) ? deployParams : input.variable(name);
  }

  private CelVariableResolver variables(DecisionInput input) {
    return name -> "params".equals(name) ? params : input.variable(name);
  }

  /**
   * What went wrong, the same whichever program evaluated the condition (the whole rule's, or one
   * part's alone): CEL's own wrapper ("evaluation error at FILE:N: …", or without a position) is
   * dropped for the underlying cause's message ({@code / by zero}, a missing key, …).
   */
  static String message(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root != e && root.getMessage() != null && !root.getMessage().isBlank()
        ? root.getMessage() : e.getMessage();
    message = message == null ? "" : message.replaceFirst("^evaluation error( at [^:]*:\\d+)?: ?", "");
    if (message.isBlank()) {
      message = describe(root);
    }
    return PolicyYaml.oneLine(message);
  }

  /**
   * A message for an exception that carries none. HotSpot throws preallocated, message-less
   * instances of the implicit exceptions (integer division by zero among them) once the code that
   * throws them is compiled (-XX:+OmitStackTraceInFastThrow), so the same rule on the same input
   * would otherwise be recorded with "/ by zero" early in a process's life and with nothing later.
   */
  private static String describe(Throwable root) {
    if (root instanceof ArithmeticException) {
      return "/ by zero";
    }
    return root.getClass().getSimpleName();
  }

  /** Deny overrides allow; default deny; failed deny rules count against the decision (docs/POLICY.md). */
  private Decision combine(List<String> requested, List<Rule> matched, List<Rule> failed, List<Decision.RuleError> errors) {
    List<String> denyReasons = new ArrayList<>();
    boolean anyAllow = false;
    Set<String> removedScopes = new LinkedHashSet<>();
    for (Rule rule : matched) {
      if (rule.deniesWholeDecision()) {
        denyReasons.add(rule.because());
      } else if (rule.effect() == Decision.Effect.DENY) {
        removedScopes.addAll(rule.scopes());
      } else {
        anyAllow = true;
      }
    }
    for (int i = 0; i < failed.size(); i++) {
      Rule rule = failed.get(i);
      if (rule.deniesWholeDecision()) {
        denyReasons.add("rule " + rule.id() + " could not be evaluated, so it denies (fail closed): " + errors.get(i).message());
      } else if (rule.effect() == Decision.Effect.DENY) {
        removedScopes.addAll(rule.scopes());
      }
    }
    Decision.Effect effect = denyReasons.isEmpty() && anyAllow ? Decision.Effect.ALLOW : Decision.Effect.DENY;
    List<String> reasons;
    List<Rule> deciding;
    Set<String> scopes = new LinkedHashSet<>();
    if (effect == Decision.Effect.ALLOW) {
      deciding = matched;
      reasons = new ArrayList<>(matched.size());
      for (Rule rule : matched) {
        reasons.add(rule.because());
        if (rule.effect() == Decision.Effect.ALLOW) {
          for (String scope : rule.scopes()) {
            if (requested.contains(scope)) {
              scopes.add(scope);
            }
          }
        }
      }
      scopes.removeAll(removedScopes);
    } else {
      deciding = new ArrayList<>(matched.size());
      for (Rule rule : matched) {
        if (rule.effect() == Decision.Effect.DENY) {
          deciding.add(rule);
        }
      }
      reasons = denyReasons.isEmpty() ? List.of("no allow rule matched (default deny)") : denyReasons;
    }
    String[] matchedIds = new String[matched.size()];
    Duration maxTtl = null;
    for (int i = 0; i < matchedIds.length; i++) {
      Rule rule = matched.get(i);
      matchedIds[i] = rule.id();
      if (rule.maxTtl().isPresent() && (maxTtl == null || rule.maxTtl().get().compareTo(maxTtl) < 0)) {
        maxTtl = rule.maxTtl().get();
      }
    }
    return new Decision(effect, List.of(matchedIds), reasons, Obligations.merge(deciding),
        new SessionLimits(Optional.ofNullable(maxTtl), scopes), errors, hash);
  }

  /** Decides {@code input} and tells, rule by rule, what matched and why the others did not. */
  public Explanation explain(DecisionInput input) {
    return explain(decide(input), rules, variables(input), compiler, runtime);
  }

  /** Decides a deployment and tells, deploy rule by deploy rule, what matched and why the others did not. */
  public Explanation explainDeploy(DeployInput input) {
    return explain(decideDeploy(input), deploy.rules(), variables(input), deploy.compiler(), deploy.runtime());
  }

  private Explanation explain(Decision decision, List<Rule> rules, CelVariableResolver variables, CelCompiler compiler,
      CelRuntime runtime) {
    List<Explanation.RuleOutcome> outcomes = new ArrayList<>();
    for (Rule rule : rules) {
      Optional<String> error = decision.errors().stream().filter(e -> e.ruleId().equals(rule.id()))
          .map(Decision.RuleError::message).findFirst();
      Explanation.Result result;
      String detail = "";
      if (error.isPresent()) {
        result = Explanation.Result.ERROR;
        detail = error.get();
      } else if (decision.matchedRules().contains(rule.id())) {
        result = Explanation.Result.MATCHED;
      } else {
        result = Explanation.Result.NOT_MATCHED;
        detail = whyFalse(rule, variables, compiler, runtime);
      }
      outcomes.add(new Explanation.RuleOutcome(rule.id(), rule.effect(), rule.location(), result, detail));
    }
    return new Explanation(decision, outcomes);
  }

  private record Conjunct(String text, Optional<CelRuntime.Program> program) {}

  private String whyFalse(Rule rule, CelVariableResolver variables, CelCompiler compiler, CelRuntime runtime) {
    List<Conjunct> parts = conjuncts.computeIfAbsent(rule.id(), id -> Conjuncts.split(rule.when()).stream()
        .map(text -> new Conjunct(text, compile(text, compiler, runtime))).toList());
    if (parts.size() > 1) {
      for (int i = 0; i < parts.size(); i++) {
        Conjunct part = parts.get(i);
        if (part.program().isEmpty()) {
          break;
        }
        try {
          Object value = part.program().get().eval(variables);
          if (Boolean.FALSE.equals(value)) {
            return "condition " + (i + 1) + " of " + parts.size() + " is false: " + PolicyYaml.oneLine(part.text());
          }
        } catch (CelEvaluationException | RuntimeException e) {
          return "condition " + (i + 1) + " of " + parts.size() + " failed: " + message(e);
        }
      }
    }
    return "the condition is false";
  }

  private static Optional<CelRuntime.Program> compile(String text, CelCompiler compiler, CelRuntime runtime) {
    try {
      CelValidationResult result = compiler.compile(text);
      return result.hasError() ? Optional.empty() : Optional.of(runtime.createProgram(result.getAst()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Runs the bundle's test cases, in file order. */
  public List<PolicyTestResult> runTests() {
    List<PolicyTestResult> results = new ArrayList<>();
    for (PolicyTestCase test : tests) {
      Decision decision = switch (test.input()) {
        case DecisionInput access -> decide(access);
        case DeployInput deployment -> decideDeploy(deployment);
      };
      List<String> failures = new ArrayList<>();
      if (decision.effect() != test.effect()) {
        failures.add("effect: expected " + test.effect().word() + ", got " + decision.effect().word()
            + " (" + String.join("; ", decision.reasons()) + ")");
      }
      test.matched().ifPresent(expected -> {
        if (!expected.equals(new LinkedHashSet<>(decision.matchedRules()))) {
          failures.add("matched: expected " + expected + ", got " + decision.matchedRules());
        }
      });
      test.scopes().ifPresent(expected -> {
        if (!expected.equals(decision.sessionLimits().scopes())) {
          failures.add("scopes: expected " + expected + ", got " + decision.sessionLimits().scopes());
        }
      });
      test.maxTtl().ifPresent(expected -> {
        if (!decision.sessionLimits().maxTtl().equals(Optional.of(expected))) {
          failures.add("max_ttl: expected " + Durations.format(expected) + ", got "
              + decision.sessionLimits().maxTtl().map(Durations::format).orElse("none"));
        }
      });
      test.obligations().ifPresent(expected -> {
        Map<String, Object> actual = obligationMap(decision.obligations());
        if (!expected.equals(actual)) {
          failures.add("obligations: expected " + expected + ", got " + actual);
        }
      });
      results.add(new PolicyTestResult(test.file(), test.line(), test.name(), failures, decision));
    }
    return results;
  }

  /** Obligations by name; a name given more than once (values that do not merge) maps to the list of its values. */
  static Map<String, Object> obligationMap(List<Obligation> obligations) {
    Map<String, List<Object>> byName = new LinkedHashMap<>();
    obligations.forEach(o -> byName.computeIfAbsent(o.name(), n -> new ArrayList<>()).add(o.value()));
    Map<String, Object> out = new LinkedHashMap<>();
    byName.forEach((name, values) -> out.put(name, values.size() == 1 ? values.get(0) : List.copyOf(values)));
    return out;
  }

  @Override
  public String toString() {
    return "PolicyBundle[" + source + ", " + rules.size() + " rules, " + deploy.rules().size() + " deploy rules, sha256 "
        + hash + "]";
  }
}
