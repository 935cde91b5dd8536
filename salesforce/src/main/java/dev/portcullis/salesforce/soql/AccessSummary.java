package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.Expression;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.Function;
import dev.portcullis.salesforce.soql.Query.FunctionName;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import dev.portcullis.salesforce.soql.Query.When;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a parsed SOQL query reads, stated without the org's schema, for a policy decision point.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #scopes()}: every set of records the query reads, in the order met: the root
 *       object, each parent-to-child subquery (as a child relationship of its parent scope), each
 *       semi-/anti-join subquery (as an object), each TYPEOF branch (as the records of one type
 *       reached through a polymorphic relationship). A query that selects only {@code COUNT()}
 *       still has its scope here.
 *   <li>{@link #fields()}: every field path read, with the scope it is read from, the clause that
 *       reads it, and the functions wrapped around it ({@code COUNT(Id)} reads {@code Id} under
 *       {@code COUNT}). Paths are relative to their scope: a FROM alias is removed ({@code a.Name}
 *       on {@code FROM Account a} is {@code Name}); a relationship path stays a path ({@code
 *       Account.Owner.Name} on Contact: the relationships {@code Account} then {@code Owner}, then
 *       the field {@code Name}). A path whose first segment is the scope's own object name (legal
 *       SOQL: {@code SELECT Account.Name FROM Account}) is reported both as written and without
 *       that segment, because only the schema can tell a qualifier from a relationship of the
 *       same name.
 *   <li>{@link #fieldsFunctions()}: each {@code FIELDS(ALL|STANDARD|CUSTOM)} with its scope.
 *       Which fields that selects depends on the schema (and on the user's field-level security).
 * </ul>
 *
 * <p>Clauses: {@link Clause#SELECT} means the value is returned to the caller. Everything read
 * by a semi-/anti-join subquery is reported as {@link Clause#WHERE} (it only filters the outer
 * query, nothing of it is returned), as is the outer field of the semi-join.
 *
 * <h2>What needs the schema</h2>
 *
 * <p>The summary does not know types. To turn it into (object, field) pairs the gateway needs
 * describe results: the target object of each relationship name in a path (a lookup such as
 * {@code Account}, or a polymorphic one such as {@code Owner} or {@code What}, whose target
 * depends on the record), the child object of each {@link Scope.ChildRelationship} (from the
 * parent's {@code childRelationships}), the field list behind {@code FIELDS(...)}, and whether a
 * leading segment equal to the object name is a qualifier. Without the schema, a policy can
 * still deny by name: a denied field name in any path position, a denied relationship, or any
 * {@code FIELDS(ALL|CUSTOM)} on an object with denied fields.
 *
 * <h2>SOSL</h2>
 *
 * <p>For a {@link Search}, each RETURNING object is a {@link Scope.SObject}; its fields are read
 * in SELECT (an object without a field list returns {@code Id}), its WHERE and ORDER BY as for
 * SOQL. A search without RETURNING returns every searchable object: {@link
 * #allSearchableObjects()} is then true and no scope is listed, so a policy must treat it as
 * reading everything it cannot enumerate. The search term itself is matched against the fields
 * of the IN group (ALL FIELDS by default), which only the schema can list.
 *
 * @param scopes every scope read, root first
 * @param fields every field read, in the order met, without duplicates
 * @param fieldsFunctions every FIELDS() use
 * @param allSearchableObjects true for a SOSL search without RETURNING
 */
public record AccessSummary(
    List<Scope> scopes,
    List<FieldAccess> fields,
    List<FieldsAccess> fieldsFunctions,
    boolean allSearchableObjects) {

  public AccessSummary {
    scopes = List.copyOf(scopes);
    fields = List.copyOf(fields);
    fieldsFunctions = List.copyOf(fieldsFunctions);
  }

  /** The summary of a SOSL search (see "SOSL" above). */
  public static AccessSummary of(Search search) {
    Objects.requireNonNull(search, "search");
    Collector collector = new Collector();
    for (Search.Returning returning : search.returning()) {
      Scope scope = new Scope.SObject(returning.object());
      collector.scopes.add(scope);
      Names names = new Names(returning.object(), Optional.empty(), true);
      if (returning.fields().isEmpty()) {
        collector.fields.add(new FieldAccess(scope, FieldPath.of("Id"), Clause.SELECT, List.of()));
      }
      for (SelectItem item : returning.fields()) {
        if (item instanceof SelectItem.Field field) {
          collector.field(scope, names, field.path(), Clause.SELECT, List.of());
        } else if (item instanceof SelectItem.FunctionCall call) {
          collector.expression(scope, names, call.function(), Clause.SELECT, List.of());
        }
      }
      returning.where().ifPresent(c -> collector.condition(scope, names, c, Clause.WHERE));
      for (OrderBy order : returning.orderBy()) {
        collector.expression(scope, names, order.field(), Clause.ORDER_BY, List.of());
      }
    }
    return new AccessSummary(new ArrayList<>(collector.scopes), new ArrayList<>(collector.fields),
        new ArrayList<>(collector.fieldsFunctions), search.returning().isEmpty());
  }

  /** The summary of {@code query}. */
  public static AccessSummary of(Query query) {
    Objects.requireNonNull(query, "query");
    Collector collector = new Collector();
    collector.query(query, new Scope.SObject(query.from()), false);
    return new AccessSummary(new ArrayList<>(collector.scopes), new ArrayList<>(collector.fields),
        new ArrayList<>(collector.fieldsFunctions), false);
  }

  /** The object names in FROM clauses: the root object and the semi-/anti-join objects. */
  public List<String> objects() {
    List<String> objects = new ArrayList<>();
    for (Scope scope : scopes) {
      if (scope instanceof Scope.SObject(String name) && objects.stream()
          .noneMatch(o -> o.equalsIgnoreCase(name))) {
        objects.add(name);
      }
    }
    return objects;
  }

  /** A set of records a query reads. */
  public sealed interface Scope {
    /** Records of an sObject named in FROM: the root query or a semi-/anti-join subquery. */
    record SObject(String name) implements Scope {}

    /**
     * Child records of {@code parent} through a parent-to-child relationship: {@code (SELECT
     * LastName FROM Contacts)} on Account is {@code ChildRelationship(SObject(Account),
     * "Contacts")}.
     */
    record ChildRelationship(Scope parent, String relationshipName) implements Scope {}

    /**
     * The related records of one type reached through a polymorphic relationship of {@code
     * owner} (a TYPEOF branch): {@code TYPEOF What WHEN Account THEN Phone} on Event is {@code
     * Polymorphic(SObject(Event), What, Optional[Account])}; the ELSE branch has an empty type
     * (any other type).
     */
    record Polymorphic(Scope owner, FieldPath relationship, Optional<String> type)
        implements Scope {}
  }

  /** The clause that reads a field. */
  public enum Clause {
    SELECT,
    WHERE,
    GROUP_BY,
    HAVING,
    ORDER_BY
  }

  /**
   * One field read.
   *
   * @param scope the records it is read from
   * @param path the path relative to the scope: zero or more relationship names, then a field
   * @param clause the clause that reads it
   * @param functions the functions around it, outermost first ({@code FORMAT(convertCurrency(
   *     Amount))} gives {@code [FORMAT, CONVERT_CURRENCY]}); empty for a bare field
   */
  public record FieldAccess(
      Scope scope, FieldPath path, Clause clause, List<FunctionName> functions) {
    public FieldAccess {
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(clause, "clause");
      functions = List.copyOf(functions);
    }

    /** The field name: the last segment of the path. */
    public String field() {
      return path.segments().get(path.segments().size() - 1);
    }

    /** The relationship names the path traverses, in order (empty for a field of the scope). */
    public List<String> relationships() {
      return path.segments().subList(0, path.segments().size() - 1);
    }
  }

  /** One {@code FIELDS(kind)} in the select list of {@code scope}. */
  public record FieldsAccess(Scope scope, FieldsKind kind) {}

  /** Walks a query; keeps insertion order and drops duplicates. */
  private static final class Collector {
    final Set<Scope> scopes = new LinkedHashSet<>();
    final Set<FieldAccess> fields = new LinkedHashSet<>();
    final Set<FieldsAccess> fieldsFunctions = new LinkedHashSet<>();

    /**
     * @param filterOnly true inside a semi-join: every read only filters the outer query
     */
    void query(Query query, Scope scope, boolean filterOnly) {
      scopes.add(scope);
      Names names = new Names(query.from(), query.fromAlias(), scope instanceof Scope.SObject);
      Clause select = filterOnly ? Clause.WHERE : Clause.SELECT;
      for (SelectItem item : query.select()) {
        switch (item) {
          case SelectItem.Field(FieldPath path, Optional<String> alias) ->
              field(scope, names, path, select, List.of());
          case SelectItem.Count() -> {}
          case SelectItem.FunctionCall(Function function, Optional<String> alias) ->
              expression(scope, names, function, select, List.of());
          case SelectItem.SubQuery(Query sub) ->
              query(sub, new Scope.ChildRelationship(scope, sub.from()), filterOnly);
          case SelectItem.Fields(FieldsKind kind) -> fieldsFunctions.add(new FieldsAccess(scope, kind));
          case SelectItem.TypeOf(FieldPath field, List<When> whens, List<FieldPath> elseFields) -> {
            FieldPath relationship = names.strip(field).get(0);
            for (When when : whens) {
              Scope branch = new Scope.Polymorphic(scope, relationship, Optional.of(when.type()));
              scopes.add(branch);
              for (FieldPath path : when.fields()) {
                fields.add(new FieldAccess(branch, path, select, List.of()));
              }
            }
            if (!elseFields.isEmpty()) {
              Scope branch = new Scope.Polymorphic(scope, relationship, Optional.empty());
              scopes.add(branch);
              for (FieldPath path : elseFields) {
                fields.add(new FieldAccess(branch, path, select, List.of()));
              }
            }
          }
        }
      }
      query.where().ifPresent(c -> condition(scope, names, c, Clause.WHERE));
      Clause filter = filterOnly ? Clause.WHERE : null;
      query.groupBy().ifPresent(g -> g.items().forEach(
          e -> expression(scope, names, e, filter != null ? filter : Clause.GROUP_BY, List.of())));
      query.having().ifPresent(
          c -> condition(scope, names, c, filter != null ? filter : Clause.HAVING));
      for (OrderBy order : query.orderBy()) {
        expression(scope, names, order.field(), filter != null ? filter : Clause.ORDER_BY,
            List.of());
      }
    }

    void condition(Scope scope, Names names, Condition condition, Clause clause) {
      switch (condition) {
        case Condition.And and -> and.operands().forEach(o -> condition(scope, names, o, clause));
        case Condition.Or or -> or.operands().forEach(o -> condition(scope, names, o, clause));
        case Condition.Not not -> condition(scope, names, not.operand(), clause);
        case Condition.Comparison c -> expression(scope, names, c.field(), clause, List.of());
        case Condition.Like like -> field(scope, names, like.field(), clause, List.of());
        case Condition.In in -> expression(scope, names, in.field(), clause, List.of());
        case Condition.Includes inc -> field(scope, names, inc.field(), clause, List.of());
        case Condition.SemiJoin join -> {
          field(scope, names, join.field(), clause, List.of());
          query(join.query(), new Scope.SObject(join.query().from()), true);
        }
      }
    }

    void expression(Scope scope, Names names, Expression expression, Clause clause,
        List<FunctionName> functions) {
      switch (expression) {
        case FieldPath path -> field(scope, names, path, clause, functions);
        case Function function -> {
          List<FunctionName> inner = new ArrayList<>(functions);
          inner.add(function.name());
          for (Expression argument : function.arguments()) {
            expression(scope, names, argument, clause, inner);
          }
        }
        case Value value -> {}
      }
    }

    void field(Scope scope, Names names, FieldPath path, Clause clause,
        List<FunctionName> functions) {
      for (FieldPath p : names.strip(path)) {
        fields.add(new FieldAccess(scope, p, clause, functions));
      }
    }
  }

  /**
   * The names that may qualify a path in one query: its FROM alias, and (for an object, not a
   * child relationship) its object name.
   */
  private record Names(String from, Optional<String> alias, boolean object) {
    /** The path relative to the scope; two readings when the qualifier is ambiguous. */
    List<FieldPath> strip(FieldPath path) {
      List<String> segments = path.segments();
      if (segments.size() < 2) {
        return List.of(path);
      }
      String first = segments.get(0).toLowerCase(Locale.ROOT);
      FieldPath rest = new FieldPath(segments.subList(1, segments.size()));
      if (alias.isPresent() && alias.get().equalsIgnoreCase(first)) {
        return List.of(rest);
      }
      if (object && from.equalsIgnoreCase(first)) {
        return List.of(path, rest);
      }
      return List.of(path);
    }
  }
}
