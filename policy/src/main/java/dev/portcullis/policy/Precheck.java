package dev.portcullis.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The simple parts of a condition, evaluated in Java before (and often instead of) its CEL program.
 *
 * <p>Design: a condition is a tree of {@code &&}, {@code ||} and {@code !} over parts. The parts
 * this type understands compare one input field with a constant (a literal, or anything built only
 * from literals and {@code params}, which {@link Prechecks} evaluated with CEL itself when the
 * bundle loaded): {@code org.environment == "production"}, {@code request.records < 200},
 * {@code session.age < duration("15m")}, {@code "api:read" in session.scopes},
 * {@code principal.claims.ref in params.refs}, {@code has(principal.claims.ref)}, … Every other
 * part is a {@link Program}: that part alone, planned as a CEL program of its own, or
 * {@link Opaque} where that would not be exact (see below). A precheck answers in three values:
 * {@link Truth#TRUE} or {@link Truth#FALSE} when it knows what CEL would answer,
 * {@link Truth#UNKNOWN} otherwise (an opaque part, a part whose program fails, a claim that is
 * missing or not a string, a NaN). The decision then trusts TRUE and FALSE and runs the rule's
 * whole CEL program only on UNKNOWN, which also gives the exact error message when one fails.
 *
 * <p>Invariant: a precheck never answers TRUE or FALSE where the CEL program would answer
 * otherwise or fail. That holds part by part: each understood part answers only where its CEL
 * operation cannot fail (typed fields that every input has, string claims that are present,
 * finite numbers, lists short enough for the comprehension budget) and computes the same thing;
 * and the combinations follow CEL's own rules for errors: {@code &&} is false once a part is false
 * and {@code ||} true once a part is true, whatever the other parts do (fail included), and
 * otherwise a part that is UNKNOWN leaves the whole UNKNOWN; so the order of the parts does not
 * matter, and Java tests go first. One thing is shared by the parts of one evaluation: the
 * comprehension budget ({@link PolicyEnvironment#COMPREHENSION_BUDGET} iterations, all
 * comprehensions together). So a condition whose comprehensions are not all understood
 * {@code exists} parts of their own (one inside another part counts as not understood) gets no
 * {@link Program} parts (each would have a budget of its own) and no decided {@code exists}; and an
 * understood {@code exists} decides only on lists short enough that all of the condition's
 * comprehensions together stay within the budget. A jqwik property compares decisions with and
 * without prechecks on random conditions and inputs.
 */
sealed interface Precheck {
  /** What a precheck knows of a condition for one input. */
  enum Truth {
    TRUE,
    FALSE,
    UNKNOWN;

    static Truth of(boolean value) {
      return value ? TRUE : FALSE;
    }

    Truth not() {
      return switch (this) {
        case TRUE -> FALSE;
        case FALSE -> TRUE;
        case UNKNOWN -> UNKNOWN;
      };
    }
  }

  /** The typed input fields a precheck reads; each input holds a value for all of them. */
  enum Field {
    PRINCIPAL_KIND("principal", "kind", Type.TEXT),
    PRINCIPAL_ISSUER("principal", "issuer", Type.TEXT),
    PRINCIPAL_SUBJECT("principal", "subject", Type.TEXT),
    SESSION_ID("session", "id", Type.TEXT),
    SESSION_SCOPES("session", "scopes", Type.TEXTS),
    SESSION_ORG("session", "org", Type.TEXT),
    SESSION_AGE("session", "age", Type.DURATION),
    REQUEST_API("request", "api", Type.TEXT),
    REQUEST_OPERATION("request", "operation", Type.TEXT),
    REQUEST_SOBJECT("request", "sobject", Type.TEXT),
    REQUEST_FIELDS("request", "fields", Type.TEXTS),
    REQUEST_RECORDS("request", "records", Type.INT),
    REQUEST_BYTES("request", "bytes", Type.INT),
    ORG_ALIAS("org", "alias", Type.TEXT),
    ORG_ENVIRONMENT("org", "environment", Type.TEXT),
    ORG_ID("org", "id", Type.TEXT),
    RISK_SCORE("risk", "score", Type.DOUBLE),
    RISK_REASONS("risk", "reasons", Type.TEXTS),
    NOW("now", "", Type.TIMESTAMP);

    /** The CEL type of a field's value, and so its Java class. */
    enum Type {
      TEXT,
      TEXTS,
      INT,
      DOUBLE,
      DURATION,
      TIMESTAMP
    }

    final String variable;
    final String name;
    final Type type;

    Field(String variable, String name, Type type) {
      this.variable = variable;
      this.name = name;
      this.type = type;
    }

    static Optional<Field> of(String variable, String name) {
      for (Field field : values()) {
        if (field.variable.equals(variable) && field.name.equals(name)) {
          return Optional.of(field);
        }
      }
      return Optional.empty();
    }
  }

  Truth test(DecisionInput input);

  /** Where a string comes from: a typed text field, or a claim (absent or not a string: unknown). */
  sealed interface Text {
    /** The string, or null when CEL could fail reading it or would not see a string. */
    String read(DecisionInput input);
  }

  record FieldText(Field field) implements Text {
    @Override
    public String read(DecisionInput input) {
      return (String) input.fieldValue(field);
    }
  }

  record ClaimText(String claim) implements Text {
    @Override
    public String read(DecisionInput input) {
      return input.celClaims().get(claim) instanceof String text ? text : null;
    }
  }

  /** A part this type does not understand and does not evaluate. */
  record Opaque() implements Precheck {
    static final Opaque INSTANCE = new Opaque();

    @Override
    public Truth test(DecisionInput input) {
      return Truth.UNKNOWN;
    }
  }

  /**
   * A part evaluated by a CEL program of its own (planned from that part of the checked condition);
   * unknown when it fails or answers something other than a bool.
   */
  record Program(CelRuntime.Program program, Optional<Object> params) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      try {
        Object value = program.eval(name -> "params".equals(name) ? params : input.variable(name));
        return value instanceof Boolean bool ? Truth.of(bool) : Truth.UNKNOWN;
      } catch (CelEvaluationException | RuntimeException e) {
        return Truth.UNKNOWN;
      }
    }
  }

  /** A part whose value is fixed. */
  record Constant(boolean value) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      return Truth.of(value);
    }
  }

  record And(List<Precheck> parts) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      Truth result = Truth.TRUE;
      for (int i = 0; i < parts.size(); i++) {
        Truth truth = parts.get(i).test(input);
        if (truth == Truth.FALSE) {
          return Truth.FALSE;
        }
        if (truth == Truth.UNKNOWN) {
          result = Truth.UNKNOWN;
        }
      }
      return result;
    }
  }

  record Or(List<Precheck> parts) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      Truth result = Truth.FALSE;
      for (int i = 0; i < parts.size(); i++) {
        Truth truth = parts.get(i).test(input);
        if (truth == Truth.TRUE) {
          return Truth.TRUE;
        }
        if (truth == Truth.UNKNOWN) {
          result = Truth.UNKNOWN;
        }
      }
      return result;
    }
  }

  record Not(Precheck part) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      return part.test(input).not();
    }
  }

  /** {@code TEXT == "value"}, or {@code !=} when {@code negated}. */
  record TextEquals(Text text, String value, boolean negated) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      String actual = text.read(input);
      return actual == null ? Truth.UNKNOWN : Truth.of(actual.equals(value) != negated);
    }
  }

  /** {@code TEXT in ["a", "b"]} (a list of strings only). */
  record TextIn(Text text, Set<String> values) implements Precheck {
    public TextIn {
      values = Set.copyOf(values);
    }

    @Override
    public Truth test(DecisionInput input) {
      String actual = text.read(input);
      return actual == null ? Truth.UNKNOWN : Truth.of(values.contains(actual));
    }
  }

  /** {@code TEXT.startsWith("x")}, {@code endsWith} or {@code contains}. */
  record TextAffix(Text text, Affix affix, String value) implements Precheck {
    enum Affix {
      STARTS_WITH,
      ENDS_WITH,
      CONTAINS
    }

    @Override
    public Truth test(DecisionInput input) {
      String actual = text.read(input);
      if (actual == null) {
        return Truth.UNKNOWN;
      }
      return Truth.of(switch (affix) {
        case STARTS_WITH -> actual.startsWith(value);
        case ENDS_WITH -> actual.endsWith(value);
        case CONTAINS -> actual.contains(value);
      });
    }
  }

  /** {@code has(principal.claims.NAME)}. */
  record ClaimPresent(String claim) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      return Truth.of(input.celClaims().containsKey(claim));
    }
  }

  /** The six comparisons, on the sign of {@code compare(field, constant)}. */
  enum Comparison {
    EQUALS,
    NOT_EQUALS,
    LESS,
    LESS_EQUALS,
    GREATER,
    GREATER_EQUALS;

    boolean holds(int sign) {
      return switch (this) {
        case EQUALS -> sign == 0;
        case NOT_EQUALS -> sign != 0;
        case LESS -> sign < 0;
        case LESS_EQUALS -> sign <= 0;
        case GREATER -> sign > 0;
        case GREATER_EQUALS -> sign >= 0;
      };
    }

    /** The comparison with its operands swapped: {@code c < f} is {@code f > c}. */
    Comparison swapped() {
      return switch (this) {
        case EQUALS, NOT_EQUALS -> this;
        case LESS -> GREATER;
        case LESS_EQUALS -> GREATER_EQUALS;
        case GREATER -> LESS;
        case GREATER_EQUALS -> LESS_EQUALS;
      };
    }
  }

  /** An int field compared with an int constant. */
  record IntCompare(Field field, Comparison comparison, long value) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      return Truth.of(comparison.holds(Long.compare((Long) input.fieldValue(field), value)));
    }
  }

  /**
   * A double field compared with a finite constant (a double, or an int that a double holds
   * exactly). Unknown for a NaN or infinite value, and for zero against zero (CEL implementations
   * differ on -0.0), so what is decided is ordinary arithmetic.
   */
  record DoubleCompare(Field field, Comparison comparison, double value) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      double actual = (Double) input.fieldValue(field);
      if (!Double.isFinite(actual) || (actual == 0 && value == 0)) {
        return Truth.UNKNOWN;
      }
      return Truth.of(comparison.holds(actual < value ? -1 : actual > value ? 1 : 0));
    }
  }

  /** A duration or timestamp field compared with a constant of its type. */
  record TimeCompare(Field field, Comparison comparison, Comparable<?> value) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      Object actual = input.fieldValue(field);
      int sign = actual instanceof Duration duration ? duration.compareTo((Duration) value)
          : ((Instant) actual).compareTo((Instant) value);
      return Truth.of(comparison.holds(sign));
    }
  }

  /**
   * {@code "x" in LIST}, or {@code LIST.exists(e, e == "x")}, on a list-of-strings field; unknown
   * for a list longer than {@code longest} (the comprehension's share of the budget).
   */
  record ListContains(Field field, String value, int longest) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      List<?> list = (List<?>) input.fieldValue(field);
      if (list.size() > longest) {
        return Truth.UNKNOWN;
      }
      return Truth.of(list.contains(value));
    }
  }

  /** {@code size(LIST)} compared with an int constant. */
  record ListSize(Field field, Comparison comparison, long value) implements Precheck {
    @Override
    public Truth test(DecisionInput input) {
      return Truth.of(comparison.holds(Long.compare(((List<?>) input.fieldValue(field)).size(), value)));
    }
  }
}
