package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.CategoryFilter;
import dev.portcullis.salesforce.soql.Query.CategoryOperator;
import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.Expression;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.ForClause;
import dev.portcullis.salesforce.soql.Query.Function;
import dev.portcullis.salesforce.soql.Query.FunctionKind;
import dev.portcullis.salesforce.soql.Query.FunctionName;
import dev.portcullis.salesforce.soql.Query.GroupBy;
import dev.portcullis.salesforce.soql.Query.Grouping;
import dev.portcullis.salesforce.soql.Query.NullsOrder;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.UpdateClause;
import dev.portcullis.salesforce.soql.Query.Value;
import dev.portcullis.salesforce.soql.Query.When;
import dev.portcullis.salesforce.soql.Query.With;
import dev.portcullis.salesforce.soql.SoqlLexer.Kind;
import dev.portcullis.salesforce.soql.SoqlLexer.Token;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses the SOQL SELECT statement into a {@link Query}. Thread-safe: {@link #parse} keeps all
 * state in a per-call instance.
 *
 * <h2>Grammar</h2>
 *
 * <p>Follows SOQL and SOSL Reference, "SOQL SELECT Syntax" (sforce_api_calls_soql_select.htm) and
 * the pages it links (cited where a rule is enforced):
 *
 * <pre>
 * query      := SELECT item (, item)* FROM name [alias] [USING SCOPE scope]
 *               [WHERE condition] [WITH with] [GROUP BY group [HAVING condition]]
 *               [ORDER BY order (, order)*] [LIMIT int] [OFFSET int]
 *               [FOR VIEW | FOR REFERENCE] [UPDATE TRACKING | UPDATE VIEWSTAT]
 * item       := path [alias] | COUNT() | function [alias] | FIELDS(ALL|STANDARD|CUSTOM)
 *             | ( query )                                       -- child subquery, 4 levels below the root
 *             | TYPEOF path (WHEN name THEN path (, path)*)+ [ELSE path (, path)*] END
 * function   := name ( [expr (, expr)*] )                       -- AVG COUNT COUNT_DISTINCT MIN MAX SUM,
 *                                                                  date functions, toLabel, FORMAT,
 *                                                                  convertCurrency, convertTimezone,
 *                                                                  GROUPING, DISTANCE, GEOLOCATION
 * expr       := path | function | string | number
 * path       := name (. name)*                                  -- Account.Owner.Name, What.Type
 * condition  := unary (AND unary)* | unary (OR unary)*          -- mixing needs ( )
 * unary      := NOT primary | primary
 * primary    := ( condition ) | left op value | path LIKE string
 *             | left [NOT] IN ( value (, value)* ) | path [NOT] IN ( query )   -- semi/anti-join
 *             | path (INCLUDES|EXCLUDES) ( string (, string)* )
 * left       := path | function                                 -- aggregates only in HAVING
 * with       := SECURITY_ENFORCED | USER_MODE | SYSTEM_MODE
 *             | DATA CATEGORY name (AT|ABOVE|BELOW|ABOVE_OR_BELOW) (name | ( name (, name)* ))
 *               (AND ...)*
 * group      := expr (, expr)* | ROLLUP ( expr (, expr)* ) | CUBE ( expr (, expr)* )
 * order      := expr [ASC|DESC] [NULLS FIRST|NULLS LAST]
 * value      := string | number | TRUE | FALSE | NULL | date | dateTime | relative date
 * </pre>
 *
 * <p>Keywords are case-insensitive; names keep their case. Strings use the escapes of the SOQL
 * reference ("Quoted String Escape Sequences"); {@code \%} and {@code \_} only in LIKE patterns.
 * Numbers: {@code [+-]digits[.digits]}. Dates: {@code YYYY-MM-DD}; dateTimes: {@code
 * YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)}, validated against the calendar. Relative
 * date literals: every literal of the reference ("Date Formats and Date Literals in WHERE"),
 * including the fiscal ones and the {@code _N_} forms written {@code LAST_N_DAYS:30}.
 *
 * <p>Refused with {@link SoqlException}, naming the position: bind variables {@code :x} and
 * {@code ALL ROWS} and {@code FOR UPDATE} (Apex only: the API never receives them; queryAll is the
 * REST form of ALL ROWS), several objects in FROM, WITH clauses other than the four above,
 * unknown functions or scopes, wrong function arity, aggregates in WHERE or nested in
 * aggregates, HAVING without GROUP BY, field aliases outside aggregate queries, more than
 * three fields in ROLLUP/CUBE ("GROUP BY ROLLUP"), child subqueries deeper than four levels
 * below the root ("Using Relationship Queries", API 58.0+ over REST/SOAP), more than 20 child
 * subqueries ("Understanding Relationship Query Limitations"), paths of more than five
 * relationship levels, semi-joins that do not select exactly one field or that nest another
 * subquery, more than two semi-/anti-joins in one WHERE ("Semi-Joins and Anti-Joins"),
 * {@code COUNT()} together with other items, duplicate fields, FIELDS(ALL) or FIELDS(CUSTOM)
 * without {@code LIMIT} of at most 200 ("FIELDS()"), clauses out of order or repeated, and
 * trailing text.
 *
 * <h2>Design note</h2>
 *
 * <p>A hand-written recursive-descent parser over a token list from {@link SoqlLexer}. A parser
 * generator such as ANTLR would add a runtime dependency and generated code to the wire-format
 * module; the hand-written parser gives exact, Salesforce-style messages ({@code unexpected
 * token: 'FORM'}) with zero-based positions instead.
 *
 * <p>It checks what the text alone decides (syntax, documented limits); what needs the org's
 * schema (does the field exist, is it a date, does the semi-join select a reference to the outer
 * object) is left to Salesforce, or to the org simulator.
 *
 * <p>Robustness invariants, which the property and fuzz tests check: the only exception that
 * escapes is {@link SoqlException}; recursion depth is bounded because conditions and function
 * calls nest at most {@value #MAX_NESTING} levels in total, child subqueries four levels and
 * semi-joins one, so adversarial input cannot cause a {@link StackOverflowError}; the input is at
 * most {@value #MAX_LENGTH} characters (Salesforce's documented maximum SOQL statement length,
 * "SOQL and SOSL Limits for Search Queries"), so lexing and parsing are linear in bounded input;
 * numbers for LIMIT, OFFSET and {@code _N_} literals are range-checked rather than converted
 * blindly.
 */
public final class SoqlParser {
  /** Salesforce's maximum length of a SOQL statement, in characters. */
  public static final int MAX_LENGTH = 100_000;

  /** Maximum nesting of parentheses, NOT and function calls in one query. */
  static final int MAX_NESTING = 100;

  /** Salesforce: "No more than 20 parent-to-child relationships can be specified in a query." */
  static final int MAX_SUBQUERIES = 20;

  /**
   * Salesforce (API 58.0+, REST and SOAP): five levels of parent-to-child relationships, the
   * root being the first, so child subqueries nest at most four deep.
   */
  static final int MAX_SUBQUERY_DEPTH = 4;

  /** Salesforce: no more than five levels in a child-to-parent relationship path. */
  static final int MAX_RELATIONSHIP_LEVELS = 5;

  /** Salesforce: no more than two IN or NOT IN semi-/anti-joins in one WHERE clause. */
  static final int MAX_SEMI_JOINS = 2;

  /** Salesforce: GROUP BY ROLLUP and GROUP BY CUBE take up to three fields. */
  static final int MAX_ROLLUP_FIELDS = 3;

  /** Salesforce: FIELDS(ALL) and FIELDS(CUSTOM) need LIMIT n with n at most 200. */
  static final int FIELDS_LIMIT = 200;

  /** Filter scopes of USING SCOPE (SOQL reference, "USING SCOPE"), lower case. */
  static final Set<String> SCOPES =
      Set.of("delegated", "everything", "mine", "mine_and_my_groups", "my_territory",
          "my_team_territory", "team", "scopingrule");

  /** Relative date literals without a number (SOQL reference, "Date Formats and Date Literals"). */
  static final Set<String> RELATIVE_DATES =
      Set.of(
          "YESTERDAY", "TODAY", "TOMORROW",
          "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
          "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH",
          "LAST_90_DAYS", "NEXT_90_DAYS",
          "THIS_QUARTER", "LAST_QUARTER", "NEXT_QUARTER",
          "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR",
          "THIS_FISCAL_QUARTER", "LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER",
          "THIS_FISCAL_YEAR", "LAST_FISCAL_YEAR", "NEXT_FISCAL_YEAR");

  /** Relative date literals that take {@code :n}. */
  static final Set<String> RELATIVE_DATES_N =
      Set.of(
          "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO",
          "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO",
          "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO",
          "LAST_N_QUARTERS", "NEXT_N_QUARTERS", "N_QUARTERS_AGO",
          "LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO",
          "LAST_N_FISCAL_QUARTERS", "NEXT_N_FISCAL_QUARTERS", "N_FISCAL_QUARTERS_AGO",
          "LAST_N_FISCAL_YEARS", "NEXT_N_FISCAL_YEARS", "N_FISCAL_YEARS_AGO");

  /**
   * Words that cannot be an alias: SOQL's reserved keywords (SOQL reference, "Reserved
   * Keywords") and the words that start a clause or a TYPEOF branch.
   */
  static final Set<String> RESERVED =
      Set.of(
          "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN", "INCLUDES",
          "LAST", "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH",
          "ORDER", "OFFSET", "FOR", "USING", "UPDATE", "TYPEOF", "ALL", "TRUE", "FALSE", "BY",
          "WHEN", "THEN", "ELSE", "END");

  /**
   * SOQL's reserved keywords (SOQL reference, "Reserved Keywords"), which cannot be names.
   * GROUP is left out because {@code Group} is a standard object.
   */
  static final Set<String> KEYWORDS =
      Set.of(
          "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "HAVING", "IN", "INCLUDES", "LAST",
          "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH");

  /** What kind of query is being parsed. */
  enum Context {
    ROOT,
    CHILD,
    SEMI_JOIN
  }

  /** Where a condition is. */
  enum Clause {
    WHERE,
    HAVING
  }

  private final List<Token> tokens;
  private int index;
  private int nesting;
  private int subqueries;
  private int semiJoins;

  SoqlParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /**
   * Parses {@code soql}.
   *
   * @throws SoqlException when the query is malformed or outside the supported language; its
   *     {@link SoqlException#position()} is the zero-based offset of the problem
   * @throws NullPointerException when {@code soql} is null
   */
  public static Query parse(String soql) {
    Objects.requireNonNull(soql, "soql");
    if (soql.length() > MAX_LENGTH) {
      throw new SoqlException(
          "SOQL statement is " + soql.length() + " characters long; the maximum is " + MAX_LENGTH,
          MAX_LENGTH);
    }
    SoqlParser parser = new SoqlParser(SoqlLexer.tokenize(soql));
    Query query = parser.query(Context.ROOT, 0);
    Token end = parser.peek();
    if (!end.is(Kind.END)) {
      throw parser.trailing(end);
    }
    return query;
  }

  // ---------------------------------------------------------------- query

  private Query query(Context context, int depth) {
    expectKeyword("SELECT");
    int selectAt = peek().start();
    int savedSemiJoins = semiJoins;
    semiJoins = 0;
    List<SelectItem> select = selectList(context, depth);
    expectKeyword("FROM");
    Token type = expectName("an object name after FROM");
    Optional<String> alias = Optional.empty();
    Token next = peek();
    if (next.is(Kind.COMMA)) {
      throw new SoqlException(
          "several objects in FROM are not supported: name one object and use relationship paths",
          next.start());
    }
    if (next.is(Kind.IDENTIFIER) && !RESERVED.contains(upper(next))) {
      alias = Optional.of(advance().text());
    }
    Optional<String> scope = Optional.empty();
    if (peek().isKeyword("USING")) {
      advance();
      expectKeyword("SCOPE");
      Token name = expectName("a filter scope after USING SCOPE");
      String lower = name.text().toLowerCase(Locale.ROOT);
      if (!SCOPES.contains(lower)) {
        throw new SoqlException("unknown filter scope '" + name.display() + "' (expected one of "
            + String.join(", ", new java.util.TreeSet<>(SCOPES)) + ")", name.start());
      }
      scope = Optional.of(lower);
    }
    Optional<Condition> where = Optional.empty();
    if (peek().isKeyword("WHERE")) {
      advance();
      where = Optional.of(condition(Clause.WHERE, context));
    }
    Optional<With> with = Optional.empty();
    if (peek().isKeyword("WITH")) {
      advance();
      with = Optional.of(with());
    }
    Optional<GroupBy> groupBy = Optional.empty();
    if (peek().isKeyword("GROUP") && peek(1).isKeyword("BY")) {
      advance();
      advance();
      groupBy = Optional.of(groupBy());
    }
    Optional<Condition> having = Optional.empty();
    Token havingToken = peek();
    if (havingToken.isKeyword("HAVING")) {
      if (groupBy.isEmpty()) {
        throw new SoqlException("HAVING needs GROUP BY", havingToken.start());
      }
      advance();
      having = Optional.of(condition(Clause.HAVING, context));
    }
    List<OrderBy> orderBy = List.of();
    if (peek().isKeyword("ORDER")) {
      advance();
      expectKeyword("BY");
      orderBy = orderByList();
    }
    OptionalInt limit = OptionalInt.empty();
    Token limitToken = peek();
    if (limitToken.isKeyword("LIMIT")) {
      advance();
      limit = OptionalInt.of(nonNegativeInt("LIMIT"));
    }
    OptionalInt offset = OptionalInt.empty();
    if (peek().isKeyword("OFFSET")) {
      advance();
      offset = OptionalInt.of(nonNegativeInt("OFFSET"));
    }
    Optional<ForClause> forClause = Optional.empty();
    if (peek().isKeyword("FOR") && (peek(1).isKeyword("VIEW") || peek(1).isKeyword("REFERENCE"))) {
      advance();
      forClause = Optional.of(ForClause.valueOf(upper(advance())));
    }
    Optional<UpdateClause> update = Optional.empty();
    if (peek().isKeyword("UPDATE")
        && (peek(1).isKeyword("TRACKING") || peek(1).isKeyword("VIEWSTAT"))) {
      advance();
      update = Optional.of(UpdateClause.valueOf(upper(advance())));
    }
    semiJoins = savedSemiJoins;
    Query query = new Query(select, type.text(), alias, scope, where, with, groupBy, having,
        orderBy, limit, offset, forClause, update);
    if (context == Context.ROOT) {
      for (SelectItem item : select) {
        if (item instanceof SelectItem.Fields(FieldsKind kind)
            && kind != FieldsKind.STANDARD
            && (limit.isEmpty() || limit.getAsInt() > FIELDS_LIMIT)) {
          throw new SoqlException(
              "The SOQL FIELDS function must have a LIMIT of at most " + FIELDS_LIMIT,
              limit.isEmpty() ? peek().start() : limitToken.start());
        }
      }
    }
    if (!query.isAggregate()) {
      for (SelectItem item : select) {
        if (item instanceof SelectItem.Field(FieldPath path, Optional<String> fieldAlias)
            && fieldAlias.isPresent()) {
          throw new SoqlException("alias '" + fieldAlias.get() + "' on field " + path
              + " is allowed only in aggregate queries (with GROUP BY or an aggregate function)",
              selectAt);
        }
      }
    }
    return query;
  }

  private List<SelectItem> selectList(Context context, int depth) {
    List<SelectItem> items = new ArrayList<>();
    Set<String> seenFields = new HashSet<>();
    int countAt = -1;
    while (true) {
      Token t = peek();
      if (t.isKeyword("FROM") && items.isEmpty()) {
        throw new SoqlException("unexpected token: 'FROM' (the select list is empty)", t.start());
      }
      SelectItem item = selectItem(context, depth);
      if (item instanceof SelectItem.Count) {
        countAt = t.start();
      }
      if (item instanceof SelectItem.Field(FieldPath path, Optional<String> alias)
          && !seenFields.add(path.toString().toLowerCase(Locale.ROOT))) {
        throw new SoqlException("duplicate field selected: " + path, t.start());
      }
      items.add(item);
      if (!peek().is(Kind.COMMA)) {
        break;
      }
      advance();
    }
    if (countAt >= 0 && items.size() > 1) {
      throw new SoqlException("COUNT() must be the only item in the select list", countAt);
    }
    if (context == Context.SEMI_JOIN
        && (items.size() != 1 || !(items.get(0) instanceof SelectItem.Field))) {
      throw new SoqlException(
          "a semi-join or anti-join subquery must select exactly one field (an Id or a reference)",
          tokens.get(Math.max(0, index - 1)).start());
    }
    return items;
  }

  private SelectItem selectItem(Context context, int depth) {
    Token t = peek();
    if (t.is(Kind.LEFT_PAREN)) {
      if (context == Context.SEMI_JOIN) {
        throw new SoqlException(
            "a semi-join or anti-join subquery cannot contain a parent-to-child subquery",
            t.start());
      }
      if (depth >= MAX_SUBQUERY_DEPTH) {
        throw new SoqlException("parent-to-child subqueries can be nested at most "
            + MAX_SUBQUERY_DEPTH + " levels below the root query", t.start());
      }
      advance();
      if (!peek().isKeyword("SELECT")) {
        throw unexpected(peek());
      }
      if (++subqueries > MAX_SUBQUERIES) {
        throw new SoqlException(
            "no more than " + MAX_SUBQUERIES + " parent-to-child subqueries are allowed in a query",
            t.start());
      }
      Query inner = query(Context.CHILD, depth + 1);
      Token close = peek();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw trailing(close);
      }
      advance();
      return new SelectItem.SubQuery(inner);
    }
    if (t.isKeyword("TYPEOF") && peek(1).is(Kind.IDENTIFIER)
        && !KEYWORDS.contains(upper(peek(1)))) {
      return typeOf();
    }
    if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
      String upper = upper(t);
      if (upper.equals("COUNT") && peek(2).is(Kind.RIGHT_PAREN)) {
        advance();
        advance();
        advance();
        return new SelectItem.Count();
      }
      if (upper.equals("FIELDS")) {
        return fields();
      }
      Function function = function(Clause.HAVING);
      return new SelectItem.FunctionCall(function, alias());
    }
    return new SelectItem.Field(path("a field name"), alias());
  }

  /** An alias after a select item: a name followed by ',' or FROM, so that {@code Id FORM} is an error. */
  Optional<String> alias() {
    Token next = peek();
    if (next.is(Kind.IDENTIFIER) && !RESERVED.contains(upper(next))
        && (peek(1).is(Kind.COMMA) || peek(1).isKeyword("FROM"))) {
      return Optional.of(advance().text());
    }
    return Optional.empty();
  }

  private SelectItem fields() {
    advance();
    Token open = advance();
    Token kind = peek();
    if (kind.is(Kind.IDENTIFIER) && peek(1).is(Kind.RIGHT_PAREN)) {
      for (FieldsKind k : FieldsKind.values()) {
        if (k.name().equals(upper(kind))) {
          advance();
          advance();
          return new SelectItem.Fields(k);
        }
      }
    }
    throw new SoqlException("FIELDS() takes ALL, STANDARD or CUSTOM", open.end());
  }

  /** SOQL reference, "TYPEOF" (sforce_api_calls_soql_select_typeof.htm). */
  private SelectItem typeOf() {
    advance();
    FieldPath field = path("a polymorphic relationship after TYPEOF");
    List<When> whens = new ArrayList<>();
    while (peek().isKeyword("WHEN")) {
      advance();
      Token type = expectName("an object name after WHEN");
      expectKeyword("THEN");
      whens.add(new When(type.text(), pathList()));
    }
    if (whens.isEmpty()) {
      throw new SoqlException("TYPEOF needs at least one WHEN type THEN fields branch",
          peek().start());
    }
    List<FieldPath> elseFields = List.of();
    if (peek().isKeyword("ELSE")) {
      advance();
      elseFields = pathList();
    }
    expectKeyword("END");
    return new SelectItem.TypeOf(field, whens, elseFields);
  }

  private List<FieldPath> pathList() {
    List<FieldPath> paths = new ArrayList<>();
    paths.add(path("a field name"));
    while (peek().is(Kind.COMMA)) {
      advance();
      paths.add(path("a field name"));
    }
    return paths;
  }

  /**
   * A function call at the current token. {@code clause} HAVING allows aggregates (the select
   * list and ORDER BY parse as HAVING does); WHERE refuses them.
   */
  Function function(Clause clause) {
    Token name = advance();
    Token open = advance();
    FunctionName function = FunctionName.of(name.text()).orElseThrow(() ->
        new SoqlException("unknown function " + name.display() + "()", name.start()));
    if (function.kind() == FunctionKind.AGGREGATE && clause == Clause.WHERE) {
      throw new SoqlException("aggregate function " + function.spelling()
          + "() is not allowed in WHERE; filter on aggregates with HAVING", name.start());
    }
    enter(open);
    List<Expression> arguments = new ArrayList<>();
    if (!peek().is(Kind.RIGHT_PAREN)) {
      while (true) {
        arguments.add(argument(clause));
        if (!peek().is(Kind.COMMA)) {
          break;
        }
        advance();
      }
    }
    Token close = advance();
    if (!close.is(Kind.RIGHT_PAREN)) {
      throw unexpected(close);
    }
    nesting--;
    if (arguments.size() < function.minArguments() || arguments.size() > function.maxArguments()) {
      String count = function.minArguments() == function.maxArguments()
          ? String.valueOf(function.minArguments())
          : function.minArguments() + " to " + function.maxArguments();
      throw new SoqlException(function.spelling() + "() takes " + count + " argument"
          + (function.maxArguments() == 1 ? "" : "s") + ", found " + arguments.size(),
          name.start());
    }
    checkArguments(function, arguments, name);
    return new Function(function, arguments);
  }

  private Expression argument(Clause clause) {
    Token t = peek();
    if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
      return function(clause);
    }
    if (t.is(Kind.STRING) || t.is(Kind.NUMBER)) {
      return value();
    }
    if (t.is(Kind.COLON)) {
      throw bindVariable(t);
    }
    return path("a field name");
  }

  /** Argument rules of SOQL reference, "Aggregate Functions", "DISTANCE", "GEOLOCATION". */
  private static void checkArguments(FunctionName function, List<Expression> arguments, Token at) {
    switch (function) {
      case GEOLOCATION -> {
        for (Expression a : arguments) {
          if (!(a instanceof Value.Number)) {
            throw new SoqlException("GEOLOCATION() takes a latitude and a longitude as numbers",
                at.start());
          }
        }
      }
      case DISTANCE -> {
        for (int i = 0; i < 2; i++) {
          Expression a = arguments.get(i);
          if (!(a instanceof FieldPath)
              && !(a instanceof Function f && f.name() == FunctionName.GEOLOCATION)) {
            throw new SoqlException(
                "DISTANCE() compares two locations: a location field or GEOLOCATION(lat, lon)",
                at.start());
          }
        }
        if (!(arguments.get(2) instanceof Value.Text(String unit))
            || !(unit.equals("mi") || unit.equals("km"))) {
          throw new SoqlException("DISTANCE() takes the unit 'mi' or 'km' as third argument",
              at.start());
        }
      }
      default -> {
        Expression a = arguments.get(0);
        if (a instanceof Value) {
          throw new SoqlException(function.spelling() + "() takes a field, not a literal",
              at.start());
        }
        if (a instanceof Function f && f.name().kind() == FunctionKind.AGGREGATE
            && function.kind() == FunctionKind.AGGREGATE) {
          throw new SoqlException("aggregate functions cannot be nested: " + function.spelling()
              + "(" + f.name().spelling() + "(...))", at.start());
        }
        if (a instanceof Function f && f.name() == FunctionName.GEOLOCATION) {
          throw new SoqlException("GEOLOCATION() is allowed only inside DISTANCE()", at.start());
        }
      }
    }
  }

  FieldPath path(String what) {
    List<String> segments = new ArrayList<>();
    Token first = peek();
    segments.add(expectName(what).text());
    while (peek().is(Kind.DOT)) {
      advance();
      segments.add(expectName("a field name after '.'").text());
    }
    // Five relationship levels, plus the field, plus an optional alias or object qualifier.
    if (segments.size() > MAX_RELATIONSHIP_LEVELS + 2) {
      throw new SoqlException("field path " + shorten(String.join(".", segments))
          + " has more than " + MAX_RELATIONSHIP_LEVELS + " relationship levels", first.start());
    }
    return new FieldPath(segments);
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /** SOQL reference, "WITH SECURITY_ENFORCED", "USER_MODE", "WITH DATA CATEGORY". */
  private With with() {
    Token t = advance();
    if (t.is(Kind.IDENTIFIER)) {
      switch (upper(t)) {
        case "SECURITY_ENFORCED":
          return new With.SecurityEnforced();
        case "USER_MODE":
          return new With.UserMode();
        case "SYSTEM_MODE":
          return new With.SystemMode();
        case "DATA":
          expectKeyword("CATEGORY");
          return dataCategory();
        default:
          break;
      }
    }
    throw new SoqlException("unsupported WITH clause '" + t.display() + "' (supported: "
        + "SECURITY_ENFORCED, USER_MODE, SYSTEM_MODE, DATA CATEGORY)", t.start());
  }

  With dataCategory() {
    List<CategoryFilter> filters = new ArrayList<>();
    while (true) {
      Token group = expectName("a data category group name");
      Token op = advance();
      CategoryOperator operator = null;
      for (CategoryOperator o : CategoryOperator.values()) {
        if (op.isKeyword(o.name())) {
          operator = o;
        }
      }
      if (operator == null) {
        throw new SoqlException("unexpected token: '" + op.display()
            + "' (expected AT, ABOVE, BELOW or ABOVE_OR_BELOW)", op.start());
      }
      List<String> categories = new ArrayList<>();
      if (peek().is(Kind.LEFT_PAREN)) {
        advance();
        while (true) {
          categories.add(expectName("a data category name").text());
          Token t = advance();
          if (t.is(Kind.RIGHT_PAREN)) {
            break;
          }
          if (!t.is(Kind.COMMA)) {
            throw unexpected(t);
          }
        }
      } else {
        categories.add(expectName("a data category name").text());
      }
      filters.add(new CategoryFilter(group.text(), operator, categories));
      if (!peek().isKeyword("AND")) {
        return new With.DataCategory(filters);
      }
      advance();
    }
  }

  /** SOQL reference, "GROUP BY", "GROUP BY ROLLUP", "GROUP BY CUBE". */
  private GroupBy groupBy() {
    Token t = peek();
    Grouping grouping = Grouping.PLAIN;
    if ((t.isKeyword("ROLLUP") || t.isKeyword("CUBE")) && peek(1).is(Kind.LEFT_PAREN)) {
      grouping = Grouping.valueOf(upper(t));
      advance();
      advance();
    }
    List<Expression> items = new ArrayList<>();
    while (true) {
      items.add(groupItem());
      if (!peek().is(Kind.COMMA)) {
        break;
      }
      advance();
    }
    if (grouping != Grouping.PLAIN) {
      Token close = advance();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw unexpected(close);
      }
      if (items.size() > MAX_ROLLUP_FIELDS) {
        throw new SoqlException("GROUP BY " + grouping + " takes at most " + MAX_ROLLUP_FIELDS
            + " fields", t.start());
      }
    }
    return new GroupBy(grouping, items);
  }

  private Expression groupItem() {
    Token t = peek();
    if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
      Function f = function(Clause.WHERE);
      return f;
    }
    return path("a field name in GROUP BY");
  }

  List<OrderBy> orderByList() {
    List<OrderBy> items = new ArrayList<>();
    while (true) {
      Token t = peek();
      Expression field = t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)
          ? function(Clause.HAVING)
          : path("a field name in ORDER BY");
      boolean ascending = true;
      if (peek().isKeyword("ASC")) {
        advance();
      } else if (peek().isKeyword("DESC")) {
        advance();
        ascending = false;
      }
      NullsOrder nulls = NullsOrder.DEFAULT;
      if (peek().isKeyword("NULLS")) {
        advance();
        Token which = advance();
        if (which.isKeyword("FIRST")) {
          nulls = NullsOrder.FIRST;
        } else if (which.isKeyword("LAST")) {
          nulls = NullsOrder.LAST;
        } else {
          throw unexpected(which);
        }
      }
      items.add(new OrderBy(field, ascending, nulls));
      if (!peek().is(Kind.COMMA)) {
        return items;
      }
      advance();
    }
  }

  int nonNegativeInt(String clause) {
    Token t = peek();
    if (t.is(Kind.COLON)) {
      throw bindVariable(t);
    }
    if (!t.is(Kind.NUMBER)) {
      throw unexpected(t);
    }
    advance();
    BigDecimal value = (BigDecimal) t.value();
    if (value.signum() < 0 || t.text().startsWith("+") || t.text().contains(".")) {
      throw new SoqlException(
          clause + " must be a non-negative integer, found '" + t.display() + "'", t.start());
    }
    if (value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new SoqlException(
          clause + " " + t.display() + " is out of range (maximum " + Integer.MAX_VALUE + ")",
          t.start());
    }
    return value.intValueExact();
  }

  // ---------------------------------------------------------------- conditions

  Condition condition(Clause clause, Context context) {
    Condition first = unary(clause, context);
    Token op = peek();
    boolean and = op.isKeyword("AND");
    if (!and && !op.isKeyword("OR")) {
      return first;
    }
    String keyword = and ? "AND" : "OR";
    String other = and ? "OR" : "AND";
    List<Condition> operands = new ArrayList<>();
    operands.add(first);
    while (peek().isKeyword(keyword)) {
      advance();
      operands.add(unary(clause, context));
    }
    Token t = peek();
    if (t.isKeyword(other)) {
      throw new SoqlException("unexpected token: '" + t.display()
          + "' (use parentheses to combine AND and OR)", t.start());
    }
    return and ? new Condition.And(operands) : new Condition.Or(operands);
  }

  private Condition unary(Clause clause, Context context) {
    Token t = peek();
    if (t.isKeyword("NOT")) {
      advance();
      enter(t);
      Condition operand = primary(clause, context);
      nesting--;
      return new Condition.Not(operand);
    }
    return primary(clause, context);
  }

  private Condition primary(Clause clause, Context context) {
    Token t = peek();
    if (t.is(Kind.LEFT_PAREN)) {
      if (peek(1).isKeyword("SELECT")) {
        throw new SoqlException(
            "a subquery in a condition must follow IN or NOT IN", peek(1).start());
      }
      advance();
      enter(t);
      Condition inner = condition(clause, context);
      nesting--;
      Token close = peek();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw unexpected(close);
      }
      advance();
      return inner;
    }
    Expression left = t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)
        ? function(clause)
        : path("a field name");
    Token op = advance();
    if (op.is(Kind.OPERATOR)) {
      return new Condition.Comparison(left, operator(op), value());
    }
    if (op.isKeyword("LIKE")) {
      FieldPath field = fieldOperand(left, op, t);
      Token pattern = advance();
      if (pattern.is(Kind.COLON)) {
        throw bindVariable(pattern);
      }
      if (!pattern.is(Kind.STRING)) {
        throw new SoqlException(
            "unexpected token: '" + pattern.display() + "' (LIKE needs a string literal)",
            pattern.start());
      }
      return new Condition.Like(
          field, SoqlLexer.decodeLikePattern((String) pattern.value(), pattern.start()));
    }
    boolean negated = false;
    if (op.isKeyword("NOT")) {
      Token in = advance();
      if (!in.isKeyword("IN")) {
        throw unexpected(in);
      }
      negated = true;
    } else if (!op.isKeyword("IN")) {
      if (op.isKeyword("INCLUDES") || op.isKeyword("EXCLUDES")) {
        return new Condition.Includes(fieldOperand(left, op, t), op.isKeyword("EXCLUDES"),
            stringList());
      }
      throw unexpected(op);
    }
    if (peek().is(Kind.LEFT_PAREN) && peek(1).isKeyword("SELECT")) {
      return semiJoin(fieldOperand(left, op, t), negated, clause, context);
    }
    return new Condition.In(left, negated, valueList());
  }

  /** SOQL reference, "Semi-Joins and Anti-Joins" (sforce_api_calls_soql_select_comparisonoperators.htm). */
  private Condition semiJoin(FieldPath field, boolean negated, Clause clause, Context context) {
    Token open = advance();
    if (clause != Clause.WHERE || context == Context.SEMI_JOIN) {
      throw new SoqlException(clause != Clause.WHERE
          ? "semi-joins and anti-joins are allowed only in WHERE"
          : "a semi-join or anti-join subquery cannot contain another semi-join or anti-join",
          open.start());
    }
    if (++semiJoins > MAX_SEMI_JOINS) {
      throw new SoqlException("no more than " + MAX_SEMI_JOINS
          + " semi-joins or anti-joins (IN/NOT IN with a subquery) are allowed in one WHERE",
          open.start());
    }
    int saved = semiJoins;
    Query inner = query(Context.SEMI_JOIN, 0);
    semiJoins = saved;
    Token close = advance();
    if (!close.is(Kind.RIGHT_PAREN)) {
      throw trailing(close);
    }
    return new Condition.SemiJoin(field, negated, inner);
  }

  private static FieldPath fieldOperand(Expression left, Token op, Token at) {
    if (left instanceof FieldPath path) {
      return path;
    }
    throw new SoqlException(upper(op) + " needs a field on its left, not a function", at.start());
  }

  private List<String> stringList() {
    Token open = advance();
    if (open.is(Kind.COLON)) {
      throw bindVariable(open);
    }
    if (!open.is(Kind.LEFT_PAREN)) {
      throw unexpected(open);
    }
    List<String> values = new ArrayList<>();
    while (true) {
      Token s = advance();
      if (s.is(Kind.COLON)) {
        throw bindVariable(s);
      }
      if (!s.is(Kind.STRING)) {
        throw new SoqlException("unexpected token: '" + s.display()
            + "' (INCLUDES and EXCLUDES take string literals)", s.start());
      }
      values.add(SoqlLexer.decodeText((String) s.value(), s.start()));
      Token t = advance();
      if (t.is(Kind.RIGHT_PAREN)) {
        return values;
      }
      if (!t.is(Kind.COMMA)) {
        throw unexpected(t);
      }
    }
  }

  private void enter(Token t) {
    if (++nesting > MAX_NESTING) {
      throw new SoqlException(
          "query is nested too deeply (more than " + MAX_NESTING + " levels)", t.start());
    }
  }

  private static Operator operator(Token op) {
    return switch (op.text()) {
      case "=" -> Operator.EQUALS;
      case "!=", "<>" -> Operator.NOT_EQUALS;
      case "<" -> Operator.LESS_THAN;
      case "<=" -> Operator.LESS_OR_EQUAL;
      case ">" -> Operator.GREATER_THAN;
      case ">=" -> Operator.GREATER_OR_EQUAL;
      default -> throw new IllegalStateException("lexer produced operator " + op.text());
    };
  }

  private List<Value> valueList() {
    Token open = advance();
    if (open.is(Kind.COLON)) {
      throw bindVariable(open);
    }
    if (!open.is(Kind.LEFT_PAREN)) {
      throw unexpected(open);
    }
    List<Value> values = new ArrayList<>();
    while (true) {
      values.add(value());
      Token t = advance();
      if (t.is(Kind.RIGHT_PAREN)) {
        return values;
      }
      if (!t.is(Kind.COMMA)) {
        throw unexpected(t);
      }
    }
  }

  Value value() {
    Token t = advance();
    switch (t.kind()) {
      case STRING:
        return new Value.Text(SoqlLexer.decodeText((String) t.value(), t.start()));
      case NUMBER:
        return new Value.Number((BigDecimal) t.value());
      case DATE:
        return new Value.Date((LocalDate) t.value());
      case DATE_TIME:
        return new Value.DateTime((OffsetDateTime) t.value());
      case COLON:
        throw bindVariable(t);
      case IDENTIFIER:
        return keywordValue(t);
      default:
        throw unexpected(t);
    }
  }

  private Value keywordValue(Token t) {
    String upper = upper(t);
    switch (upper) {
      case "TRUE":
        return new Value.Bool(true);
      case "FALSE":
        return new Value.Bool(false);
      case "NULL":
        return new Value.Null();
      default:
        break;
    }
    if (RELATIVE_DATES.contains(upper)) {
      return new Value.RelativeDate(upper, OptionalInt.empty());
    }
    if (RELATIVE_DATES_N.contains(upper)) {
      Token colon = advance();
      if (!colon.is(Kind.COLON) || colon.start() != t.end()) {
        throw new SoqlException(
            "date literal " + upper + " needs a number, e.g. " + upper + ":30", colon.start());
      }
      Token n = advance();
      if (!n.is(Kind.NUMBER) || n.start() != colon.end() || !n.text().chars().allMatch(
          c -> c >= '0' && c <= '9')) {
        throw new SoqlException(
            "date literal " + upper + " needs a non-negative integer after ':'", n.start());
      }
      BigDecimal value = (BigDecimal) n.value();
      if (value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
        throw new SoqlException(
            "date literal " + upper + ":" + n.display() + " is out of range", n.start());
      }
      return new Value.RelativeDate(upper, OptionalInt.of(value.intValueExact()));
    }
    throw new SoqlException("unexpected token: '" + t.display() + "' (expected a literal value)",
        t.start());
  }

  // ---------------------------------------------------------------- errors and helpers

  /** An error for a token after a complete query: repeated, misplaced or Apex-only clauses. */
  SoqlException trailing(Token t) {
    if (t.is(Kind.IDENTIFIER)) {
      switch (upper(t)) {
        case "ALL":
          if (peek(1).isKeyword("ROWS")) {
            return new SoqlException("ALL ROWS exists only in Apex; over the API, use the queryAll"
                + " resource to include deleted and archived records", t.start());
          }
          break;
        case "FOR":
          if (peek(1).isKeyword("UPDATE")) {
            return new SoqlException(
                "FOR UPDATE (record locking) exists only in Apex; the API does not lock records",
                t.start());
          }
          break;
        case "WHERE", "WITH", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "USING", "UPDATE":
          return new SoqlException("unexpected token: '" + t.display()
              + "' (clauses must appear once each, in the order USING SCOPE, WHERE, WITH, GROUP BY,"
              + " HAVING, ORDER BY, LIMIT, OFFSET, FOR VIEW|REFERENCE, UPDATE TRACKING|VIEWSTAT)",
              t.start());
        default:
          break;
      }
    }
    if (t.is(Kind.COLON)) {
      return bindVariable(t);
    }
    return unexpected(t);
  }

  static SoqlException bindVariable(Token t) {
    return new SoqlException("bind variables (:name) exist only in Apex; the API never receives"
        + " them: write the value as a literal", t.start());
  }

  static SoqlException unexpected(Token t) {
    return new SoqlException("unexpected token: '" + t.display() + "'", t.start());
  }

  Token expectName(String what) {
    Token t = peek();
    if (!t.is(Kind.IDENTIFIER) || KEYWORDS.contains(upper(t))) {
      if (t.is(Kind.COLON)) {
        throw bindVariable(t);
      }
      throw new SoqlException("unexpected token: '" + t.display() + "' (expected " + what + ")",
          t.start());
    }
    return advance();
  }

  void expectKeyword(String keyword) {
    Token t = peek();
    if (!t.isKeyword(keyword)) {
      throw unexpected(t);
    }
    advance();
  }

  static String upper(Token t) {
    return t.text().toUpperCase(Locale.ROOT);
  }

  Token peek() {
    return tokens.get(index);
  }

  Token peek(int ahead) {
    return tokens.get(Math.min(index + ahead, tokens.size() - 1));
  }

  /** Consumes and returns the current token; at the end, keeps returning END. */
  Token advance() {
    Token t = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return t;
  }
}
