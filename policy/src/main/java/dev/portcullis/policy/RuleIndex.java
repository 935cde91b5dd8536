package dev.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which rules a decision needs to evaluate: an index of the rules by the string fields of the input
 * that their conditions require to hold certain values.
 *
 * <p>Design: most conditions start with cheap discriminators, {@code org.environment ==
 * "production"}, {@code principal.kind == "github"}, {@code request.operation in ["create",
 * "update"]}. When such a <em>guard</em> is one of the top-level {@code &&} parts of a condition and
 * the input's field holds none of the guard's values, the condition is false whatever its other
 * parts are: CEL's {@code &&} is false as soon as one part is false, even when another part fails
 * (a missing claim, a division by zero), and a guard itself never fails, because it reads a field
 * every input has ({@link DecisionInput} fills them all) and compares it with constants. So skipping
 * the rule gives the very decision that evaluating it would (not matched, no error), and the index
 * changes nothing but the time taken.
 *
 * <p>A guard is {@code FIELD == "text"} (either way round), {@code FIELD in ["a", "b"]} with only
 * string literals, or {@code FIELD in params.NAME} where the parameter is a list of strings (its
 * values are fixed when the bundle loads). FIELD is one of the string fields of {@link InputField}.
 * Anything else (an {@code ||}, a negation, a comprehension) is simply not a guard, and the rule is
 * evaluated as before. The index keeps, per guarded field, the rules each value admits, as bit
 * sets in bundle order; a decision intersects one set per field, so the rules it evaluates keep
 * their order.
 */
final class RuleIndex {
  /** The string fields of the input a guard can test. */
  enum InputField {
    PRINCIPAL_KIND("principal", "kind", input -> input.principal().kind()),
    PRINCIPAL_ISSUER("principal", "issuer", input -> input.principal().issuer()),
    PRINCIPAL_SUBJECT("principal", "subject", input -> input.principal().subject()),
    SESSION_ID("session", "id", input -> input.session().id()),
    SESSION_ORG("session", "org", input -> input.session().org()),
    REQUEST_API("request", "api", input -> input.request().api()),
    REQUEST_OPERATION("request", "operation", input -> input.request().operation()),
    REQUEST_SOBJECT("request", "sobject", input -> input.request().sobject()),
    ORG_ALIAS("org", "alias", input -> input.org().alias()),
    ORG_ENVIRONMENT("org", "environment", input -> input.org().environment()),
    ORG_ID("org", "id", input -> input.org().id());

    private final String variable;
    private final String field;
    private final Function<DecisionInput, String> read;

    InputField(String variable, String field, Function<DecisionInput, String> read) {
      this.variable = variable;
      this.field = field;
      this.read = read;
    }

    static Optional<InputField> of(String variable, String field) {
      for (InputField candidate : values()) {
        if (candidate.variable.equals(variable) && candidate.field.equals(field)) {
          return Optional.of(candidate);
        }
      }
      return Optional.empty();
    }

    String read(DecisionInput input) {
      return read.apply(input);
    }
  }

  /** A top-level part of a condition that is false unless {@code field} holds one of {@code values}. */
  record Guard(InputField field, Set<String> values) {
    Guard {
      values = Set.copyOf(values);
    }
  }

  /** The rules one value of a field admits, and those that do not guard the field at all. */
  private record FieldIndex(InputField field, Map<String, long[]> admittedByValue, long[] unguarded) {
    long[] admitted(DecisionInput input) {
      return admittedByValue.getOrDefault(field.read(input), unguarded);
    }
  }

  private final long[] all;
  private final FieldIndex[] fields;

  private RuleIndex(long[] all, FieldIndex[] fields) {
    this.all = all;
    this.fields = fields;
  }

  /** Indexes {@code rules} (in bundle order) by their guards. */
  static RuleIndex of(List<Rule> rules) {
    int words = (rules.size() + 63) / 64;
    long[] all = new long[words];
    for (int i = 0; i < rules.size(); i++) {
      all[i >>> 6] |= 1L << i;
    }
    // Per field, per rule guarding it: the values all of its guards on that field admit.
    Map<InputField, Map<Integer, Set<String>>> admitted = new EnumMap<>(InputField.class);
    for (int i = 0; i < rules.size(); i++) {
      for (Guard guard : rules.get(i).guards()) {
        Map<Integer, Set<String>> byRule = admitted.computeIfAbsent(guard.field(), field -> new HashMap<>());
        Set<String> values = byRule.get(i);
        if (values == null) {
          byRule.put(i, new LinkedHashSet<>(guard.values()));
        } else {
          values.retainAll(guard.values());
        }
      }
    }
    List<FieldIndex> fields = new ArrayList<>();
    admitted.forEach((field, byRule) -> {
      long[] unguarded = all.clone();
      byRule.keySet().forEach(rule -> unguarded[rule >>> 6] &= ~(1L << rule));
      Map<String, long[]> byValue = new HashMap<>();
      byRule.forEach((rule, values) -> values.forEach(value ->
          byValue.computeIfAbsent(value, v -> unguarded.clone())[rule >>> 6] |= 1L << rule));
      fields.add(new FieldIndex(field, Map.copyOf(byValue), unguarded));
    });
    return new RuleIndex(all, fields.toArray(FieldIndex[]::new));
  }

  /** The indexes (in bundle order) of the rules {@code input} can match, as a bit set. */
  long[] candidates(DecisionInput input) {
    long[] candidates = all.clone();
    for (FieldIndex field : fields) {
      long[] admitted = field.admitted(input);
      for (int i = 0; i < candidates.length; i++) {
        candidates[i] &= admitted[i];
      }
    }
    return candidates;
  }

  /** Every rule, for evaluating without the index. */
  long[] all() {
    return all.clone();
  }

  /** How many rules {@code input} makes the decision evaluate; for tests. */
  int candidateCount(DecisionInput input) {
    return Arrays.stream(candidates(input)).map(Long::bitCount).mapToInt(Math::toIntExact).sum();
  }

  /** The guards among the top-level {@code &&} parts of a type-checked condition. */
  static List<Guard> guards(CelAbstractSyntaxTree ast, Map<String, Object> params) {
    List<CelExpr> parts = new ArrayList<>();
    conjuncts(ast.getExpr(), parts);
    List<Guard> guards = new ArrayList<>();
    for (CelExpr part : parts) {
      guard(part, params).ifPresent(guards::add);
    }
    return List.copyOf(guards);
  }

  private static void conjuncts(CelExpr expr, List<CelExpr> parts) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().target().isEmpty()
        && expr.call().function().equals(Operator.LOGICAL_AND.getFunction())) {
      for (CelExpr arg : expr.call().args()) {
        conjuncts(arg, parts);
      }
    } else {
      parts.add(expr);
    }
  }

  private static Optional<Guard> guard(CelExpr expr, Map<String, Object> params) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL || expr.call().target().isPresent()
        || expr.call().args().size() != 2) {
      return Optional.empty();
    }
    String function = expr.call().function();
    CelExpr left = expr.call().args().get(0);
    CelExpr right = expr.call().args().get(1);
    if (function.equals(Operator.EQUALS.getFunction())) {
      Optional<InputField> field = field(left);
      Optional<String> text = text(right);
      if (field.isEmpty() || text.isEmpty()) {
        field = field(right);
        text = text(left);
      }
      return field.isPresent() && text.isPresent() ? Optional.of(new Guard(field.get(), Set.of(text.get()))) : Optional.empty();
    }
    if (function.equals(Operator.IN.getFunction())) {
      Optional<InputField> field = field(left);
      Optional<Set<String>> values = texts(right, params);
      return field.isPresent() && values.isPresent() ? Optional.of(new Guard(field.get(), values.get())) : Optional.empty();
    }
    return Optional.empty();
  }

  /** {@code VARIABLE.FIELD} for one of the indexable string fields. */
  private static Optional<InputField> field(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.SELECT || expr.select().testOnly()
        || expr.select().operand().getKind() != CelExpr.ExprKind.Kind.IDENT) {
      return Optional.empty();
    }
    return InputField.of(expr.select().operand().ident().name(), expr.select().field());
  }

  private static Optional<String> text(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE
        ? Optional.of(expr.constant().stringValue()) : Optional.empty();
  }

  /** A list literal of string literals, or {@code params.NAME} holding a list of strings. */
  private static Optional<Set<String>> texts(CelExpr expr, Map<String, Object> params) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.LIST && expr.list().optionalIndices().isEmpty()) {
      Set<String> values = new LinkedHashSet<>();
      for (CelExpr element : expr.list().elements()) {
        Optional<String> text = text(element);
        if (text.isEmpty()) {
          return Optional.empty();
        }
        values.add(text.get());
      }
      return Optional.of(values);
    }
    if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && !expr.select().testOnly()
        && expr.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT
        && expr.select().operand().ident().name().equals("params")
        && params.get(expr.select().field()) instanceof List<?> list
        && list.stream().allMatch(String.class::isInstance)) {
      Set<String> values = new LinkedHashSet<>();
      list.forEach(item -> values.add((String) item));
      return Optional.of(values);
    }
    return Optional.empty();
  }
}
