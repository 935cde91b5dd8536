package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.NullsOrder;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
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
 * Parses the documented SOQL subset into a {@link Query}. Thread-safe: {@link #parse} keeps all
 * state in a per-call instance.
 *
 * <h2>Supported subset</h2>
 *
 * <pre>
 * query      := SELECT item (, item)* FROM name [alias]
 *               [WHERE condition] [ORDER BY order (, order)*] [LIMIT int] [OFFSET int]
 * item       := path | COUNT() | FIELDS(ALL|STANDARD|CUSTOM) | ( query )   -- subquery: one level
 * path       := name (. name)*                                           -- Account.Owner.Name
 * condition  := unary (AND unary)* | unary (OR unary)*                   -- mixing needs ( )
 * unary      := NOT primary | primary
 * primary    := ( condition ) | path op value | path LIKE string
 *             | path [NOT] IN ( value (, value)* )
 * op         := = | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=                      -- &lt;&gt; is NOT_EQUALS
 * value      := string | number | TRUE | FALSE | NULL | date | dateTime | relative date
 * order      := path [ASC|DESC] [NULLS FIRST|NULLS LAST]
 * </pre>
 *
 * <p>Keywords are case-insensitive; names keep their case. Strings use the escapes of the SOQL
 * reference ("Quoted String Escape Sequences"); {@code \%} and {@code \_} only in LIKE patterns.
 * Numbers: {@code [+-]digits[.digits]}. Dates: {@code YYYY-MM-DD}; dateTimes: {@code
 * YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)}, validated against the calendar. Relative
 * date literals: every literal of the reference ("Date Formats and Date Literals in WHERE"),
 * including the fiscal ones and the {@code _N_} forms written {@code LAST_N_DAYS:30} (no
 * whitespace around the colon).
 *
 * <p>Rejected with {@link SoqlException} (Salesforce would answer MALFORMED_QUERY, or the feature
 * is outside the subset): GROUP BY, HAVING, WITH, TYPEOF, FOR VIEW/REFERENCE/UPDATE, UPDATE
 * TRACKING/VIEWSTAT, USING SCOPE, ALL ROWS, aggregate and other functions except {@code COUNT()}
 * and {@code FIELDS()}, semi-joins {@code IN (SELECT ...)}, INCLUDES/EXCLUDES, bind variables
 * {@code :x}, several objects in FROM, subqueries nested more than one level (Salesforce allows
 * five levels in API 58.0+ over REST/SOAP, but only one in Apex, Bulk API and earlier versions),
 * more than 20 subqueries, {@code COUNT()} together with other items, duplicate fields, FIELDS(ALL)
 * or FIELDS(CUSTOM) without {@code LIMIT} of at most 200, clauses out of order or repeated, and
 * trailing text.
 *
 * <h2>Design note</h2>
 *
 * <p>A hand-written recursive-descent parser over a token list from {@link SoqlLexer}. A parser
 * generator such as ANTLR would add a runtime dependency and generated code to the wire-format
 * module for a grammar of a dozen productions; the hand-written parser gives exact, Salesforce-
 * style messages ({@code unexpected token: 'FORM'}) with zero-based positions instead.
 *
 * <p>Robustness invariants, which the fuzz tests check: the only exception that escapes is
 * {@link SoqlException}; recursion depth is bounded because conditions may nest at most {@value
 * #MAX_NESTING} levels (parentheses and NOT) and subqueries one level, so adversarial input
 * cannot cause a {@link StackOverflowError}; the input is at most {@value #MAX_LENGTH} characters
 * (Salesforce's documented maximum SOQL statement length, "SOQL and SOSL Limits for Search
 * Queries"), so lexing and parsing are linear in bounded input; numbers for LIMIT, OFFSET and
 * {@code _N_} literals are range-checked rather than converted blindly.
 */
public final class SoqlParser {
  /** Salesforce's maximum length of a SOQL statement, in characters. */
  public static final int MAX_LENGTH = 100_000;

  /** Maximum nesting of parentheses and NOT in a WHERE condition. */
  static final int MAX_NESTING = 100;

  /** Salesforce: "No more than 20 parent-to-child relationships can be specified in a query." */
  static final int MAX_SUBQUERIES = 20;

  /** Salesforce: FIELDS(ALL) and FIELDS(CUSTOM) need LIMIT n with n at most 200. */
  static final int FIELDS_LIMIT = 200;

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
   * Keywords") and the words that start a clause.
   */
  static final Set<String> RESERVED =
      Set.of(
          "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN", "INCLUDES",
          "LAST", "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH",
          "ORDER", "OFFSET", "FOR", "USING", "UPDATE", "TYPEOF", "ALL", "TRUE", "FALSE", "BY");

  /**
   * SOQL's reserved keywords (SOQL reference, "Reserved Keywords"), which cannot be names.
   * GROUP is left out because {@code Group} is a standard object.
   */
  static final Set<String> KEYWORDS =
      Set.of(
          "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "HAVING", "IN", "INCLUDES", "LAST",
          "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH");

  private static final Set<String> AGGREGATES =
      Set.of("AVG", "COUNT", "COUNT_DISTINCT", "MIN", "MAX", "SUM");

  private final List<Token> tokens;
  private int index;
  private int nesting;
  private int subqueries;

  private SoqlParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /**
   * Parses {@code soql}.
   *
   * @throws SoqlException when the query is malformed or outside the supported subset; its
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
    Query query = parser.query(false);
    Token end = parser.peek();
    if (!end.is(Kind.END)) {
      throw parser.trailing(end);
    }
    return query;
  }

  // ---------------------------------------------------------------- query

  private Query query(boolean subquery) {
    expectKeyword("SELECT");
    List<SelectItem> select = selectList(subquery);
    expectKeyword("FROM");
    Token type = expectName("an object name after FROM");
    Optional<String> alias = Optional.empty();
    Token next = peek();
    if (next.is(Kind.COMMA)) {
      throw new SoqlException("querying several objects in FROM is not supported by this SOQL subset",
          next.start());
    }
    if (next.is(Kind.IDENTIFIER) && !RESERVED.contains(upper(next))) {
      alias = Optional.of(advance().text());
    }
    Optional<Condition> where = Optional.empty();
    if (peek().isKeyword("WHERE")) {
      advance();
      where = Optional.of(condition());
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
    if (!subquery) {
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
    return new Query(select, type.text(), alias, where, orderBy, limit, offset);
  }

  private List<SelectItem> selectList(boolean subquery) {
    List<SelectItem> items = new ArrayList<>();
    Set<String> seenFields = new HashSet<>();
    int countAt = -1;
    while (true) {
      Token t = peek();
      if (t.isKeyword("FROM") && items.isEmpty()) {
        throw new SoqlException("unexpected token: 'FROM' (the select list is empty)", t.start());
      }
      SelectItem item = selectItem(subquery);
      if (item instanceof SelectItem.Count) {
        countAt = t.start();
      }
      if (item instanceof SelectItem.Field(FieldPath path)
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
    return items;
  }

  private SelectItem selectItem(boolean subquery) {
    Token t = peek();
    if (t.is(Kind.LEFT_PAREN)) {
      if (subquery) {
        throw new SoqlException(
            "parent-to-child subqueries can be nested only one level deep in this SOQL subset",
            t.start());
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
      Query inner = query(true);
      Token close = peek();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw trailing(close);
      }
      advance();
      return new SelectItem.SubQuery(inner);
    }
    if (t.isKeyword("TYPEOF") && peek(1).is(Kind.IDENTIFIER)) {
      throw unsupported("TYPEOF", t);
    }
    if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
      return function();
    }
    return new SelectItem.Field(path("a field name"));
  }

  private SelectItem function() {
    Token name = advance();
    Token open = advance();
    String upper = upper(name);
    if (upper.equals("COUNT") && peek().is(Kind.RIGHT_PAREN)) {
      advance();
      return new SelectItem.Count();
    }
    if (upper.equals("FIELDS")) {
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
    if (AGGREGATES.contains(upper)) {
      throw new SoqlException("aggregate function " + name.text()
          + "() is not supported by this SOQL subset (only COUNT() is)", name.start());
    }
    throw new SoqlException(
        "function " + name.display() + "() is not supported by this SOQL subset", name.start());
  }

  private FieldPath path(String what) {
    List<String> segments = new ArrayList<>();
    segments.add(expectName(what).text());
    while (peek().is(Kind.DOT)) {
      advance();
      segments.add(expectName("a field name after '.'").text());
    }
    return new FieldPath(segments);
  }

  private List<OrderBy> orderByList() {
    List<OrderBy> items = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
        throw new SoqlException(
            "function " + t.display() + "() is not supported by this SOQL subset", t.start());
      }
      FieldPath field = path("a field name in ORDER BY");
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

  private int nonNegativeInt(String clause) {
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

  private Condition condition() {
    Condition first = unary();
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
      operands.add(unary());
    }
    Token t = peek();
    if (t.isKeyword(other)) {
      throw new SoqlException("unexpected token: '" + t.display()
          + "' (use parentheses to combine AND and OR)", t.start());
    }
    return and ? new Condition.And(operands) : new Condition.Or(operands);
  }

  private Condition unary() {
    Token t = peek();
    if (t.isKeyword("NOT")) {
      advance();
      enter(t);
      Condition operand = primary();
      nesting--;
      return new Condition.Not(operand);
    }
    return primary();
  }

  private Condition primary() {
    Token t = peek();
    if (t.is(Kind.LEFT_PAREN)) {
      if (peek(1).isKeyword("SELECT")) {
        throw new SoqlException(
            "subqueries are not supported in WHERE by this SOQL subset", peek(1).start());
      }
      advance();
      enter(t);
      Condition inner = condition();
      nesting--;
      Token close = peek();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw unexpected(close);
      }
      advance();
      return inner;
    }
    if (t.is(Kind.IDENTIFIER) && peek(1).is(Kind.LEFT_PAREN)) {
      throw new SoqlException(
          "function " + t.display() + "() is not supported by this SOQL subset", t.start());
    }
    FieldPath field = path("a field name");
    Token op = advance();
    if (op.is(Kind.OPERATOR)) {
      return new Condition.Comparison(field, operator(op), value());
    }
    if (op.isKeyword("LIKE")) {
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
    if (op.isKeyword("IN")) {
      return new Condition.In(field, false, valueList());
    }
    if (op.isKeyword("NOT")) {
      Token in = advance();
      if (!in.isKeyword("IN")) {
        throw unexpected(in);
      }
      return new Condition.In(field, true, valueList());
    }
    if (op.isKeyword("INCLUDES") || op.isKeyword("EXCLUDES")) {
      throw unsupported(upper(op), op);
    }
    throw unexpected(op);
  }

  private void enter(Token t) {
    if (++nesting > MAX_NESTING) {
      throw new SoqlException(
          "condition is nested too deeply (more than " + MAX_NESTING + " levels)", t.start());
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
    if (peek().isKeyword("SELECT")) {
      throw new SoqlException(
          "semi-join and anti-join subqueries (IN (SELECT ...)) are not supported by this SOQL subset",
          peek().start());
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

  private Value value() {
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

  /** An error for a token after a complete query: repeated, misplaced or unsupported clauses. */
  private SoqlException trailing(Token t) {
    if (t.is(Kind.IDENTIFIER)) {
      switch (upper(t)) {
        case "GROUP":
          return unsupported("GROUP BY", t);
        case "HAVING":
          return unsupported("HAVING", t);
        case "WITH":
          return unsupported("WITH", t);
        case "USING":
          return unsupported("USING SCOPE", t);
        case "ALL":
          return unsupported("ALL ROWS", t);
        case "FOR": {
          Token what = peek(1);
          return unsupported(
              what.is(Kind.IDENTIFIER) ? "FOR " + upper(what) : "FOR", t);
        }
        case "UPDATE": {
          Token what = peek(1);
          return unsupported(
              what.is(Kind.IDENTIFIER) ? "UPDATE " + upper(what) : "UPDATE", t);
        }
        case "WHERE", "ORDER", "LIMIT", "OFFSET":
          return new SoqlException("unexpected token: '" + t.display()
              + "' (clauses must appear once each, in the order WHERE, ORDER BY, LIMIT, OFFSET)",
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

  private static SoqlException unsupported(String feature, Token t) {
    return new SoqlException(feature + " is not supported by this SOQL subset", t.start());
  }

  private static SoqlException bindVariable(Token t) {
    return new SoqlException("bind variables are not supported by this SOQL subset", t.start());
  }

  private static SoqlException unexpected(Token t) {
    return new SoqlException("unexpected token: '" + t.display() + "'", t.start());
  }

  private Token expectName(String what) {
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

  private void expectKeyword(String keyword) {
    Token t = peek();
    if (!t.isKeyword(keyword)) {
      throw unexpected(t);
    }
    advance();
  }

  private static String upper(Token t) {
    return t.text().toUpperCase(Locale.ROOT);
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(index + ahead, tokens.size() - 1));
  }

  /** Consumes and returns the current token; at the end, keeps returning END. */
  private Token advance() {
    Token t = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return t;
  }
}
