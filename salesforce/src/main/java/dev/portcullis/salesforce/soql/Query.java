package dev.portcullis.salesforce.soql;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed SOQL query: the abstract syntax of the SELECT statement that {@link SoqlParser}
 * accepts. Names keep the case the query used; SOQL compares names case-insensitively, so
 * consumers must too. Function names are canonical ({@link Function}), keywords are enums.
 *
 * <p>Reference: Salesforce, "SOQL and SOSL Reference", SELECT (sforce_api_calls_soql_select.htm),
 * whose syntax gives the clause order of the components below.
 *
 * @param select the select list, in order, never empty
 * @param from the sObject type named in FROM; in a parent-to-child subquery, the child
 *     relationship name ({@code Contacts})
 * @param fromAlias the alias after the object name, if any ({@code FROM Account a})
 * @param usingScope the filter scope of {@code USING SCOPE}, lower case ({@code mine})
 * @param where the WHERE condition, if any
 * @param with the WITH clause, if any
 * @param groupBy GROUP BY, if any
 * @param having the HAVING condition, if any (only with GROUP BY)
 * @param orderBy ORDER BY items, in order
 * @param limit LIMIT, if any
 * @param offset OFFSET, if any
 * @param forClause {@code FOR VIEW} or {@code FOR REFERENCE}, if any
 * @param updateClause {@code UPDATE TRACKING} or {@code UPDATE VIEWSTAT}, if any
 */
public record Query(
    List<SelectItem> select,
    String from,
    Optional<String> fromAlias,
    Optional<String> usingScope,
    Optional<Condition> where,
    Optional<With> with,
    Optional<GroupBy> groupBy,
    Optional<Condition> having,
    List<OrderBy> orderBy,
    OptionalInt limit,
    OptionalInt offset,
    Optional<ForClause> forClause,
    Optional<UpdateClause> updateClause) {

  public Query {
    select = List.copyOf(select);
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(fromAlias, "fromAlias");
    Objects.requireNonNull(usingScope, "usingScope");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(with, "with");
    Objects.requireNonNull(groupBy, "groupBy");
    Objects.requireNonNull(having, "having");
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(offset, "offset");
    Objects.requireNonNull(forClause, "forClause");
    Objects.requireNonNull(updateClause, "updateClause");
  }

  /** A query with only the clauses of the original subset (no scope, WITH, GROUP BY, FOR, UPDATE). */
  public Query(
      List<SelectItem> select,
      String from,
      Optional<String> fromAlias,
      Optional<Condition> where,
      List<OrderBy> orderBy,
      OptionalInt limit,
      OptionalInt offset) {
    this(select, from, fromAlias, Optional.empty(), where, Optional.empty(), Optional.empty(),
        Optional.empty(), orderBy, limit, offset, Optional.empty(), Optional.empty());
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

  /** Whether the query aggregates: it has GROUP BY or an aggregate function in SELECT. */
  public boolean isAggregate() {
    return groupBy.isPresent()
        || select.stream().anyMatch(item -> item instanceof SelectItem.FunctionCall(Function f, var a)
            && f.containsAggregate());
  }

  /**
   * Something that has a value in a row: a field path, a function call or a literal (SOQL
   * reference, "fieldExpression", "Aggregate Functions", "Date Functions").
   */
  public sealed interface Expression permits FieldPath, Function, Value {}

  /** A dotted field path: {@code Name}, {@code Account.Owner.Name}. */
  public record FieldPath(List<String> segments) implements Expression {
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
    /**
     * A field or relationship path. {@code alias} is allowed only in aggregate queries (SOQL
     * reference, "Using Aliases with GROUP BY").
     */
    record Field(FieldPath path, Optional<String> alias) implements SelectItem {
      public Field {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(alias, "alias");
      }

      public Field(FieldPath path) {
        this(path, Optional.empty());
      }
    }

    /** {@code COUNT()} (no field): the query returns only totalSize. */
    record Count() implements SelectItem {}

    /**
     * A function in the select list: an aggregate ({@code COUNT(Id) n}), a date function,
     * {@code toLabel}, {@code FORMAT}, {@code convertCurrency}, {@code GROUPING}, ...
     */
    record FunctionCall(Function function, Optional<String> alias) implements SelectItem {
      public FunctionCall {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(alias, "alias");
      }
    }

    /** A parent-to-child subquery, e.g. {@code (SELECT Id FROM Contacts)}. */
    record SubQuery(Query query) implements SelectItem {}

    /** {@code FIELDS(ALL)}, {@code FIELDS(STANDARD)} or {@code FIELDS(CUSTOM)}. */
    record Fields(FieldsKind kind) implements SelectItem {}

    /**
     * {@code TYPEOF field WHEN type THEN fields ... [ELSE fields] END} (SOQL reference, "TYPEOF"):
     * which fields to read through a polymorphic relationship, per type of the related record.
     */
    record TypeOf(FieldPath field, List<When> whens, List<FieldPath> elseFields)
        implements SelectItem {
      public TypeOf {
        Objects.requireNonNull(field, "field");
        whens = List.copyOf(whens);
        elseFields = List.copyOf(elseFields);
      }
    }
  }

  /** The argument of {@code FIELDS(...)}. */
  public enum FieldsKind {
    ALL,
    STANDARD,
    CUSTOM
  }

  /** One {@code WHEN type THEN fields} branch of TYPEOF. */
  public record When(String type, List<FieldPath> fields) {
    public When {
      Objects.requireNonNull(type, "type");
      fields = List.copyOf(fields);
    }
  }

  /**
   * A function call: {@code COUNT(Id)}, {@code CALENDAR_YEAR(CreatedDate)},
   * {@code DISTANCE(Location__c, GEOLOCATION(37.7, -122.4), 'mi')}.
   */
  public record Function(FunctionName name, List<Expression> arguments) implements Expression {
    public Function {
      Objects.requireNonNull(name, "name");
      arguments = List.copyOf(arguments);
    }

    /** Whether this call or one of its arguments is an aggregate function. */
    public boolean containsAggregate() {
      return name.kind() == FunctionKind.AGGREGATE
          || arguments.stream().anyMatch(a -> a instanceof Function f && f.containsAggregate());
    }
  }

  /** What a function is. */
  public enum FunctionKind {
    /** Aggregate functions (SOQL reference, "Aggregate Functions"). */
    AGGREGATE,
    /** Date functions (SOQL reference, "Date Functions"). */
    DATE,
    /** Everything else: toLabel, FORMAT, convertCurrency, convertTimezone, GROUPING, DISTANCE, GEOLOCATION. */
    OTHER
  }

  /** The functions of SOQL, with their canonical spelling and their arity. */
  public enum FunctionName {
    AVG("AVG", FunctionKind.AGGREGATE, 1, 1),
    COUNT("COUNT", FunctionKind.AGGREGATE, 1, 1),
    COUNT_DISTINCT("COUNT_DISTINCT", FunctionKind.AGGREGATE, 1, 1),
    MIN("MIN", FunctionKind.AGGREGATE, 1, 1),
    MAX("MAX", FunctionKind.AGGREGATE, 1, 1),
    SUM("SUM", FunctionKind.AGGREGATE, 1, 1),
    CALENDAR_MONTH("CALENDAR_MONTH", FunctionKind.DATE, 1, 1),
    CALENDAR_QUARTER("CALENDAR_QUARTER", FunctionKind.DATE, 1, 1),
    CALENDAR_YEAR("CALENDAR_YEAR", FunctionKind.DATE, 1, 1),
    DAY_IN_MONTH("DAY_IN_MONTH", FunctionKind.DATE, 1, 1),
    DAY_IN_WEEK("DAY_IN_WEEK", FunctionKind.DATE, 1, 1),
    DAY_IN_YEAR("DAY_IN_YEAR", FunctionKind.DATE, 1, 1),
    DAY_ONLY("DAY_ONLY", FunctionKind.DATE, 1, 1),
    FISCAL_MONTH("FISCAL_MONTH", FunctionKind.DATE, 1, 1),
    FISCAL_QUARTER("FISCAL_QUARTER", FunctionKind.DATE, 1, 1),
    FISCAL_YEAR("FISCAL_YEAR", FunctionKind.DATE, 1, 1),
    HOUR_IN_DAY("HOUR_IN_DAY", FunctionKind.DATE, 1, 1),
    WEEK_IN_MONTH("WEEK_IN_MONTH", FunctionKind.DATE, 1, 1),
    WEEK_IN_YEAR("WEEK_IN_YEAR", FunctionKind.DATE, 1, 1),
    CONVERT_TIMEZONE("convertTimezone", FunctionKind.OTHER, 1, 1),
    CONVERT_CURRENCY("convertCurrency", FunctionKind.OTHER, 1, 1),
    TO_LABEL("toLabel", FunctionKind.OTHER, 1, 1),
    FORMAT("FORMAT", FunctionKind.OTHER, 1, 1),
    GROUPING("GROUPING", FunctionKind.OTHER, 1, 1),
    DISTANCE("DISTANCE", FunctionKind.OTHER, 3, 3),
    GEOLOCATION("GEOLOCATION", FunctionKind.OTHER, 2, 2);

    private final String spelling;
    private final FunctionKind kind;
    private final int minArguments;
    private final int maxArguments;

    FunctionName(String spelling, FunctionKind kind, int minArguments, int maxArguments) {
      this.spelling = spelling;
      this.kind = kind;
      this.minArguments = minArguments;
      this.maxArguments = maxArguments;
    }

    /** The spelling the SOQL reference uses, e.g. {@code toLabel}; SOQL ignores case. */
    public String spelling() {
      return spelling;
    }

    public FunctionKind kind() {
      return kind;
    }

    int minArguments() {
      return minArguments;
    }

    int maxArguments() {
      return maxArguments;
    }

    /** The function spelled {@code name} in any case, if SOQL has one. */
    public static Optional<FunctionName> of(String name) {
      for (FunctionName f : values()) {
        if (f.spelling.equalsIgnoreCase(name)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
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

    /**
     * {@code field op value} with {@code =, !=, <, <=, >, >=}. {@code field} is a field path or,
     * in WHERE, a date function or {@code DISTANCE(...)}; in HAVING, also an aggregate.
     */
    record Comparison(Expression field, Operator operator, Value value) implements Condition {}

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
    record In(Expression field, boolean negated, List<Value> values) implements Condition {
      public In {
        values = List.copyOf(values);
      }
    }

    /**
     * A semi-join {@code field IN (SELECT ...)} or, when {@code negated}, an anti-join {@code
     * field NOT IN (SELECT ...)} (SOQL reference, "Semi-Joins and Anti-Joins"). {@code query}
     * selects one field of another object.
     */
    record SemiJoin(FieldPath field, boolean negated, Query query) implements Condition {}

    /**
     * {@code field INCLUDES ('a;b', 'c')} or, when {@code excludes}, {@code EXCLUDES}, on a
     * multi-select picklist (SOQL reference, "Querying Multi-Select Picklists"). Each value is
     * decoded; a {@code ;} inside one value means "all of these".
     */
    record Includes(FieldPath field, boolean excludes, List<String> values) implements Condition {
      public Includes {
        values = List.copyOf(values);
      }
    }
  }

  /** GROUP BY, GROUP BY ROLLUP(...) or GROUP BY CUBE(...) (SOQL reference, "GROUP BY"). */
  public record GroupBy(Grouping grouping, List<Expression> items) {
    public GroupBy {
      Objects.requireNonNull(grouping, "grouping");
      items = List.copyOf(items);
    }
  }

  /** The kind of GROUP BY. */
  public enum Grouping {
    PLAIN,
    ROLLUP,
    CUBE
  }

  /** The WITH clause (SOQL reference, "WITH filteringExpression"). */
  public sealed interface With {
    /** {@code WITH SECURITY_ENFORCED}: field- and object-level security is checked. */
    record SecurityEnforced() implements With {}

    /** {@code WITH USER_MODE}: the query runs with the user's permissions and sharing. */
    record UserMode() implements With {}

    /** {@code WITH SYSTEM_MODE}: the query runs in system mode. */
    record SystemMode() implements With {}

    /** {@code WITH DATA CATEGORY group op category AND ...}. */
    record DataCategory(List<CategoryFilter> filters) implements With {
      public DataCategory {
        filters = List.copyOf(filters);
      }
    }
  }

  /** One data category filter: {@code Geography__c AT (usa__c, uk__c)}. */
  public record CategoryFilter(String group, CategoryOperator operator, List<String> categories) {
    public CategoryFilter {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(operator, "operator");
      categories = List.copyOf(categories);
    }
  }

  /** Data category selectors (SOQL reference, "WITH DATA CATEGORY"). */
  public enum CategoryOperator {
    AT,
    ABOVE,
    BELOW,
    ABOVE_OR_BELOW
  }

  /** {@code FOR VIEW} or {@code FOR REFERENCE}: update the records' LastViewedDate/LastReferencedDate. */
  public enum ForClause {
    VIEW,
    REFERENCE
  }

  /** {@code UPDATE TRACKING} or {@code UPDATE VIEWSTAT} (Knowledge articles). */
  public enum UpdateClause {
    TRACKING,
    VIEWSTAT
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

  /** A literal: on the right-hand side of a condition, or a function argument. */
  public sealed interface Value extends Expression {
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

  /** One ORDER BY item: a field path, or a function ({@code DISTANCE}, an aggregate, ...). */
  public record OrderBy(Expression field, boolean ascending, NullsOrder nulls) {}
}
