package dev.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles the {@link Precheck} of a type-checked condition.
 *
 * <p>Constants are whatever reads no variable but {@code params}: literals, {@code duration("15m")},
 * {@code timestamp("…")}, {@code params.limit * 10}, {@code params.repos}. Each is evaluated once,
 * here, by the bundle's own CEL runtime, so its value is exactly the one CEL would compute at
 * decision time; one whose evaluation fails (a division by zero, an overflow, a bad duration) makes
 * its part {@link Precheck.Opaque}, so it still fails at decision time, as written.
 *
 * <p>A part that is neither a constant nor understood becomes a {@link Precheck.Program} (or
 * {@link Precheck.Opaque} when the condition has a comprehension that is not an understood
 * {@code exists} part of its own: see the budget in {@link Precheck}); a condition that is such a
 * part as a whole
 * gets {@link Precheck.Opaque}, since the rule's own program evaluates it anyway.
 */
final class Prechecks {
  /** The largest magnitude of an int that a double holds exactly (2^53). */
  private static final long EXACT_DOUBLE = 1L << 53;

  private final CelAbstractSyntaxTree ast;
  private final CelRuntime runtime;
  private final Optional<Object> params;
  private final CelVariableResolver paramsOnly;
  /** Each understood {@code exists} part's share of the comprehension budget; 0 when parts may not run alone. */
  private final int share;

  private Prechecks(CelAbstractSyntaxTree ast, CelRuntime runtime, Object params) {
    this.ast = ast;
    this.runtime = runtime;
    this.params = Optional.of(params);
    this.paramsOnly = name -> "params".equals(name) ? this.params : Optional.empty();
    List<CelExpr> loops = new ArrayList<>();
    comprehensions(ast.getExpr(), loops);
    List<CelExpr> parts = new ArrayList<>();
    logicalParts(ast.getExpr(), parts);
    // Every comprehension must be a part of its own (not inside another part, where no list length
    // guards it) and an understood exists.
    long understood = parts.stream()
        .filter(part -> part.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION)
        .filter(part -> exists(part) instanceof Precheck.ListContains)
        .count();
    this.share = understood != loops.size() ? 0 : loops.isEmpty() ? Integer.MAX_VALUE
        : PolicyEnvironment.COMPREHENSION_BUDGET / loops.size();
  }

  /** The parts {@link #compile} reaches through {@code &&}, {@code ||} and {@code !}. */
  private static void logicalParts(CelExpr expr, List<CelExpr> parts) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().target().isEmpty()) {
      String function = expr.call().function();
      boolean logical = function.equals(Operator.LOGICAL_AND.getFunction())
          || function.equals(Operator.LOGICAL_OR.getFunction())
          || (function.equals(Operator.LOGICAL_NOT.getFunction()) && expr.call().args().size() == 1);
      if (logical) {
        expr.call().args().forEach(arg -> logicalParts(arg, parts));
        return;
      }
    }
    parts.add(expr);
  }

  /** The precheck of {@code ast} (checked), whose constants read {@code params} (the bundle's params value). */
  static Precheck of(CelAbstractSyntaxTree ast, CelRuntime runtime, Object params) {
    Precheck precheck = new Prechecks(ast, runtime, params).compile(ast.getExpr());
    return precheck instanceof Precheck.Program ? Precheck.Opaque.INSTANCE : precheck;
  }

  private Precheck compile(CelExpr expr) {
    if (isConstant(expr)) {
      return constant(expr).filter(Boolean.class::isInstance)
          .<Precheck>map(value -> new Precheck.Constant((Boolean) value))
          .orElse(Precheck.Opaque.INSTANCE);
    }
    Precheck precheck = switch (expr.getKind()) {
      case CALL -> call(expr);
      case SELECT -> expr.select().testOnly() ? presence(expr) : Precheck.Opaque.INSTANCE;
      case COMPREHENSION -> exists(expr);
      default -> Precheck.Opaque.INSTANCE;
    };
    return precheck instanceof Precheck.Opaque ? program(expr) : precheck;
  }

  /** {@code expr} as a program of its own, where that is exact (no comprehension it does not understand). */
  private Precheck program(CelExpr expr) {
    if (share == 0) {
      return Precheck.Opaque.INSTANCE;
    }
    try {
      return new Precheck.Program(runtime.createProgram(CelAbstractSyntaxTree.newCheckedAst(
          expr, ast.getSource(), ast.getReferenceMap(), ast.getTypeMap())), params);
    } catch (CelEvaluationException | RuntimeException e) {
      return Precheck.Opaque.INSTANCE;
    }
  }

  private static void comprehensions(CelExpr expr, List<CelExpr> loops) {
    switch (expr.getKind()) {
      case COMPREHENSION -> {
        loops.add(expr);
        CelExpr.CelComprehension loop = expr.comprehension();
        for (CelExpr part : List.of(loop.iterRange(), loop.accuInit(), loop.loopCondition(), loop.loopStep(), loop.result())) {
          comprehensions(part, loops);
        }
      }
      case CALL -> {
        expr.call().target().ifPresent(target -> comprehensions(target, loops));
        expr.call().args().forEach(arg -> comprehensions(arg, loops));
      }
      case SELECT -> comprehensions(expr.select().operand(), loops);
      case LIST -> expr.list().elements().forEach(element -> comprehensions(element, loops));
      case STRUCT -> expr.struct().entries().forEach(entry -> comprehensions(entry.value(), loops));
      case MAP -> expr.map().entries().forEach(entry -> {
        comprehensions(entry.key(), loops);
        comprehensions(entry.value(), loops);
      });
      default -> { }
    }
  }

  private Precheck call(CelExpr expr) {
    CelExpr.CelCall call = expr.call();
    String function = call.function();
    List<CelExpr> args = call.args();
    if (call.target().isPresent()) {
      return args.size() == 1 ? affix(function, call.target().get(), args.get(0)) : Precheck.Opaque.INSTANCE;
    }
    if (function.equals(Operator.LOGICAL_AND.getFunction()) || function.equals(Operator.LOGICAL_OR.getFunction())) {
      List<Precheck> parts = new ArrayList<>();
      flatten(expr, function, parts);
      if (parts.stream().allMatch(part -> part instanceof Precheck.Opaque || part instanceof Precheck.Program)) {
        return Precheck.Opaque.INSTANCE;
      }
      // Java tests first, programs last: the answer does not depend on the order (see Precheck).
      parts.sort(Comparator.comparing(part -> part instanceof Precheck.Program));
      return function.equals(Operator.LOGICAL_AND.getFunction()) ? new Precheck.And(List.copyOf(parts))
          : new Precheck.Or(List.copyOf(parts));
    }
    if (function.equals(Operator.LOGICAL_NOT.getFunction()) && args.size() == 1) {
      Precheck part = compile(args.get(0));
      return part instanceof Precheck.Opaque || part instanceof Precheck.Program ? Precheck.Opaque.INSTANCE
          : new Precheck.Not(part);
    }
    if (args.size() != 2) {
      return Precheck.Opaque.INSTANCE;
    }
    if (function.equals(Operator.IN.getFunction())) {
      return membership(args.get(0), args.get(1));
    }
    Optional<Precheck.Comparison> comparison = comparison(function);
    if (comparison.isEmpty()) {
      return Precheck.Opaque.INSTANCE;
    }
    Precheck direct = compare(args.get(0), comparison.get(), args.get(1));
    return direct instanceof Precheck.Opaque ? compare(args.get(1), comparison.get().swapped(), args.get(0)) : direct;
  }

  private void flatten(CelExpr expr, String function, List<Precheck> parts) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().target().isEmpty()
        && expr.call().function().equals(function)) {
      for (CelExpr arg : expr.call().args()) {
        flatten(arg, function, parts);
      }
    } else {
      parts.add(compile(expr));
    }
  }

  private static final Map<String, Precheck.Comparison> COMPARISONS = Map.of(
      Operator.EQUALS.getFunction(), Precheck.Comparison.EQUALS,
      Operator.NOT_EQUALS.getFunction(), Precheck.Comparison.NOT_EQUALS,
      Operator.LESS.getFunction(), Precheck.Comparison.LESS,
      Operator.LESS_EQUALS.getFunction(), Precheck.Comparison.LESS_EQUALS,
      Operator.GREATER.getFunction(), Precheck.Comparison.GREATER,
      Operator.GREATER_EQUALS.getFunction(), Precheck.Comparison.GREATER_EQUALS);

  private static Optional<Precheck.Comparison> comparison(String function) {
    return Optional.ofNullable(COMPARISONS.get(function));
  }

  /** {@code SUBJECT OP CONSTANT}: SUBJECT a typed field, a claim or the size of a list field. */
  private Precheck compare(CelExpr subject, Precheck.Comparison comparison, CelExpr constantExpr) {
    if (!isConstant(constantExpr)) {
      return Precheck.Opaque.INSTANCE;
    }
    Optional<Precheck.Text> text = text(subject);
    if (text.isPresent()) {
      if (comparison != Precheck.Comparison.EQUALS && comparison != Precheck.Comparison.NOT_EQUALS) {
        return Precheck.Opaque.INSTANCE;
      }
      return constant(constantExpr).filter(String.class::isInstance)
          .<Precheck>map(value -> new Precheck.TextEquals(text.get(), (String) value,
              comparison == Precheck.Comparison.NOT_EQUALS))
          .orElse(Precheck.Opaque.INSTANCE);
    }
    Optional<Precheck.Field> sized = sizeOf(subject);
    if (sized.isPresent()) {
      return constant(constantExpr).filter(Long.class::isInstance)
          .<Precheck>map(value -> new Precheck.ListSize(sized.get(), comparison, (Long) value))
          .orElse(Precheck.Opaque.INSTANCE);
    }
    Optional<Precheck.Field> field = field(subject);
    if (field.isEmpty()) {
      return Precheck.Opaque.INSTANCE;
    }
    Optional<Object> value = constant(constantExpr);
    if (value.isEmpty()) {
      return Precheck.Opaque.INSTANCE;
    }
    Object constant = value.get();
    return switch (field.get().type) {
      case INT -> constant instanceof Long number
          ? new Precheck.IntCompare(field.get(), comparison, number) : Precheck.Opaque.INSTANCE;
      case DOUBLE -> {
        if (constant instanceof Double number && Double.isFinite(number)) {
          yield new Precheck.DoubleCompare(field.get(), comparison, number);
        }
        if (constant instanceof Long number && Math.abs(number) <= EXACT_DOUBLE) {
          yield new Precheck.DoubleCompare(field.get(), comparison, number.doubleValue());
        }
        yield Precheck.Opaque.INSTANCE;
      }
      case DURATION -> constant instanceof Duration duration
          ? new Precheck.TimeCompare(field.get(), comparison, duration) : Precheck.Opaque.INSTANCE;
      case TIMESTAMP -> constant instanceof Instant instant
          ? new Precheck.TimeCompare(field.get(), comparison, instant) : Precheck.Opaque.INSTANCE;
      case TEXT, TEXTS -> Precheck.Opaque.INSTANCE;
    };
  }

  /** {@code TEXT in CONSTANT_LIST_OF_STRINGS} or {@code "x" in LIST_FIELD}. */
  private Precheck membership(CelExpr element, CelExpr list) {
    Optional<Precheck.Text> text = text(element);
    if (text.isPresent() && isConstant(list)) {
      Optional<Object> values = constant(list);
      if (values.isPresent() && values.get() instanceof List<?> items && items.stream().allMatch(String.class::isInstance)) {
        Set<String> set = new LinkedHashSet<>();
        items.forEach(item -> set.add((String) item));
        return new Precheck.TextIn(text.get(), set);
      }
      return Precheck.Opaque.INSTANCE;
    }
    Optional<Precheck.Field> field = field(list);
    if (field.isPresent() && field.get().type == Precheck.Field.Type.TEXTS && isConstant(element)) {
      return constant(element).filter(String.class::isInstance)
          .<Precheck>map(value -> new Precheck.ListContains(field.get(), (String) value, Integer.MAX_VALUE))
          .orElse(Precheck.Opaque.INSTANCE);
    }
    return Precheck.Opaque.INSTANCE;
  }

  /** {@code TEXT.startsWith("x")}, {@code endsWith}, {@code contains}. */
  private Precheck affix(String function, CelExpr target, CelExpr arg) {
    Precheck.TextAffix.Affix affix = switch (function) {
      case "startsWith" -> Precheck.TextAffix.Affix.STARTS_WITH;
      case "endsWith" -> Precheck.TextAffix.Affix.ENDS_WITH;
      case "contains" -> Precheck.TextAffix.Affix.CONTAINS;
      default -> null;
    };
    Optional<Precheck.Text> text = text(target);
    if (affix == null || text.isEmpty() || !isConstant(arg)) {
      return Precheck.Opaque.INSTANCE;
    }
    return constant(arg).filter(String.class::isInstance)
        .<Precheck>map(value -> new Precheck.TextAffix(text.get(), affix, (String) value))
        .orElse(Precheck.Opaque.INSTANCE);
  }

  /** {@code has(principal.claims.NAME)}. */
  private Precheck presence(CelExpr expr) {
    return isClaims(expr.select().operand())
        ? new Precheck.ClaimPresent(expr.select().field()) : Precheck.Opaque.INSTANCE;
  }

  /**
   * {@code LIST_FIELD.exists(e, e == "x")} as the macro expands it: accumulator false, step
   * {@code acc || (e == "x")}, result the accumulator.
   */
  private Precheck exists(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.COMPREHENSION) {
      return Precheck.Opaque.INSTANCE;
    }
    CelExpr.CelComprehension loop = expr.comprehension();
    Optional<Precheck.Field> field = field(loop.iterRange());
    String element = loop.iterVar();
    String accumulator = loop.accuVar();
    if (field.isEmpty() || field.get().type != Precheck.Field.Type.TEXTS || !loop.iterVar2().isEmpty()
        || element.equals("params") || accumulator.equals("params")
        || !isBoolean(loop.accuInit(), false) || !isIdent(loop.result(), accumulator)) {
      return Precheck.Opaque.INSTANCE;
    }
    CelExpr step = loop.loopStep();
    if (step.getKind() != CelExpr.ExprKind.Kind.CALL || step.call().target().isPresent()
        || !step.call().function().equals(Operator.LOGICAL_OR.getFunction()) || step.call().args().size() != 2
        || !isIdent(step.call().args().get(0), accumulator)) {
      return Precheck.Opaque.INSTANCE;
    }
    CelExpr body = step.call().args().get(1);
    if (body.getKind() != CelExpr.ExprKind.Kind.CALL || body.call().target().isPresent()
        || !body.call().function().equals(Operator.EQUALS.getFunction()) || body.call().args().size() != 2) {
      return Precheck.Opaque.INSTANCE;
    }
    CelExpr left = body.call().args().get(0);
    CelExpr right = body.call().args().get(1);
    CelExpr value = isIdent(left, element) ? right : isIdent(right, element) ? left : null;
    if (value == null || !isConstant(value)) {
      return Precheck.Opaque.INSTANCE;
    }
    return constant(value).filter(String.class::isInstance)
        .<Precheck>map(text -> new Precheck.ListContains(field.get(), (String) text, share))
        .orElse(Precheck.Opaque.INSTANCE);
  }

  /** A typed text field, or {@code principal.claims.NAME}. */
  private Optional<Precheck.Text> text(CelExpr expr) {
    Optional<Precheck.Field> field = field(expr);
    if (field.isPresent()) {
      return field.get().type == Precheck.Field.Type.TEXT ? Optional.of(new Precheck.FieldText(field.get())) : Optional.empty();
    }
    if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && !expr.select().testOnly() && isClaims(expr.select().operand())) {
      return Optional.of(new Precheck.ClaimText(expr.select().field()));
    }
    return Optional.empty();
  }

  /** {@code VARIABLE.FIELD} for a field of {@link Precheck.Field}, or {@code now}. */
  private static Optional<Precheck.Field> field(CelExpr expr) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals("now")) {
      return Optional.of(Precheck.Field.NOW);
    }
    if (expr.getKind() != CelExpr.ExprKind.Kind.SELECT || expr.select().testOnly()
        || expr.select().operand().getKind() != CelExpr.ExprKind.Kind.IDENT) {
      return Optional.empty();
    }
    return Precheck.Field.of(expr.select().operand().ident().name(), expr.select().field());
  }

  /** {@code size(LIST_FIELD)} or {@code LIST_FIELD.size()}. */
  private static Optional<Precheck.Field> sizeOf(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL || !expr.call().function().equals("size")) {
      return Optional.empty();
    }
    CelExpr.CelCall call = expr.call();
    CelExpr list = call.target().isPresent() && call.args().isEmpty() ? call.target().get()
        : call.target().isEmpty() && call.args().size() == 1 ? call.args().get(0) : null;
    return Optional.ofNullable(list).flatMap(Prechecks::field).filter(f -> f.type == Precheck.Field.Type.TEXTS);
  }

  private static boolean isClaims(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.SELECT && !expr.select().testOnly()
        && expr.select().field().equals("claims") && isIdent(expr.select().operand(), "principal");
  }

  private static boolean isIdent(CelExpr expr, String name) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
  }

  private static boolean isBoolean(CelExpr expr, boolean value) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
        && expr.constant().booleanValue() == value;
  }

  /** Whether {@code expr} reads no variable but {@code params} (and declares none). */
  private static boolean isConstant(CelExpr expr) {
    return switch (expr.getKind()) {
      case CONSTANT -> true;
      case IDENT -> expr.ident().name().equals("params");
      case SELECT -> isConstant(expr.select().operand());
      case CALL -> expr.call().target().map(Prechecks::isConstant).orElse(true)
          && expr.call().args().stream().allMatch(Prechecks::isConstant);
      case LIST -> expr.list().optionalIndices().isEmpty() && expr.list().elements().stream().allMatch(Prechecks::isConstant);
      default -> false;
    };
  }

  /** The value of a constant expression, computed by CEL; empty when its evaluation fails. */
  private Optional<Object> constant(CelExpr expr) {
    try {
      CelRuntime.Program program = runtime.createProgram(CelAbstractSyntaxTree.newCheckedAst(
          expr, ast.getSource(), ast.getReferenceMap(), ast.getTypeMap()));
      return Optional.of(program.eval(paramsOnly));
    } catch (CelEvaluationException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
