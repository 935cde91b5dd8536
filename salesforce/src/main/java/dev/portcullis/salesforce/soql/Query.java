package dev.portcullis.salesforce.soql;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed SOQL query: the abstract syntax of the documented subset that {@link SoqlParser}
 * accepts. Names keep the case the query used; SOQL compares names case-insensitively, so
 * consumers must too.
 *
 * <p>Reference: Salesforce, "SOQL and SOSL Reference", SELECT (soql_sosl/sforce_api_calls_soql_select.htm).
 *
 * @param select the select list, in order, never empty
 * @param from the sObject type named in FROM
 * @param fromAlias the alias after the object name, if any ({@code FROM Account a})
 * @param where the WHERE condition, if any
 * @param orderBy ORDER BY items, in order
 * @param limit LIMIT, if any
 * @param offset OFFSET, if any
 */
public record Query(
    List<SelectItem> select,
    String from,
    Optional<String> fromAlias,
    Optional<Condition> where,
    List<OrderBy> orderBy,
    OptionalInt limit,
    OptionalInt offset) {

  public Query {
    select = List.copyOf(select);
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(fromAlias, "fromAlias");
    Objects.requireNonNull(where, "where");
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(offset, "offset");
  }

  /**
   * This query as SOQL text, with upper-case keywords and single spaces. {@link
   * SoqlParser#parse} turns the text back into an equal query, provided the query is one the
   * parser could have produced (names are SOQL names, AND/OR have at least two operands, dates
   * have four-digit years).
   */
  public String toSoql() {
    return SoqlRenderer.render(this);
  }

  /** A dotted field path: {@code Name}, {@code Account.Owner.Name}. */
  public record FieldPath(List<String> segments) {
    public FieldPath {
      segments = List.copyOf(segments);
      if (segments.isEmpty()) {
        throw new IllegalArgumentException("a field path has at least one segment");
      }
    }

    public static FieldPath of(String... segments) {
      return new FieldPath(List.of(segments));
    }

    @Override
    public String toString() {
      return String.join(".", segments);
    }
  }

  /** One item of the select list. */
  public sealed interface SelectItem {
    /** A field or relationship path. */
    record Field(FieldPath path) implements SelectItem {}

    /** {@code COUNT()} (no field): the query returns only totalSize. */
    record Count() implements SelectItem {}

    /** A parent-to-child subquery, e.g. {@code (SELECT Id FROM Contacts)}. */
    record SubQuery(Query query) implements SelectItem {}

    /** {@code FIELDS(ALL)}, {@code FIELDS(STANDARD)} or {@code FIELDS(CUSTOM)}. */
    record Fields(FieldsKind kind) implements SelectItem {}
  }

  /** The argument of {@code FIELDS(...)}. */
  public enum FieldsKind {
    ALL,
    STANDARD,
    CUSTOM
  }

  /** A WHERE condition. */
  public sealed interface Condition {
    record And(List<Condition> operands) implements Condition {
      public And {
        operands = List.copyOf(operands);
      }
    }

    record Or(List<Condition> operands) implements Condition {
      public Or {
        operands = List.copyOf(operands);
      }
    }

    record Not(Condition operand) implements Condition {}

    /** {@code field op value} with {@code =, !=, <, <=, >, >=}. */
    record Comparison(FieldPath field, Operator operator, Value value) implements Condition {}

    /**
     * {@code field LIKE 'pattern'}; {@code %} and {@code _} are wildcards, case-insensitive.
     *
     * <p>{@code pattern} is the string literal with its escapes decoded, except {@code \%},
     * {@code \_} and {@code \\}, which are kept as two characters: in the pattern a backslash
     * makes the next character literal, so {@code 50\%} matches only "50%" while {@code 50%}
     * matches anything starting with "50". {@link #matches} applies these rules.
     */
    record Like(FieldPath field, String pattern) implements Condition {
      public Like {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(pattern, "pattern");
      }

      /**
       * Whether {@code value} matches the pattern, ignoring case. Linear-time greedy matching
       * with backtracking to the last {@code %} only, so a hostile pattern cannot make it slow.
       */
      public boolean matches(String value) {
        // Compile the pattern: literal chars, '\0' for '_' and '\1' for '%' in a parallel mask.
        int n = pattern.length();
        char[] chars = new char[n];
        byte[] kinds = new byte[n]; // 0 literal, 1 any one, 2 any sequence
        int size = 0;
        for (int i = 0; i < n; i++) {
          char c = pattern.charAt(i);
          if (c == '\\' && i + 1 < n) {
            chars[size] = pattern.charAt(++i);
          } else if (c == '_') {
            kinds[size] = 1;
          } else if (c == '%') {
            kinds[size] = 2;
          } else {
            chars[size] = c;
          }
          size++;
        }
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = -1;
        while (v < value.length()) {
          if (p < size && kinds[p] == 2) {
            starP = p++;
            starV = v;
          } else if (p < size
              && (kinds[p] == 1 || sameIgnoringCase(chars[p], value.charAt(v)))) {
            p++;
            v++;
          } else if (starP >= 0) {
            p = starP + 1;
            v = ++starV;
          } else {
            return false;
          }
        }
        while (p < size && kinds[p] == 2) {
          p++;
        }
        return p == size;
      }

      private static boolean sameIgnoringCase(char a, char b) {
        return a == b
            || Character.toUpperCase(a) == Character.toUpperCase(b)
            || Character.toLowerCase(a) == Character.toLowerCase(b);
      }
    }

    /** {@code field IN (...)} or, when {@code negated}, {@code field NOT IN (...)}. */
    record In(FieldPath field, boolean negated, List<Value> values) implements Condition {
      public In {
        values = List.copyOf(values);
      }
    }
  }

  /** Comparison operators. */
  public enum Operator {
    EQUALS("="),
    NOT_EQUALS("!="),
    LESS_THAN("<"),
    LESS_OR_EQUAL("<="),
    GREATER_THAN(">"),
    GREATER_OR_EQUAL(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  /** A literal on the right-hand side of a condition. */
  public sealed interface Value {
    record Text(String value) implements Value {}

    record Number(BigDecimal value) implements Value {}

    record Bool(boolean value) implements Value {}

    record Null() implements Value {}

    /** A date literal such as {@code 2026-11-28}. */
    record Date(LocalDate value) implements Value {}

    /** A dateTime literal such as {@code 2026-11-28T10:00:00Z}. */
    record DateTime(OffsetDateTime value) implements Value {}

    /**
     * A relative date literal: {@code TODAY}, {@code LAST_N_DAYS:30}. {@code name} is upper case;
     * {@code n} is present for the {@code _N_} forms.
     */
    record RelativeDate(String name, OptionalInt n) implements Value {}
  }

  /** Null ordering in ORDER BY. */
  public enum NullsOrder {
    /** Salesforce's default: NULLS FIRST for ASC, NULLS LAST for DESC. */
    DEFAULT,
    FIRST,
    LAST
  }

  /** One ORDER BY item. */
  public record OrderBy(FieldPath field, boolean ascending, NullsOrder nulls) {}
}
