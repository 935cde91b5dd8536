package dev.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.compiler.CelCompiler;
import dev.cel.optimizer.CelOptimizationException;
import dev.cel.optimizer.CelOptimizer;
import dev.cel.optimizer.CelOptimizerFactory;
import dev.cel.optimizer.optimizers.ConstantFoldingOptimizer;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The policy compiler: turns the bytes of a bundle's files into compiled rules and test cases, or
 * into the complete list of what is wrong with them.
 *
 * <p>Design: three passes over the composed YAML. The first reads every file's {@code params}
 * (the bundle's parameters must be known before any condition is checked, since {@code params}
 * is a typed struct built from them). The second builds the CEL environment and compiles each
 * rule: parse, then type-check against the declared environment, then plan a program. CEL reports
 * positions inside the expression; they are mapped back into the YAML file through the scalar's
 * start mark ({@link PolicyYaml#positionIn}), so an unknown field is reported where it is written.
 * The third reads the test files, whose expectations can name only rules that exist.
 *
 * <p>Each rule belongs to one {@link DecisionPoint} ({@code on:}, access by default) and is checked
 * against that point's environment, with that point's compiler: the variables of the other point
 * are undeclared references there. Access rules get their guards and prechecks as before; deploy
 * rules, decided rarely, run their whole program.
 *
 * <p>Invariants: a bundle exists only when there is no problem at all, so a bundle in force never
 * holds a rule that failed to compile; loading never throws for bad input (everything becomes a
 * {@link PolicyProblem}); rules keep the order of sorted file names, then their order in the file,
 * which makes decisions and their lists of matched rules deterministic.
 */
final class BundleLoader {
  static final Set<String> RULE_FIELDS = Set.of("id", "effect", "when", "reason", "obligations", "session", "on");
  private static final List<String> RULE_FIELD_ORDER = List.of("id", "effect", "when", "reason", "obligations", "session", "on");
  /** The obligations a deploy rule may carry (and site-specific {@code x_…} ones). */
  private static final List<String> DEPLOY_OBLIGATIONS = List.of("require_approval");
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern PARAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Set<String> RESERVED = Set.of("in", "as", "break", "const", "continue", "else", "for",
      "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
      "true", "false", "null");

  private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([A-Za-z_][A-Za-z0-9_]*)'");

  private final List<PolicyProblem> problems = new ArrayList<>();

  /** Whether {@code path} names a test file rather than a policy file. */
  static boolean isTestFile(String path) {
    return path.endsWith("_test.yaml") || path.endsWith("_test.yml");
  }

  static boolean isBundleFile(String path) {
    return path.endsWith(".yaml") || path.endsWith(".yml");
  }

  /** Compiles the bundle made of {@code files} (relative path → bytes, policy and test files). */
  static PolicyBundle load(String source, Map<String, byte[]> files) throws PolicyException {
    BundleLoader loader = new BundleLoader();
    Optional<PolicyBundle> bundle = loader.compile(source, files);
    if (bundle.isEmpty()) {
      throw new PolicyException(loader.problems);
    }
    return bundle.get();
  }

  private Optional<PolicyBundle> compile(String source, Map<String, byte[]> files) {
    SortedMap<String, byte[]> policyFiles = new TreeMap<>(BundleHash.ORDER);
    SortedMap<String, byte[]> testFiles = new TreeMap<>(BundleHash.ORDER);
    files.forEach((path, bytes) -> (isTestFile(path) ? testFiles : policyFiles).put(path, bytes));
    if (policyFiles.isEmpty()) {
      problems.add(new PolicyProblem(source, 0, 0, PolicyErrorCode.NO_POLICY_FILES,
          "no policy files (*.yaml, *.yml other than *_test.yaml) in the bundle"));
    }
    Map<String, Map<String, NodeTuple>> policyTops = new LinkedHashMap<>();
    Map<String, PolicyYaml> readers = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> file : policyFiles.entrySet()) {
      compose(file.getKey(), file.getValue(), List.of("params", "rules")).ifPresent(top -> {
        policyTops.put(file.getKey(), top.fields());
        readers.put(file.getKey(), top.yaml());
      });
    }

    // Pass 1: parameters.
    Map<String, Object> params = new LinkedHashMap<>();
    Map<String, String> paramOrigin = new LinkedHashMap<>();
    policyTops.forEach((file, top) -> {
      NodeTuple section = top.get("params");
      if (section != null && !PolicyYaml.isNull(section.getValueNode())) {
        readParams(readers.get(file), section.getValueNode(), params, paramOrigin);
      }
    });

    // Pass 2: rules.
    Map<DecisionPoint, Point> points = new java.util.EnumMap<>(DecisionPoint.class);
    for (DecisionPoint point : DecisionPoint.values()) {
      points.put(point, new Point(new PolicyEnvironment(params, point), Collections.unmodifiableMap(params)));
    }
    Point access = points.get(DecisionPoint.ACCESS);
    Point deploy = points.get(DecisionPoint.DEPLOY);
    List<Rule> rules = new ArrayList<>();
    List<Precheck> prechecks = new ArrayList<>();
    List<Rule> deployRules = new ArrayList<>();
    Map<String, String> ruleOrigin = new LinkedHashMap<>();
    Map<String, DecisionPoint> rulePoints = new LinkedHashMap<>();
    policyTops.forEach((file, top) -> {
      NodeTuple section = top.get("rules");
      if (section == null || PolicyYaml.isNull(section.getValueNode())) {
        return;
      }
      PolicyYaml yaml = readers.get(file);
      yaml.sequence(section.getValueNode(), "rules").ifPresent(items -> {
        for (Node item : items) {
          readRule(yaml, item, points, params, ruleOrigin).ifPresent(compiled -> {
            rulePoints.put(compiled.rule().id(), compiled.point());
            if (compiled.point() == DecisionPoint.ACCESS) {
              rules.add(compiled.rule());
              prechecks.add(compiled.precheck());
            } else {
              deployRules.add(compiled.rule());
            }
          });
        }
      });
    });

    // Pass 3: tests.
    List<PolicyTestCase> tests = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : testFiles.entrySet()) {
      compose(file.getKey(), file.getValue(), List.of("tests")).ifPresent(top -> {
        NodeTuple section = top.fields().get("tests");
        if (section != null && !PolicyYaml.isNull(section.getValueNode())) {
          top.yaml().sequence(section.getValueNode(), "tests").ifPresent(items -> {
            for (Node item : items) {
              readTest(top.yaml(), item, ruleOrigin.keySet(), rulePoints).ifPresent(tests::add);
            }
          });
        }
      });
    }

    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PolicyBundle(source, BundleHash.of(policyFiles), rules, prechecks,
        access.paramsValue, access.compiler, access.runtime, tests, policyFiles.size(),
        new PolicyBundle.DeployRules(deployRules, deploy.paramsValue, deploy.compiler, deploy.runtime)));
  }

  /** One decision point's compiler, runtime, constant folder and {@code params} value. */
  private static final class Point {
    final PolicyEnvironment environment;
    final CelCompiler compiler;
    final CelRuntime runtime;
    final CelOptimizer optimizer;
    final Object paramsValue;

    Point(PolicyEnvironment environment, Map<String, Object> params) {
      this.environment = environment;
      this.compiler = environment.compiler();
      this.runtime = environment.runtime();
      this.optimizer = CelOptimizerFactory.standardCelOptimizerBuilder(compiler, runtime)
          .addAstOptimizers(ConstantFoldingOptimizer.getInstance())
          .build();
      this.paramsValue = environment.paramsValue(params);
    }
  }

  private record Top(PolicyYaml yaml, Map<String, NodeTuple> fields) {}

  private Optional<Top> compose(String file, byte[] bytes, List<String> known) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      problems.add(new PolicyProblem(file, 0, 0, PolicyErrorCode.FILE_UNREADABLE, "not UTF-8 text"));
      return Optional.empty();
    }
    return PolicyYaml.compose(file, text, problems).flatMap(root -> {
      if (PolicyYaml.isNull(root.node())) {
        return Optional.of(new Top(root.yaml(), Map.of()));
      }
      return root.yaml().mapping(root.node(), "the file", known).map(fields -> new Top(root.yaml(), fields));
    });
  }

  private void readParams(PolicyYaml yaml, Node node, Map<String, Object> params, Map<String, String> origin) {
    yaml.mapping(node, "params", null).ifPresent(fields -> fields.forEach((name, tuple) -> {
      Node key = tuple.getKeyNode();
      if (!PARAM.matcher(name).matches() || RESERVED.contains(name)) {
        yaml.error(key, PolicyErrorCode.INVALID_VALUE, "parameter name '" + PolicyYaml.abbreviate(name)
            + "' must be a CEL identifier (letters, digits, _; not a reserved word)");
        return;
      }
      String where = yaml.file() + ":" + PolicyYaml.line(key);
      if (origin.containsKey(name)) {
        yaml.error(key, PolicyErrorCode.DUPLICATE_PARAM, "parameter '" + name + "' is already defined at " + origin.get(name));
        return;
      }
      origin.put(name, where);
      yaml.value(tuple.getValueNode(), "params." + name).ifPresent(value -> params.put(name, value));
    }));
  }

  /** A compiled rule, its decision point and the precheck of its condition. */
  private record CompiledRule(Rule rule, DecisionPoint point, Precheck precheck) {}

  private Optional<CompiledRule> readRule(PolicyYaml yaml, Node node, Map<DecisionPoint, Point> points,
      Map<String, Object> params, Map<String, String> ruleOrigin) {
    Optional<Map<String, NodeTuple>> maybeFields = yaml.mapping(node, "a rule", RULE_FIELD_ORDER);
    if (maybeFields.isEmpty()) {
      return Optional.empty();
    }
    Map<String, NodeTuple> fields = maybeFields.get();
    int problemsBefore = problems.size();
    for (String required : List.of("id", "effect", "when")) {
      if (!fields.containsKey(required) || PolicyYaml.isNull(fields.get(required).getValueNode())) {
        yaml.error(node, PolicyErrorCode.MISSING_FIELD, "a rule needs '" + required + "'");
      }
    }
    String id = null;
    if (fields.containsKey("id") && !PolicyYaml.isNull(fields.get("id").getValueNode())) {
      Node idNode = fields.get("id").getValueNode();
      id = yaml.text(idNode, "id").orElse(null);
      if (id != null && !RULE_ID.matcher(id).matches()) {
        yaml.error(idNode, PolicyErrorCode.INVALID_VALUE, "rule id '" + PolicyYaml.abbreviate(id)
            + "' must be letters, digits, '.', '_', ':' or '-' (at most 128, starting with a letter or digit)");
        id = null;
      } else if (id != null && ruleOrigin.containsKey(id)) {
        yaml.error(idNode, PolicyErrorCode.DUPLICATE_RULE_ID, "rule id '" + id + "' is already used at " + ruleOrigin.get(id));
        id = null;
      } else if (id != null) {
        ruleOrigin.put(id, yaml.file() + ":" + PolicyYaml.line(idNode));
      }
    }
    Decision.Effect effect = null;
    if (fields.containsKey("effect") && !PolicyYaml.isNull(fields.get("effect").getValueNode())) {
      Node effectNode = fields.get("effect").getValueNode();
      String word = yaml.text(effectNode, "effect").orElse("");
      effect = switch (word) {
        case "allow" -> Decision.Effect.ALLOW;
        case "deny" -> Decision.Effect.DENY;
        default -> {
          if (!word.isEmpty()) {
            yaml.error(effectNode, PolicyErrorCode.INVALID_VALUE, "effect must be allow or deny, found '"
                + PolicyYaml.abbreviate(word) + "'");
          }
          yield null;
        }
      };
    }
    DecisionPoint point = DecisionPoint.ACCESS;
    if (fields.containsKey("on") && !PolicyYaml.isNull(fields.get("on").getValueNode())) {
      Node onNode = fields.get("on").getValueNode();
      String word = yaml.text(onNode, "on").orElse("");
      Optional<DecisionPoint> named = DecisionPoint.of(word);
      if (named.isPresent()) {
        point = named.get();
      } else if (!word.isEmpty()) {
        List<String> words = java.util.Arrays.stream(DecisionPoint.values()).map(DecisionPoint::word).toList();
        yaml.error(onNode, PolicyErrorCode.INVALID_VALUE, "on must be access or deploy, found '" + PolicyYaml.abbreviate(word)
            + "'" + PolicyYaml.closest(word, words).map(best -> " (did you mean '" + best + "'?)").orElse(""));
      }
    }
    String reason = "";
    if (fields.containsKey("reason") && !PolicyYaml.isNull(fields.get("reason").getValueNode())) {
      reason = yaml.text(fields.get("reason").getValueNode(), "reason").map(PolicyYaml::oneLine).orElse("");
    }
    List<Obligation> obligations = List.of();
    String obligationOwner = id == null ? "?" : id;
    if (fields.containsKey("obligations") && !PolicyYaml.isNull(fields.get("obligations").getValueNode())) {
      obligations = Obligations.read(yaml, fields.get("obligations").getValueNode(), obligationOwner).orElse(List.of());
      if (point == DecisionPoint.DEPLOY) {
        for (Obligation obligation : obligations) {
          if (!DEPLOY_OBLIGATIONS.contains(obligation.name()) && !obligation.name().startsWith("x_")) {
            yaml.error(fields.get("obligations").getValueNode(), PolicyErrorCode.INVALID_OBLIGATION, "obligation '"
                + obligation.name() + "' does not apply to deploy decisions (a deploy rule takes require_approval and x_… obligations)");
          }
        }
      }
    }
    Optional<Duration> maxTtl = Optional.empty();
    Set<String> scopes = Set.of();
    if (point == DecisionPoint.DEPLOY && fields.containsKey("session")) {
      yaml.error(fields.get("session").getKeyNode(), PolicyErrorCode.INVALID_VALUE,
          "a deploy rule has no session limits (session applies to access rules; see docs/POLICY.md, \"Deployment decisions\")");
    } else if (fields.containsKey("session") && !PolicyYaml.isNull(fields.get("session").getValueNode())) {
      Optional<Map<String, NodeTuple>> session = yaml.mapping(fields.get("session").getValueNode(), "session",
          List.of("max_ttl", "scopes"));
      if (session.isPresent()) {
        NodeTuple ttl = session.get().get("max_ttl");
        if (ttl != null) {
          Optional<String> text = yaml.text(ttl.getValueNode(), "max_ttl");
          maxTtl = text.flatMap(Durations::parse).filter(d -> !d.isZero());
          if (text.isPresent() && maxTtl.isEmpty()) {
            yaml.error(ttl.getValueNode(), PolicyErrorCode.INVALID_VALUE, "max_ttl must be a positive duration such as 15m,"
                + " 90s or 1h30m, found '" + PolicyYaml.abbreviate(text.get()) + "'");
          }
        }
        NodeTuple scopeList = session.get().get("scopes");
        if (scopeList != null) {
          scopes = readScopes(yaml, scopeList.getValueNode());
        }
      }
    }
    Optional<Condition> condition = Optional.empty();
    String when = null;
    if (fields.containsKey("when") && !PolicyYaml.isNull(fields.get("when").getValueNode())) {
      Node whenNode = fields.get("when").getValueNode();
      if (whenNode instanceof ScalarNode scalar) {
        when = scalar.getValue();
        condition = compileCondition(yaml, scalar, points.get(point), params);
      } else {
        yaml.error(whenNode, PolicyErrorCode.INVALID_VALUE, "when must be a CEL expression (text), found "
            + PolicyYaml.describe(whenNode));
      }
    }
    if (problems.size() > problemsBefore || id == null || effect == null || condition.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CompiledRule(new Rule(id, effect, when, condition.get().program(), condition.get().guards(), reason,
        obligations, maxTtl, scopes, yaml.file(),
        PolicyYaml.line(fields.get("id").getValueNode())), point, condition.get().precheck()));
  }

  private Set<String> readScopes(PolicyYaml yaml, Node node) {
    List<Node> items = node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode sequence ? sequence.getValue() : List.of(node);
    if (items.isEmpty()) {
      yaml.error(node, PolicyErrorCode.INVALID_VALUE, "scopes must name at least one scope (leave it out instead)");
      return Set.of();
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (Node item : items) {
      Optional<String> text = yaml.text(item, "each scope");
      if (text.isEmpty()) {
        continue;
      }
      String scope = text.get();
      if (!SessionLimits.KNOWN_SCOPES.contains(scope)) {
        yaml.error(item, PolicyErrorCode.INVALID_VALUE, "unknown scope '" + PolicyYaml.abbreviate(scope) + "'"
            + PolicyYaml.closest(scope, SessionLimits.KNOWN_SCOPES).map(best -> " (did you mean '" + best + "'?)")
                .orElse(" (known: " + String.join(", ", SessionLimits.KNOWN_SCOPES) + ")"));
      } else {
        scopes.add(scope);
      }
    }
    return Collections.unmodifiableSet(scopes);
  }

  /** A compiled condition, the guards the rule index reads from it and its precheck. */
  private record Condition(CelRuntime.Program program, List<RuleIndex.Guard> guards, Precheck precheck) {}

  /**
   * Parses, type-checks, folds constants and plans one condition; CEL's errors are reported at their
   * place in the file. Folding evaluates once, here, the parts that read no variable, such as
   * {@code duration("15m")} or {@code timestamp("2026-01-01T00:00:00Z")}, which would otherwise parse
   * their text at every decision; a part whose evaluation fails is left as it is (it then fails at
   * decision time, as written), and a condition the optimizer cannot handle is planned unfolded.
   */
  private Optional<Condition> compileCondition(PolicyYaml yaml, ScalarNode scalar, Point point, Map<String, Object> params) {
    CelCompiler compiler = point.compiler;
    CelRuntime runtime = point.runtime;
    CelOptimizer optimizer = point.optimizer;
    DecisionPoint decisionPoint = point.environment.point();
    String expression = scalar.getValue();
    CelValidationResult parsed = compiler.parse(expression, yaml.file());
    if (parsed.hasError()) {
      report(yaml, scalar, expression, parsed.getErrors(), PolicyErrorCode.CEL_SYNTAX, decisionPoint);
      return Optional.empty();
    }
    try {
      CelValidationResult checked = compiler.check(parsed.getAst());
      if (checked.hasError()) {
        report(yaml, scalar, expression, checked.getErrors(), PolicyErrorCode.CEL_TYPE, decisionPoint);
        return Optional.empty();
      }
      CelAbstractSyntaxTree ast = checked.getAst();
      CelAbstractSyntaxTree folded;
      try {
        folded = optimizer.optimize(ast);
      } catch (CelOptimizationException | RuntimeException e) {
        folded = ast;
      }
      if (decisionPoint == DecisionPoint.DEPLOY) {
        // Deploy rules run their whole program: guards and prechecks read access inputs only.
        return Optional.of(new Condition(runtime.createProgram(folded), List.of(), Precheck.Opaque.INSTANCE));
      }
      return Optional.of(new Condition(runtime.createProgram(folded), RuleIndex.guards(ast, params),
          Prechecks.of(ast, runtime, point.paramsValue)));
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      yaml.error(scalar, PolicyErrorCode.CEL_TYPE, "the condition cannot be compiled: " + PolicyYaml.oneLine(String.valueOf(e.getMessage())));
      return Optional.empty();
    }
  }

  private static void report(PolicyYaml yaml, ScalarNode scalar, String expression, List<CelIssue> issues,
      PolicyErrorCode code, DecisionPoint point) {
    for (CelIssue issue : issues) {
      int offset = offsetOf(expression, issue.getSourceLocation().getLine(), issue.getSourceLocation().getColumn());
      if (issue.getMessage().startsWith("undefined field") && offset + 1 < expression.length()
          && expression.codePointAt(expression.offsetByCodePoints(0, offset)) == '.') {
        offset++; // CEL marks the dot of a field selection; point at the field's name
      }
      if (issue.getMessage().startsWith("undeclared reference")) {
        int[] points = expression.codePoints().toArray();
        if (offset < points.length && points[offset] == '(') {
          while (offset > 0 && (Character.isLetterOrDigit(points[offset - 1]) || points[offset - 1] == '_')) {
            offset--; // CEL marks the parenthesis of a call; point at the function's name
          }
        }
      }
      int[] at = yaml.positionIn(scalar, offset);
      yaml.error(at[0], at[1], code, (code == PolicyErrorCode.CEL_SYNTAX ? "CEL syntax error: " : "CEL: ")
          + describe(issue.getMessage()) + otherPoint(issue.getMessage(), point));
    }
  }

  /**
   * For an undeclared reference to a variable of the other decision point, which point has it:
   * {@code deploy.changes} in an access rule, {@code request.api} in a deploy rule.
   */
  private static String otherPoint(String message, DecisionPoint point) {
    java.util.regex.Matcher undeclared = UNDECLARED.matcher(message);
    if (!undeclared.find()) {
      return "";
    }
    String name = undeclared.group(1);
    for (DecisionPoint other : DecisionPoint.values()) {
      if (other != point && PolicyEnvironment.variables(other).containsKey(name)
          && !PolicyEnvironment.variables(point).containsKey(name)) {
        return " ('" + name + "' is a variable of " + other.word() + " rules; this is " + (point == DecisionPoint.ACCESS
            ? "an access rule (add 'on: deploy' to make it a deploy rule)" : "a deploy rule") + ", whose variables are "
            + String.join(", ", PolicyEnvironment.variables(point).keySet()) + ", params)";
      }
    }
    return "";
  }

  /** CEL's messages, with a hint for the most common one. */
  private static String describe(String message) {
    String text = PolicyYaml.oneLine(message);
    if (text.startsWith("undefined field")) {
      return text + " (see docs/POLICY.md, \"Environment\", for every variable and field)";
    }
    return text;
  }

  /** The code point offset of CEL's 1-based line and 0-based column in {@code expression}. */
  static int offsetOf(String expression, int line, int column) {
    int[] points = expression.codePoints().toArray();
    if (line <= 0) {
      return 0;
    }
    int currentLine = 1;
    int i = 0;
    while (i < points.length && currentLine < line) {
      if (points[i] == '\n') {
        currentLine++;
      }
      i++;
    }
    return Math.max(0, Math.min(points.length - 1, i + Math.max(0, column)));
  }

  /**
   * Reads an input mapping for {@code point}, or, when empty, for the point its top-level keys select
   * ({@code deploy}, {@code git} or {@code approvals}: a deploy input); records problems.
   */
  static Optional<PolicyInput> readInput(PolicyYaml yaml, Node node, Instant defaultNow, Optional<DecisionPoint> point) {
    DecisionPoint chosen = point.orElseGet(() -> pointOf(node));
    return switch (chosen) {
      case ACCESS -> DecisionInput.read(yaml, node, defaultNow).map(PolicyInput.class::cast);
      case DEPLOY -> DeployInput.read(yaml, node, defaultNow).map(PolicyInput.class::cast);
    };
  }

  /** {@link DecisionPoint#DEPLOY} when the mapping has a top-level key of {@link DeployInput#KEYS}, else access. */
  private static DecisionPoint pointOf(Node node) {
    if (node instanceof org.snakeyaml.engine.v2.nodes.MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && DeployInput.KEYS.contains(key.getValue())) {
          return DecisionPoint.DEPLOY;
        }
      }
    }
    return DecisionPoint.ACCESS;
  }

  /**
   * Reads one test case; {@code ruleIds} are every rule id the files declare, {@code rulePoints} the
   * decision point of each rule that compiled.
   */
  private Optional<PolicyTestCase> readTest(PolicyYaml yaml, Node node, Set<String> ruleIds,
      Map<String, DecisionPoint> rulePoints) {
    Optional<Map<String, NodeTuple>> maybeFields = yaml.mapping(node, "a test", List.of("name", "on", "input", "expect"));
    if (maybeFields.isEmpty()) {
      return Optional.empty();
    }
    Map<String, NodeTuple> fields = maybeFields.get();
    int before = problems.size();
    for (String required : List.of("name", "expect")) {
      if (!fields.containsKey(required) || PolicyYaml.isNull(fields.get(required).getValueNode())) {
        yaml.error(node, PolicyErrorCode.MISSING_FIELD, "a test needs '" + required + "'");
      }
    }
    String name = fields.containsKey("name") ? yaml.text(fields.get("name").getValueNode(), "name").orElse(null) : null;
    Node inputNode = fields.containsKey("input") ? fields.get("input").getValueNode() : null;
    Optional<DecisionPoint> on = Optional.empty();
    if (fields.containsKey("on") && !PolicyYaml.isNull(fields.get("on").getValueNode())) {
      Node onNode = fields.get("on").getValueNode();
      on = yaml.text(onNode, "on").flatMap(word -> {
        Optional<DecisionPoint> named = DecisionPoint.of(word);
        if (named.isEmpty()) {
          yaml.error(onNode, PolicyErrorCode.INVALID_VALUE, "on must be access or deploy, found '" + PolicyYaml.abbreviate(word) + "'");
        }
        return named;
      });
    }
    Optional<PolicyInput> input = readInput(yaml, inputNode, Instant.EPOCH, on);
    DecisionPoint point = on.orElseGet(() -> pointOf(inputNode));
    Decision.Effect effect = null;
    Optional<Set<String>> matched = Optional.empty();
    Optional<Map<String, Object>> obligations = Optional.empty();
    Optional<Set<String>> scopes = Optional.empty();
    Optional<Duration> maxTtl = Optional.empty();
    if (fields.containsKey("expect") && !PolicyYaml.isNull(fields.get("expect").getValueNode())) {
      Optional<Map<String, NodeTuple>> expect = yaml.mapping(fields.get("expect").getValueNode(), "expect",
          List.of("effect", "matched", "obligations", "scopes", "max_ttl"));
      if (expect.isPresent()) {
        NodeTuple effectTuple = expect.get().get("effect");
        if (effectTuple == null) {
          yaml.error(fields.get("expect").getValueNode(), PolicyErrorCode.MISSING_FIELD, "expect needs 'effect'");
        } else {
          String word = yaml.text(effectTuple.getValueNode(), "effect").orElse("");
          effect = "allow".equals(word) ? Decision.Effect.ALLOW : "deny".equals(word) ? Decision.Effect.DENY : null;
          if (effect == null && !word.isEmpty()) {
            yaml.error(effectTuple.getValueNode(), PolicyErrorCode.INVALID_VALUE, "effect must be allow or deny");
          }
        }
        NodeTuple matchedTuple = expect.get().get("matched");
        if (matchedTuple != null) {
          matched = PolicyYaml.isNull(matchedTuple.getValueNode())
              ? Optional.of(Set.of())
              : yaml.texts(matchedTuple.getValueNode(), "matched").map(LinkedHashSet::new);
          for (String rule : matched.orElse(Set.of())) {
            if (!ruleIds.contains(rule)) {
              yaml.error(matchedTuple.getValueNode(), PolicyErrorCode.INVALID_VALUE, "no rule '" + rule + "' in the bundle"
                  + PolicyYaml.closest(rule, ruleIds).map(best -> " (did you mean '" + best + "'?)").orElse(""));
            } else if (rulePoints.containsKey(rule) && rulePoints.get(rule) != point) {
              yaml.error(matchedTuple.getValueNode(), PolicyErrorCode.INVALID_VALUE, "rule '" + rule + "' is "
                  + (rulePoints.get(rule) == DecisionPoint.ACCESS ? "an access" : "a deploy") + " rule, and this is "
                  + (point == DecisionPoint.ACCESS ? "an access" : "a deploy") + " case: it cannot match");
            }
          }
        }
        NodeTuple obligationTuple = expect.get().get("obligations");
        if (obligationTuple != null) {
          obligations = PolicyYaml.isNull(obligationTuple.getValueNode())
              ? Optional.of(Map.of())
              : yaml.value(obligationTuple.getValueNode(), "obligations").flatMap(value -> {
                if (value instanceof Map<?, ?> map) {
                  Map<String, Object> out = new LinkedHashMap<>();
                  map.forEach((k, v) -> out.put(String.valueOf(k), v));
                  return Optional.of(out);
                }
                yaml.error(obligationTuple.getValueNode(), PolicyErrorCode.INVALID_VALUE, "obligations must be a mapping");
                return Optional.empty();
              });
        }
        if (point == DecisionPoint.DEPLOY) {
          for (String limit : List.of("scopes", "max_ttl")) {
            if (expect.get().containsKey(limit)) {
              yaml.error(expect.get().get(limit).getKeyNode(), PolicyErrorCode.INVALID_VALUE,
                  "a deploy case has no " + limit + " to expect (deploy decisions have no session limits)");
            }
          }
        }
        NodeTuple scopeTuple = expect.get().get("scopes");
        if (scopeTuple != null) {
          scopes = PolicyYaml.isNull(scopeTuple.getValueNode())
              ? Optional.of(Set.of())
              : yaml.texts(scopeTuple.getValueNode(), "scopes").map(LinkedHashSet::new);
        }
        NodeTuple ttlTuple = expect.get().get("max_ttl");
        if (ttlTuple != null) {
          Optional<String> text = yaml.text(ttlTuple.getValueNode(), "max_ttl");
          maxTtl = text.flatMap(Durations::parse);
          if (text.isPresent() && maxTtl.isEmpty()) {
            yaml.error(ttlTuple.getValueNode(), PolicyErrorCode.INVALID_VALUE, "max_ttl must be a duration such as 15m");
          }
        }
      }
    }
    if (problems.size() > before || name == null || input.isEmpty() || effect == null) {
      return Optional.empty();
    }
    return Optional.of(new PolicyTestCase(yaml.file(), PolicyYaml.line(fields.get("name").getValueNode()), name,
        input.get(), effect, matched, obligations, scopes, maxTtl));
  }
}
