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

    /** {@code field LIKE 'pattern'}; {@code %} and {@code _} are wildcards, case-insensitive. */
    record Like(FieldPath field, String pattern) implements Condition {}

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
