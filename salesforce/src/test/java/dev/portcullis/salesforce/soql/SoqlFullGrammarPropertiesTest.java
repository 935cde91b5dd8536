package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Property tests over the full SELECT grammar: random valid queries (aggregates, GROUP BY
 * ROLLUP/CUBE, HAVING, functions, TYPEOF, semi-joins, INCLUDES, WITH, USING SCOPE, FOR, UPDATE,
 * nested subqueries) survive render-then-parse in any spelling; their mutations and random bytes
 * only ever fail with {@link SoqlException}; the access summary never fails on a parsed query.
 */
class SoqlFullGrammarPropertiesTest {

  @Property(tries = 2000)
  void fullQueriesRoundTrip(@ForAll("fullQueries") Query query, @ForAll long seed) {
    Statistics.label("aggregate").collect(query.isAggregate());
    String canonical = query.toSoql();
    assertThat(SoqlParser.parse(canonical)).as(canonical).isEqualTo(query);
    String spelled = SoqlRenderer.render(query, new SoqlParserPropertiesTest.RandomStyle(new Random(seed)));
    assertThat(SoqlParser.parse(spelled)).as(spelled).isEqualTo(query);
    assertThat(AccessSummary.of(query).scopes()).isNotEmpty();
  }

  @Property(tries = 3000)
  void mutatedFullQueriesOnlyFailWithSoqlException(@ForAll("fullQueries") Query query, @ForAll long seed) {
    Random random = new Random(seed);
    StringBuilder soql = new StringBuilder(
        SoqlRenderer.render(query, new SoqlParserPropertiesTest.RandomStyle(random)));
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      int at = random.nextInt(soql.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> soql.insert(at, MUTATIONS[random.nextInt(MUTATIONS.length)]);
        case 1 -> soql.delete(at, Math.min(soql.length(), at + 1 + random.nextInt(10)));
        case 2 -> soql.insert(at, (char) random.nextInt(128));
        default -> soql.insert(random.nextInt(soql.length() + 1),
            soql.substring(at, Math.min(soql.length(), at + random.nextInt(30))));
      }
    }
    check(soql.toString());
  }

  @Property(tries = 3000)
  void randomBytesOnlyFailWithSoqlException(@ForAll @Size(max = 400) byte[] bytes) {
    check(new String(bytes, StandardCharsets.UTF_8));
    check(new String(bytes, StandardCharsets.ISO_8859_1));
    check("SELECT Id FROM Account WHERE " + new String(bytes, StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 20)
  void deepNestingIsRefusedNotOverflowed(@ForAll("depths") int depth) {
    check("SELECT Id FROM A WHERE " + "(".repeat(depth) + "A = 1" + ")".repeat(depth));
    check("SELECT " + "FORMAT(".repeat(depth) + "A" + ")".repeat(depth) + " FROM A");
    check("SELECT Id FROM A WHERE " + "NOT ".repeat(depth) + "A = 1");
    check("SELECT " + "(SELECT Id, ".repeat(depth) + "Id" + " FROM B)".repeat(depth) + " FROM A");
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.of(99, 100, 101, 5_000, 30_000);
  }

  private static final String[] MUTATIONS = {
    "GROUP BY ", "ROLLUP(", "CUBE(", "HAVING ", "COUNT(Id)", "TYPEOF What WHEN A THEN B END", "WHEN",
    "END", "ELSE", "IN (SELECT Id FROM X)", "NOT IN (SELECT", "INCLUDES ('a')", "WITH ", "DATA CATEGORY",
    "ABOVE_OR_BELOW", "USING SCOPE mine", "FOR VIEW", "UPDATE TRACKING", "DISTANCE(", "GEOLOCATION(1,2)",
    "'mi'", "toLabel(", ":x", "ALL ROWS", "FOR UPDATE", "(", ")", ",", "."
  };

  /** Parses; the only allowed failure is SoqlException inside the input; accepted text round-trips. */
  private static void check(String soql) {
    Query query;
    try {
      query = SoqlParser.parse(soql);
    } catch (SoqlException e) {
      assertThat(e.position()).as(e.getMessage()).isBetween(0, soql.length());
      assertThat(e.getMessage()).isNotBlank();
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("parse threw " + e + " for: " + soql, e);
    }
    assertThat(SoqlParser.parse(query.toSoql())).as(soql).isEqualTo(query);
    AccessSummary.of(query);
  }

  // ------------------------------------------------------------------ generators

  private static final List<FunctionName> PLAIN_FUNCTIONS = Arrays.stream(FunctionName.values())
      .filter(f -> f.kind() == FunctionKind.DATE || f == FunctionName.TO_LABEL
          || f == FunctionName.FORMAT || f == FunctionName.CONVERT_CURRENCY)
      .toList();

  private static final List<FunctionName> AGGREGATES = Arrays.stream(FunctionName.values())
      .filter(f -> f.kind() == FunctionKind.AGGREGATE).toList();

  static Arbitrary<FieldPath> paths() {
    return SoqlParserPropertiesTest.paths();
  }

  static Arbitrary<Function> plainFunctions() {
    Arbitrary<Function> simple = Combinators.combine(Arbitraries.of(PLAIN_FUNCTIONS), paths())
        .as((f, p) -> new Function(f, List.of(p)));
    Arbitrary<Function> timezone = Combinators.combine(
            Arbitraries.of(FunctionName.HOUR_IN_DAY, FunctionName.DAY_ONLY), paths())
        .as((f, p) -> new Function(f, List.of(new Function(FunctionName.CONVERT_TIMEZONE, List.of(p)))));
    return Arbitraries.oneOf(simple, timezone);
  }

  static Arbitrary<Function> distances() {
    Arbitrary<Value> coordinate = Arbitraries.bigDecimals().between(new BigDecimal("-180"), new BigDecimal("180"))
        .ofScale(3).map(Value.Number::new);
    Arbitrary<Expression> geolocation = Combinators.combine(coordinate, coordinate)
        .as((a, b) -> new Function(FunctionName.GEOLOCATION, List.of(a, b)));
    Arbitrary<Expression> location = Arbitraries.oneOf(paths().map(p -> p), geolocation);
    return Combinators.combine(location, location, Arbitraries.of("mi", "km"))
        .as((a, b, unit) -> new Function(FunctionName.DISTANCE, List.of(a, b, new Value.Text(unit))));
  }

  static Arbitrary<Function> aggregates() {
    return Combinators.combine(Arbitraries.of(AGGREGATES), paths())
        .as((f, p) -> new Function(f, List.of(p)));
  }

  static Arbitrary<Condition> whereConditions() {
    Arbitrary<Condition> functionComparison = Combinators.combine(
            Arbitraries.oneOf(plainFunctions(), distances()), Arbitraries.of(Operator.class),
            SoqlParserPropertiesTest.values())
        .as(Condition.Comparison::new);
    Arbitrary<Condition> includes = Combinators.combine(paths(), Arbitraries.of(true, false),
            Arbitraries.strings().ofMaxLength(12).list().ofMinSize(1).ofMaxSize(3))
        .as(Condition.Includes::new);
    return Arbitraries.frequencyOf(
        Tuple.of(4, SoqlParserPropertiesTest.conditions(2)),
        Tuple.of(1, functionComparison),
        Tuple.of(1, includes));
  }

  static Arbitrary<Condition> semiJoins() {
    Arbitrary<Query> inner = Combinators.combine(paths(), SoqlParserPropertiesTest.names(),
            SoqlParserPropertiesTest.conditions(1).optional(0.5))
        .as((field, from, where) -> new Query(List.of(new SelectItem.Field(field)), from,
            Optional.empty(), where, List.of(), OptionalInt.empty(), OptionalInt.empty()));
    return Combinators.combine(paths(), Arbitraries.of(true, false), inner).as(Condition.SemiJoin::new);
  }

  static Arbitrary<Optional<Condition>> where(boolean root) {
    Arbitrary<Optional<Condition>> plain = whereConditions().optional(0.7);
    if (!root) {
      return plain;
    }
    return Combinators.combine(plain, semiJoins().list().ofMaxSize(2)).as((w, joins) -> {
      if (joins.isEmpty()) {
        return w;
      }
      List<Condition> operands = new ArrayList<>(joins);
      w.ifPresent(c -> operands.add(0, c));
      return Optional.of(operands.size() == 1 ? operands.get(0) : new Condition.And(operands));
    });
  }

  static Arbitrary<SelectItem> typeOfs() {
    Arbitrary<When> when = Combinators.combine(SoqlParserPropertiesTest.names(),
            paths().list().ofMinSize(1).ofMaxSize(3))
        .as(When::new);
    return Combinators.combine(paths(), when.list().ofMinSize(1).ofMaxSize(3),
            paths().list().ofMaxSize(2))
        .as(SelectItem.TypeOf::new);
  }

  static Arbitrary<Optional<With>> withs() {
    Arbitrary<With> category = Combinators.combine(SoqlParserPropertiesTest.names(),
            Arbitraries.of(CategoryOperator.class),
            SoqlParserPropertiesTest.names().list().ofMinSize(1).ofMaxSize(3))
        .as(CategoryFilter::new).list().ofMinSize(1).ofMaxSize(3).map(With.DataCategory::new);
    return Arbitraries.oneOf(Arbitraries.just(new With.SecurityEnforced()),
        Arbitraries.just(new With.UserMode()), Arbitraries.just(new With.SystemMode()), category)
        .optional(0.3);
  }

  /** A plain (non-aggregate) select list; child subqueries while {@code depth < 2}. */
  static Arbitrary<List<SelectItem>> plainSelect(int depth) {
    Arbitrary<SelectItem> field = paths().map(SelectItem.Field::new);
    Arbitrary<SelectItem> fields = Arbitraries.of(FieldsKind.class).map(SelectItem.Fields::new);
    Arbitrary<SelectItem> function = Combinators.combine(plainFunctions(),
            SoqlParserPropertiesTest.names().optional(0.3))
        .as(SelectItem.FunctionCall::new);
    List<Tuple.Tuple2<Integer, Arbitrary<? extends SelectItem>>> choices = new ArrayList<>(List.of(
        Tuple.of(8, field), Tuple.of(1, fields), Tuple.of(2, function), Tuple.of(1, typeOfs())));
    if (depth < 2) {
      choices.add(Tuple.of(1, Arbitraries.lazy(() -> fullQueries(depth + 1)).map(SelectItem.SubQuery::new)));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Arbitrary<SelectItem> item = Arbitraries.frequencyOf(choices.toArray(new Tuple.Tuple2[0]));
    return item.list().ofMinSize(1).ofMaxSize(depth == 0 ? 5 : 3).uniqueElements(SoqlFullGrammarPropertiesTest::key);
  }

  private static Object key(SelectItem item) {
    return item instanceof SelectItem.Field(FieldPath p, var alias) ? p.toString().toLowerCase(Locale.ROOT) : item;
  }

  record Aggregation(List<SelectItem> select, GroupBy groupBy, Optional<Condition> having) {}

  static Arbitrary<Aggregation> aggregations() {
    Arbitrary<List<FieldPath>> grouped = paths().list().ofMinSize(1).ofMaxSize(3)
        .uniqueElements(p -> p.toString().toLowerCase(Locale.ROOT));
    Arbitrary<List<SelectItem>> aggregateItems = Combinators.combine(aggregates(),
            SoqlParserPropertiesTest.names().optional(0.5))
        .as(SelectItem.FunctionCall::new).map(SelectItem.class::cast).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Optional<Condition>> having = Combinators.combine(aggregates(), Arbitraries.of(Operator.class),
            Arbitraries.integers().between(0, 1000).map(n -> new Value.Number(BigDecimal.valueOf(n))))
        .as((f, op, v) -> (Condition) new Condition.Comparison(f, op, v)).optional(0.5);
    return Combinators.combine(grouped, SoqlParserPropertiesTest.names().optional(0.3).list().ofSize(3),
            aggregateItems, Arbitraries.of(Grouping.class), having)
        .as((groups, aliases, aggs, grouping, h) -> {
          List<SelectItem> select = new ArrayList<>();
          for (int i = 0; i < groups.size(); i++) {
            select.add(new SelectItem.Field(groups.get(i), aliases.get(i)));
          }
          select.addAll(aggs);
          return new Aggregation(select, new GroupBy(grouping, List.<Expression>copyOf(groups)), h);
        });
  }

  static Arbitrary<OrderBy> orderBys() {
    Arbitrary<Expression> expression = Arbitraries.frequencyOf(
        Tuple.of(4, paths()), Tuple.of(1, plainFunctions()), Tuple.of(1, distances()));
    return Combinators.combine(expression, Arbitraries.of(true, false), Arbitraries.of(NullsOrder.class))
        .as(OrderBy::new);
  }

  static Arbitrary<Query> fullQueries(int depth) {
    boolean root = depth == 0;
    Arbitrary<Optional<String>> scope = root
        ? Arbitraries.of(SoqlParser.SCOPES).optional(0.2)
        : Arbitraries.just(Optional.empty());
    Arbitrary<Optional<Aggregation>> aggregation = root
        ? aggregations().optional(0.25)
        : Arbitraries.just(Optional.empty());
    Arbitrary<List<SelectItem>> plain = plainSelect(depth);
    Arbitrary<List<Object>> clauses = Combinators.combine(
            scope, where(root), withs(), orderBys().list().ofMaxSize(2),
            Arbitraries.integers().between(0, 500).optional(0.5),
            Arbitraries.integers().between(0, 2000).optional(0.3),
            Arbitraries.of(ForClause.class).optional(0.1),
            Arbitraries.of(UpdateClause.class).optional(0.1))
        .as((s, w, with, o, l, off, f, u) -> List.of(s, w, with, o, l, off, f, u));
    return Combinators.combine(SoqlParserPropertiesTest.names(), SoqlParserPropertiesTest.names().optional(0.3),
            plain, aggregation, clauses)
        .as((from, alias, select, agg, c) -> build(root, from, alias, select, agg, c));
  }

  @SuppressWarnings("unchecked")
  private static Query build(boolean root, String from, Optional<String> alias, List<SelectItem> plain,
      Optional<Aggregation> aggregation, List<Object> c) {
    List<SelectItem> select = aggregation.map(Aggregation::select).orElse(plain);
    Optional<Integer> limit = (Optional<Integer>) c.get(4);
    boolean unbounded = root && select.stream().anyMatch(
        i -> i instanceof SelectItem.Fields(FieldsKind k) && k != FieldsKind.STANDARD);
    OptionalInt limitValue = unbounded && (limit.isEmpty() || limit.get() > 200)
        ? OptionalInt.of(200)
        : limit.map(OptionalInt::of).orElse(OptionalInt.empty());
    Optional<Integer> offset = (Optional<Integer>) c.get(5);
    return new Query(select, from, alias, (Optional<String>) c.get(0), (Optional<Condition>) c.get(1),
        (Optional<With>) c.get(2), aggregation.map(Aggregation::groupBy),
        aggregation.flatMap(Aggregation::having),
        (List<OrderBy>) c.get(3), limitValue, offset.map(OptionalInt::of).orElse(OptionalInt.empty()),
        (Optional<ForClause>) c.get(6), (Optional<UpdateClause>) c.get(7));
  }

  @Provide
  Arbitrary<Query> fullQueries() {
    return fullQueries(0);
  }
}
