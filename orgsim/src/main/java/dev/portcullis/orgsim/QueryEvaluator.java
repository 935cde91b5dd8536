package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.orgsim.Schema.ChildRelationship;
import dev.portcullis.orgsim.Schema.FieldDef;
import dev.portcullis.orgsim.Schema.FieldType;
import dev.portcullis.orgsim.Schema.SObjectDef;
import dev.portcullis.salesforce.SalesforceId;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Evaluates a parsed SOQL {@link Query} against an org's records (SOQL and SOSL Reference,
 * "SELECT", sforce_api_calls_soql_select.htm; "Relationship Queries",
 * sforce_api_calls_soql_relationships.htm; "Date Formats and Date Literals",
 * sforce_api_calls_soql_select_dateformats.htm).
 *
 * <p>Design: names are first resolved against the schema — every select, WHERE and ORDER BY
 * path becomes a chain of lookup fields ending in a leaf field — so an unknown name fails with
 * INVALID_FIELD before any row is touched, as on Salesforce. Rows are then filtered, sorted,
 * cut by OFFSET/LIMIT and projected into the REST JSON shape: a parent path
 * {@code Account.Name} becomes a nested object {@code "Account":{"attributes":…,"Name":…}}
 * ({@code null} when the lookup is empty), a child subquery becomes a nested query result
 * ({@code null} when no child matches). Text compares case-insensitively, ids compare in their
 * 18-character form, a comparison with a null field value is false except {@code != <value>}
 * and {@code = null}. Dates are evaluated in UTC (the simulated org's time zone is GMT); the
 * clock is injected so relative date literals are deterministic. The caller synchronizes on the
 * org's data.
 */
final class QueryEvaluator {

  /** A result before paging: totalSize and all records. */
  record Result(int totalSize, List<Map<String, Object>> records) {}

  /** A query error; {@code token} is the text to point the caret at in the message, if known. */
  static final class QueryError extends RuntimeException {
    final ApiErrorCode code;
    final String token;

    QueryError(ApiErrorCode code, String message, String token) {
      super(message, null, false, false);
      this.code = code;
      this.token = token;
    }
  }

  /** A path resolved against the schema: the lookups to follow, then the leaf field. */
  record ResolvedPath(List<FieldDef> lookups, FieldDef leaf) {}

  private final OrgData data;
  private final Clock clock;
  private final String version;

  QueryEvaluator(OrgData data, Clock clock, String version) {
    this.data = data;
    this.clock = clock;
    this.version = version;
  }

  Result evaluate(Query query, boolean includeDeleted) {
    SObjectDef type = data.schema.type(query.from())
        .orElseThrow(() -> new QueryError(ApiErrorCode.INVALID_TYPE, invalidType(query.from()), query.from()));
    if (query.isAggregate()) {
      return aggregate(query, type, includeDeleted);
    }
    return run(query, type, includeDeleted, row -> true);
  }

  /** A feature the parser accepts but the simulator does not evaluate: MALFORMED_QUERY naming it. */
  static QueryError unsupported(String feature, String token) {
    return new QueryError(ApiErrorCode.MALFORMED_QUERY, feature + " is not supported by the org simulator", token);
  }

  /** Clauses the simulator does not evaluate; WITH SECURITY_ENFORCED/USER_MODE/SYSTEM_MODE and FOR VIEW/REFERENCE are no-ops here. */
  private static void checkClauses(Query query) {
    if (query.usingScope().isPresent()) {
      throw unsupported("USING SCOPE", "USING");
    }
    if (query.with().orElse(null) instanceof Query.With.DataCategory) {
      throw unsupported("WITH DATA CATEGORY", "WITH");
    }
    if (query.updateClause().isPresent()) {
      throw unsupported("UPDATE " + query.updateClause().get(), "UPDATE");
    }
    if (query.having().isPresent()) {
      throw unsupported("HAVING", "HAVING");
    }
  }

  /** The field path of a condition or ORDER BY operand; functions there are not evaluated. */
  private static FieldPath fieldOf(Query.Expression e) {
    if (e instanceof FieldPath path) {
      return path;
    }
    if (e instanceof Query.Function f) {
      throw unsupported("function " + f.name().spelling() + "() in WHERE or ORDER BY", f.name().spelling());
    }
    throw unsupported("a literal operand", null);
  }

  /**
   * Aggregate queries (SOQL reference, "GROUP BY", "Aggregate Functions"): plain GROUP BY on
   * fields, and COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX of fields. Each group becomes an
   * AggregateResult record: grouped fields under their alias or field name, aggregates under
   * their alias or exprN (N counting unaliased aggregates from 0).
   */
  private Result aggregate(Query query, SObjectDef type, boolean includeDeleted) {
    checkClauses(query);
    String alias = query.fromAlias().orElse(null);
    List<ResolvedPath> groups = new ArrayList<>();
    if (query.groupBy().isPresent()) {
      Query.GroupBy groupBy = query.groupBy().get();
      if (groupBy.grouping() != Query.Grouping.PLAIN) {
        throw unsupported("GROUP BY " + groupBy.grouping(), groupBy.grouping().name());
      }
      for (Query.Expression e : groupBy.items()) {
        groups.add(resolve(type, fieldOf(e), alias));
      }
    }
    List<String> keys = new ArrayList<>();
    List<Object> columns = new ArrayList<>();
    int expr = 0;
    for (SelectItem item : query.select()) {
      switch (item) {
        case SelectItem.Field f -> {
          ResolvedPath p = resolve(type, f.path(), alias);
          if (groups.stream().noneMatch(g -> g.equals(p))) {
            throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
                "Field must be grouped or aggregated: " + p.leaf().name(), p.leaf().name());
          }
          keys.add(f.alias().orElse(p.leaf().name()));
          columns.add(p);
        }
        case SelectItem.FunctionCall call -> {
          Query.Function f = call.function();
          if (f.name().kind() != Query.FunctionKind.AGGREGATE || !(f.arguments().get(0) instanceof FieldPath arg)) {
            throw unsupported("function " + f.name().spelling() + "()", f.name().spelling());
          }
          if (call.alias().isPresent()) {
            keys.add(call.alias().get());
          } else {
            keys.add("expr" + expr++);
          }
          columns.add(new Object[] {f.name(), resolve(type, arg, alias)});
        }
        default -> throw unsupported("this select item in an aggregate query", null);
      }
    }
    query.where().ifPresent(w -> checkCondition(type, w, alias));
    Map<List<Object>, List<Row>> grouped = new LinkedHashMap<>();
    for (Row row : data.rows(type)) {
      if ((includeDeleted || !row.deleted)
          && (query.where().isEmpty() || test(query.where().get(), row, type, alias))) {
        List<Object> key = new ArrayList<>();
        for (ResolvedPath g : groups) {
          Object v = value(row, g);
          key.add(v instanceof String text ? text.toLowerCase(java.util.Locale.ROOT) : v);
        }
        grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
    }
    if (groups.isEmpty() && grouped.isEmpty()) {
      grouped.put(List.of(), List.of());
    }
    List<Map<String, Object>> records = new ArrayList<>();
    for (List<Row> rows : grouped.values()) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("attributes", Map.of("type", "AggregateResult"));
      for (int i = 0; i < columns.size(); i++) {
        Object column = columns.get(i);
        if (column instanceof ResolvedPath p) {
          record.put(keys.get(i), value(rows.get(0), p));
        } else {
          Object[] agg = (Object[]) column;
          record.put(keys.get(i), aggregateValue((Query.FunctionName) agg[0], rows, (ResolvedPath) agg[1]));
        }
      }
      records.add(record);
    }
    int from = Math.min(query.offset().orElse(0), records.size());
    int to = query.limit().isPresent() ? Math.min(records.size(), from + query.limit().getAsInt()) : records.size();
    records = records.subList(from, to);
    return new Result(records.size(), records);
  }

  @SuppressWarnings("unchecked")
  private Object aggregateValue(Query.FunctionName function, List<Row> rows, ResolvedPath path) {
    List<Object> values = new ArrayList<>();
    for (Row row : rows) {
      Object v = value(row, path);
      if (v != null) {
        values.add(v);
      }
    }
    return switch (function) {
      case COUNT -> values.size();
      case COUNT_DISTINCT -> (int) values.stream()
          .map(v -> v instanceof String text ? text.toLowerCase(java.util.Locale.ROOT) : v).distinct().count();
      case SUM, AVG -> {
        if (!path.leaf().type().isNumber()) {
          throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
              "field " + path.leaf().name() + " does not support aggregate operator " + function.spelling(), path.leaf().name());
        }
        if (values.isEmpty()) {
          yield null;
        }
        BigDecimal sum = values.stream().map(v -> (BigDecimal) v).reduce(BigDecimal.ZERO, BigDecimal::add);
        yield function == Query.FunctionName.SUM ? sum
            : sum.divide(BigDecimal.valueOf(values.size()), java.math.MathContext.DECIMAL64);
      }
      case MIN -> values.stream().min(QueryEvaluator::compareValues).orElse(null);
      case MAX -> values.stream().max(QueryEvaluator::compareValues).orElse(null);
      default -> throw unsupported("function " + function.spelling() + "()", function.spelling());
    };
  }

  static String invalidType(String type) {
    return "sObject type '" + type + "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.";
  }

  SObjectDef type(Query query) {
    return data.schema.type(query.from())
        .orElseThrow(() -> new QueryError(ApiErrorCode.INVALID_TYPE, invalidType(query.from()), query.from()));
  }

  private Result run(Query query, SObjectDef type, boolean includeDeleted, Predicate<Row> scope) {
    checkClauses(query);
    String alias = query.fromAlias().orElse(null);
    boolean count = false;
    List<Object> projections = new ArrayList<>();
    for (SelectItem item : query.select()) {
      switch (item) {
        case SelectItem.Count c -> count = true;
        case SelectItem.Field f -> projections.add(resolve(type, f.path(), alias));
        case SelectItem.Fields f -> {
          if (f.kind() != Query.FieldsKind.STANDARD && (query.limit().isEmpty() || query.limit().getAsInt() > 200)) {
            throw new QueryError(ApiErrorCode.MALFORMED_QUERY, "The SOQL FIELDS function must have a LIMIT of at most 200", "FIELDS");
          }
          for (FieldDef def : type.fields()) {
            boolean wanted = switch (f.kind()) {
              case ALL -> true;
              case STANDARD -> def.isStandard();
              case CUSTOM -> def.custom();
            };
            if (wanted) {
              projections.add(new ResolvedPath(List.of(), def));
            }
          }
        }
        case SelectItem.SubQuery s -> {
          ChildRelationship rel = type.childRelationship(s.query().from())
              .orElseThrow(() -> new QueryError(ApiErrorCode.INVALID_TYPE,
                  "Didn't understand relationship '" + s.query().from() + "' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
                  s.query().from()));
          projections.add(s);
          resolveAll(data.schema.type(rel.childSObject()).orElseThrow(), s.query());
        }
        case SelectItem.FunctionCall f -> throw unsupported("function " + f.function().name().spelling() + "()", f.function().name().spelling());
        case SelectItem.TypeOf t -> throw unsupported("TYPEOF", "TYPEOF");
      }
    }
    if (count && !projections.isEmpty()) {
      throw new QueryError(ApiErrorCode.MALFORMED_QUERY, "COUNT() cannot be used with other fields", "COUNT");
    }
    query.where().ifPresent(w -> checkCondition(type, w, alias));
    List<ResolvedPath> order = new ArrayList<>();
    for (OrderBy o : query.orderBy()) {
      order.add(resolve(type, fieldOf(o.field()), alias));
    }

    List<Row> rows = new ArrayList<>();
    for (Row row : data.rows(type)) {
      if ((includeDeleted || !row.deleted) && scope.test(row)
          && (query.where().isEmpty() || test(query.where().get(), row, type, alias))) {
        rows.add(row);
      }
    }
    if (!order.isEmpty()) {
      rows.sort(comparator(query.orderBy(), order));
    }
    int offset = query.offset().orElse(0);
    int from = Math.min(offset, rows.size());
    int to = query.limit().isPresent() ? Math.min(rows.size(), from + query.limit().getAsInt()) : rows.size();
    rows = rows.subList(from, to);
    if (count) {
      return new Result(rows.size(), List.of());
    }
    List<Map<String, Object>> records = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("attributes", RestApi.attributes(version, row));
      for (Object p : projections) {
        if (p instanceof ResolvedPath path) {
          project(record, row, path, 0);
        } else if (p instanceof SelectItem.SubQuery s) {
          ChildRelationship rel = type.childRelationship(s.query().from()).orElseThrow();
          SObjectDef childType = data.schema.type(rel.childSObject()).orElseThrow();
          String parentId = row.id();
          Result child = run(s.query(), childType, includeDeleted, c -> parentId.equals(c.get(rel.field())));
          if (child.records().isEmpty()) {
            record.put(rel.relationshipName(), null);
          } else {
            Map<String, Object> nested = new LinkedHashMap<>();
            nested.put("totalSize", child.totalSize());
            nested.put("done", true);
            nested.put("records", child.records());
            record.put(rel.relationshipName(), nested);
          }
        }
      }
      records.add(record);
    }
    return new Result(records.size(), records);
  }

  private void resolveAll(SObjectDef type, Query sub) {
    checkClauses(sub);
    if (sub.isAggregate()) {
      throw unsupported("an aggregate child subquery", sub.from());
    }
    String alias = sub.fromAlias().orElse(null);
    for (SelectItem item : sub.select()) {
      switch (item) {
        case SelectItem.Field f -> resolve(type, f.path(), alias);
        case SelectItem.SubQuery s -> throw new QueryError(ApiErrorCode.MALFORMED_QUERY, "Nesting of child relationship queries is not supported", s.query().from());
        case SelectItem.FunctionCall f -> throw unsupported("function " + f.function().name().spelling() + "()", f.function().name().spelling());
        case SelectItem.TypeOf t -> throw unsupported("TYPEOF", "TYPEOF");
        case SelectItem.Count c -> { }
        case SelectItem.Fields f -> { }
      }
    }
    sub.where().ifPresent(w -> checkCondition(type, w, alias));
    for (OrderBy o : sub.orderBy()) {
      resolve(type, fieldOf(o.field()), alias);
    }
  }

  ResolvedPath resolve(SObjectDef type, FieldPath path, String alias) {
    List<String> segments = path.segments();
    // A path may be qualified with the FROM alias, or with the object name itself
    // (SELECT Account.Name FROM Account) unless that name is also a relationship.
    if (segments.size() > 1
        && ((alias != null && segments.get(0).equalsIgnoreCase(alias))
            || (segments.get(0).equalsIgnoreCase(type.name()) && type.relationship(segments.get(0)).isEmpty()))) {
      segments = segments.subList(1, segments.size());
    }
    List<FieldDef> lookups = new ArrayList<>();
    SObjectDef current = type;
    for (int i = 0; i < segments.size() - 1; i++) {
      String seg = segments.get(i);
      FieldDef lookup = current.relationship(seg).orElseThrow(() -> new QueryError(ApiErrorCode.INVALID_FIELD,
          "Didn't understand relationship '" + seg + "' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
          seg));
      lookups.add(lookup);
      current = data.schema.type(lookup.referenceTo().get(0)).orElseThrow();
    }
    String leafName = segments.get(segments.size() - 1);
    SObjectDef owner = current;
    FieldDef leaf = owner.field(leafName).orElseThrow(() -> new QueryError(ApiErrorCode.INVALID_FIELD,
        "No such column '" + leafName + "' on entity '" + owner.name() + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
        leafName));
    return new ResolvedPath(List.copyOf(lookups), leaf);
  }

  private void checkCondition(SObjectDef type, Condition c, String alias) {
    switch (c) {
      case Condition.And and -> and.operands().forEach(o -> checkCondition(type, o, alias));
      case Condition.Or or -> or.operands().forEach(o -> checkCondition(type, o, alias));
      case Condition.Not not -> checkCondition(type, not.operand(), alias);
      case Condition.Comparison cmp -> {
        ResolvedPath p = resolve(type, fieldOf(cmp.field()), alias);
        if (!(cmp.value() instanceof Value.Null) && !(cmp.value() instanceof Value.RelativeDate)) {
          literal(p.leaf(), cmp.value());
        }
        if (cmp.value() instanceof Value.RelativeDate r) {
          range(r, today());
        }
      }
      case Condition.Like like -> {
        ResolvedPath p = resolve(type, like.field(), alias);
        if (!p.leaf().type().isText() && !p.leaf().type().isIdLike()) {
          throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
              "invalid operator on " + p.leaf().type().describeName + " field: " + p.leaf().name(), like.field().segments().get(like.field().segments().size() - 1));
        }
      }
      case Condition.In in -> {
        ResolvedPath p = resolve(type, fieldOf(in.field()), alias);
        in.values().forEach(v -> {
          if (!(v instanceof Value.Null)) {
            literal(p.leaf(), v);
          }
        });
      }
      case Condition.SemiJoin join -> {
        ResolvedPath p = resolve(type, join.field(), alias);
        if (!p.leaf().type().isIdLike()) {
          throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
              "semi join sub-selects are only allowed on Id or reference fields: " + p.leaf().name(), p.leaf().name());
        }
        semiJoinValues(join);
      }
      case Condition.Includes inc -> throw unsupported(inc.excludes() ? "EXCLUDES" : "INCLUDES", inc.excludes() ? "EXCLUDES" : "INCLUDES");
    }
  }

  private final Map<Condition.SemiJoin, java.util.Set<Object>> semiJoins = new java.util.IdentityHashMap<>();

  /**
   * The values the semi-join's subquery selects (SOQL reference, "Semi-Joins and Anti-Joins"),
   * computed once per evaluation: ids in their 18-character form.
   */
  private java.util.Set<Object> semiJoinValues(Condition.SemiJoin join) {
    java.util.Set<Object> cached = semiJoins.get(join);
    if (cached != null) {
      return cached;
    }
    Query inner = join.query();
    checkClauses(inner);
    SObjectDef innerType = type(inner);
    String innerAlias = inner.fromAlias().orElse(null);
    if (inner.isAggregate() || !(inner.select().get(0) instanceof SelectItem.Field field)) {
      throw unsupported("this semi-join subquery", inner.from());
    }
    ResolvedPath selected = resolve(innerType, field.path(), innerAlias);
    if (!selected.leaf().type().isIdLike()) {
      throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
          "semi join sub-selects must select an Id or reference field: " + selected.leaf().name(), selected.leaf().name());
    }
    inner.where().ifPresent(w -> checkCondition(innerType, w, innerAlias));
    java.util.Set<Object> values = new java.util.HashSet<>();
    for (Row row : data.rows(innerType)) {
      if (!row.deleted && (inner.where().isEmpty() || test(inner.where().get(), row, innerType, innerAlias))) {
        Object v = value(row, selected);
        if (v != null) {
          values.add(v);
        }
      }
    }
    semiJoins.put(join, values);
    return values;
  }

  private boolean test(Condition c, Row row, SObjectDef type, String alias) {
    return switch (c) {
      case Condition.And and -> and.operands().stream().allMatch(o -> test(o, row, type, alias));
      case Condition.Or or -> or.operands().stream().anyMatch(o -> test(o, row, type, alias));
      case Condition.Not not -> !test(not.operand(), row, type, alias);
      case Condition.Comparison cmp -> {
        ResolvedPath p = resolve(type, fieldOf(cmp.field()), alias);
        yield compare(value(row, p), p.leaf(), cmp.operator(), cmp.value());
      }
      case Condition.Like like -> {
        Object v = value(row, resolve(type, like.field(), alias));
        yield v != null && like.matches(v.toString());
      }
      case Condition.In in -> {
        ResolvedPath p = resolve(type, fieldOf(in.field()), alias);
        Object v = value(row, p);
        boolean any = in.values().stream().anyMatch(lit -> compare(v, p.leaf(), Query.Operator.EQUALS, lit));
        yield in.negated() != any;
      }
      case Condition.SemiJoin join -> {
        Object v = value(row, resolve(type, join.field(), alias));
        boolean member = v != null && semiJoinValues(join).contains(v);
        yield join.negated() ? v == null || !member : member;
      }
      case Condition.Includes inc -> throw unsupported(inc.excludes() ? "EXCLUDES" : "INCLUDES", null);
    };
  }

  private boolean compare(Object actual, FieldDef field, Query.Operator op, Value literal) {
    if (literal instanceof Value.Null) {
      return switch (op) {
        case EQUALS -> actual == null;
        case NOT_EQUALS -> actual != null;
        default -> false;
      };
    }
    if (actual == null) {
      return op == Query.Operator.NOT_EQUALS;
    }
    if (literal instanceof Value.RelativeDate r) {
      LocalDate[] range = range(r, today());
      LocalDate d = actual instanceof Instant i ? LocalDate.ofInstant(i, ZoneOffset.UTC) : (LocalDate) actual;
      return switch (op) {
        case EQUALS -> !d.isBefore(range[0]) && d.isBefore(range[1]);
        case NOT_EQUALS -> d.isBefore(range[0]) || !d.isBefore(range[1]);
        case LESS_THAN -> d.isBefore(range[0]);
        case LESS_OR_EQUAL -> d.isBefore(range[1]);
        case GREATER_THAN -> !d.isBefore(range[1]);
        case GREATER_OR_EQUAL -> !d.isBefore(range[0]);
      };
    }
    Object expected = literal(field, literal);
    int cmp = compareValues(actual, expected);
    return switch (op) {
      case EQUALS -> cmp == 0;
      case NOT_EQUALS -> cmp != 0;
      case LESS_THAN -> cmp < 0;
      case LESS_OR_EQUAL -> cmp <= 0;
      case GREATER_THAN -> cmp > 0;
      case GREATER_OR_EQUAL -> cmp >= 0;
    };
  }

  /** The literal converted to the stored type of {@code field}, or MALFORMED_QUERY as Salesforce words it. */
  private static Object literal(FieldDef field, Value value) {
    FieldType t = field.type();
    return switch (value) {
      case Value.Text text -> {
        if (t.isText()) {
          yield text.value();
        }
        if (t.isIdLike()) {
          if (!SalesforceId.isValid(text.value())) {
            throw new QueryError(ApiErrorCode.INVALID_FIELD, "invalid ID field: " + text.value(), text.value());
          }
          yield SalesforceId.to18(text.value());
        }
        throw new QueryError(ApiErrorCode.MALFORMED_QUERY,
            "value of filter criterion for field '" + field.name() + "' must be of type " + t.describeName + " and should not be enclosed in quotes", field.name());
      }
      case Value.Number n -> {
        if (t.isNumber()) {
          yield n.value();
        }
        throw mustBeOfType(field);
      }
      case Value.Bool b -> {
        if (t == FieldType.BOOLEAN) {
          yield b.value();
        }
        throw mustBeOfType(field);
      }
      case Value.Date d -> switch (t) {
        case DATE -> d.value();
        case DATETIME -> d.value().atStartOfDay(ZoneOffset.UTC).toInstant();
        default -> throw mustBeOfType(field);
      };
      case Value.DateTime dt -> switch (t) {
        case DATETIME -> dt.value().toInstant();
        case DATE -> dt.value().toLocalDate();
        default -> throw mustBeOfType(field);
      };
      case Value.Null n -> null;
      case Value.RelativeDate r -> {
        if (t == FieldType.DATE || t == FieldType.DATETIME) {
          yield null;
        }
        throw mustBeOfType(field);
      }
    };
  }

  private static QueryError mustBeOfType(FieldDef field) {
    String kind = field.type().isText() || field.type().isIdLike() ? "string and should be enclosed in quotes" : field.type().describeName;
    return new QueryError(ApiErrorCode.MALFORMED_QUERY,
        "value of filter criterion for field '" + field.name() + "' must be of type " + kind, field.name());
  }

  @SuppressWarnings("unchecked")
  private static int compareValues(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return String.CASE_INSENSITIVE_ORDER.compare(x, y);
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y);
    }
    if (a instanceof Comparable<?> x && a.getClass() == b.getClass()) {
      return ((Comparable<Object>) x).compareTo(b);
    }
    return a.toString().compareToIgnoreCase(b.toString());
  }

  private Comparator<Row> comparator(List<OrderBy> orderBy, List<ResolvedPath> paths) {
    Comparator<Row> result = (x, y) -> 0;
    for (int i = 0; i < orderBy.size(); i++) {
      OrderBy o = orderBy.get(i);
      ResolvedPath p = paths.get(i);
      boolean nullsFirst = switch (o.nulls()) {
        case DEFAULT -> o.ascending();
        case FIRST -> true;
        case LAST -> false;
      };
      Comparator<Row> one = (x, y) -> {
        Object a = value(x, p);
        Object b = value(y, p);
        if (a == null || b == null) {
          if (a == b) {
            return 0;
          }
          return (a == null) == nullsFirst ? -1 : 1;
        }
        int c = compareValues(a, b);
        return o.ascending() ? c : -c;
      };
      result = result.thenComparing(one);
    }
    return result;
  }

  /** The value at {@code path} for {@code row}: follows lookups; null when one is empty. */
  Object value(Row row, ResolvedPath path) {
    Row current = row;
    for (FieldDef lookup : path.lookups()) {
      Object id = current.get(lookup.name());
      current = id == null ? null : data.byId((String) id).orElse(null);
      if (current == null) {
        return null;
      }
    }
    return current.get(path.leaf().name());
  }

  private void project(Map<String, Object> target, Row row, ResolvedPath path, int depth) {
    if (depth == path.lookups().size()) {
      target.put(path.leaf().name(), Values.toJson(version, row, path.leaf()));
      return;
    }
    FieldDef lookup = path.lookups().get(depth);
    Object id = row.get(lookup.name());
    Row parent = id == null ? null : data.byId((String) id).orElse(null);
    if (parent == null) {
      target.putIfAbsent(lookup.relationshipName(), null);
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) target.get(lookup.relationshipName());
    if (nested == null) {
      nested = new LinkedHashMap<>();
      nested.put("attributes", RestApi.attributes(version, parent));
      target.put(lookup.relationshipName(), nested);
    }
    project(nested, parent, path, depth + 1);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /**
   * The date range [start, end) a relative date literal stands for, weeks starting on Sunday
   * (SOQL and SOSL Reference, "Date Formats and Date Literals").
   */
  static LocalDate[] range(Value.RelativeDate literal, LocalDate today) {
    String name = literal.name();
    int n = literal.n().orElse(0);
    LocalDate week = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
    LocalDate month = today.withDayOfMonth(1);
    LocalDate quarter = today.withMonth(((today.getMonthValue() - 1) / 3) * 3 + 1).withDayOfMonth(1);
    LocalDate year = today.withDayOfYear(1);
    return switch (name) {
      case "TODAY" -> days(today, 1);
      case "YESTERDAY" -> days(today.minusDays(1), 1);
      case "TOMORROW" -> days(today.plusDays(1), 1);
      case "THIS_WEEK" -> days(week, 7);
      case "LAST_WEEK" -> days(week.minusWeeks(1), 7);
      case "NEXT_WEEK" -> days(week.plusWeeks(1), 7);
      case "THIS_MONTH" -> new LocalDate[] {month, month.plusMonths(1)};
      case "LAST_MONTH" -> new LocalDate[] {month.minusMonths(1), month};
      case "NEXT_MONTH" -> new LocalDate[] {month.plusMonths(1), month.plusMonths(2)};
      case "THIS_QUARTER" -> new LocalDate[] {quarter, quarter.plusMonths(3)};
      case "LAST_QUARTER" -> new LocalDate[] {quarter.minusMonths(3), quarter};
      case "NEXT_QUARTER" -> new LocalDate[] {quarter.plusMonths(3), quarter.plusMonths(6)};
      case "THIS_YEAR" -> new LocalDate[] {year, year.plusYears(1)};
      case "LAST_YEAR" -> new LocalDate[] {year.minusYears(1), year};
      case "NEXT_YEAR" -> new LocalDate[] {year.plusYears(1), year.plusYears(2)};
      case "LAST_90_DAYS" -> new LocalDate[] {today.minusDays(90), today.plusDays(1)};
      case "NEXT_90_DAYS" -> new LocalDate[] {today.plusDays(1), today.plusDays(91)};
      case "LAST_N_DAYS" -> new LocalDate[] {today.minusDays(n), today.plusDays(1)};
      case "NEXT_N_DAYS" -> new LocalDate[] {today.plusDays(1), today.plusDays(n + 1L)};
      case "N_DAYS_AGO" -> days(today.minusDays(n), 1);
      case "LAST_N_WEEKS" -> new LocalDate[] {week.minusWeeks(n), week};
      case "NEXT_N_WEEKS" -> new LocalDate[] {week.plusWeeks(1), week.plusWeeks(n + 1L)};
      case "LAST_N_MONTHS" -> new LocalDate[] {month.minusMonths(n), month};
      case "NEXT_N_MONTHS" -> new LocalDate[] {month.plusMonths(1), month.plusMonths(n + 1L)};
      case "LAST_N_YEARS" -> new LocalDate[] {year.minusYears(n), year};
      case "NEXT_N_YEARS" -> new LocalDate[] {year.plusYears(1), year.plusYears(n + 1L)};
      default -> throw new QueryError(ApiErrorCode.MALFORMED_QUERY, "unexpected token: '" + name + "'", name);
    };
  }

  private static LocalDate[] days(LocalDate start, int count) {
    return new LocalDate[] {start, start.plusDays(count)};
  }
}
