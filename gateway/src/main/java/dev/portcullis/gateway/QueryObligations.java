package dev.portcullis.gateway;

import dev.portcullis.salesforce.soql.AccessSummary;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The obligations the gateway honours on SOQL queries (docs/GATEWAY.md, "Obligations"):
 *
 * <ul>
 *   <li>{@code max_records: N}: the query is forwarded with {@code LIMIT min(N, its own LIMIT)}, so
 *       Salesforce never returns more; later pages ({@code query/<locator>}) belong to that query.
 *   <li>{@code deny_fields: [Object.Field, …]}: the query is refused when it reads a denied field
 *       in any clause (a field with that name anywhere in a path, whatever the object: without the
 *       org's schema a relationship's target is unknown, so the check errs on refusing), or uses
 *       {@code FIELDS(ALL)}, or {@code FIELDS(CUSTOM)} / {@code FIELDS(STANDARD)} matching a denied
 *       custom ({@code __c}) / standard field, on a scope that may be the denied field's object.
 * </ul>
 */
final class QueryObligations {
  private QueryObligations() {}

  /** The query with its LIMIT at most {@code max}. */
  static String capped(String soql, long max) {
    Query query = SoqlParser.parse(soql);
    OptionalInt limit = query.limit();
    if (limit.isPresent() && limit.getAsInt() <= max) {
      return soql;
    }
    int cap = (int) Math.min(max, Integer.MAX_VALUE);
    return new Query(query.select(), query.from(), query.fromAlias(), query.usingScope(), query.where(), query.with(),
        query.groupBy(), query.having(), query.orderBy(), OptionalInt.of(cap), query.offset(), query.forClause(),
        query.updateClause()).toSoql();
  }

  /** Why the query may not run under {@code deniedFields}, or empty when it may. */
  static Optional<String> deniedFieldRead(String soql, List<String> deniedFields) {
    AccessSummary summary;
    try {
      summary = soql.stripLeading().regionMatches(true, 0, "FIND", 0, 4)
          ? AccessSummary.of(dev.portcullis.salesforce.soql.SoslParser.parse(soql))
          : AccessSummary.of(SoqlParser.parse(soql));
    } catch (SoqlException e) {
      return Optional.of("the query could not be parsed");
    }
    if (summary.allSearchableObjects()) {
      return Optional.of("a search without RETURNING may return " + deniedFields + ", denied fields; name the"
          + " objects and fields to return");
    }
    for (String denied : deniedFields) {
      int dot = denied.indexOf('.');
      String object = dot < 0 ? "" : denied.substring(0, dot);
      String field = dot < 0 ? denied : denied.substring(dot + 1);
      for (AccessSummary.FieldAccess access : summary.fields()) {
        if (access.field().equalsIgnoreCase(field)) {
          return Optional.of("the query reads " + field + ", a denied field (" + denied + ")");
        }
      }
      boolean custom = field.toLowerCase(Locale.ROOT).endsWith("__c");
      for (AccessSummary.FieldsAccess fields : summary.fieldsFunctions()) {
        boolean selects = switch (fields.kind()) {
          case ALL -> true;
          case CUSTOM -> custom;
          case STANDARD -> !custom;
        };
        boolean mayBeTheObject = !(fields.scope() instanceof AccessSummary.Scope.SObject(String name))
            || object.isEmpty() || name.equalsIgnoreCase(object);
        if (selects && mayBeTheObject) {
          return Optional.of("FIELDS(" + fields.kind() + ") would read " + denied + ", a denied field");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why the query may not run under {@code redacted}, or empty when it may. Redaction removes values
   * from the answer; a query could still learn them by filtering, sorting, grouping or aggregating
   * on the field, or by wrapping it in a function whose result comes back under another key. So a
   * redacted field (matched by name in any path, as for {@code deny_fields}) may appear only as a
   * bare field in a SELECT list.
   */
  static Optional<String> redactedFieldMisuse(String soql, RedactedFields redacted) {
    Query query;
    try {
      query = SoqlParser.parse(soql);
    } catch (SoqlException e) {
      return Optional.of("the query could not be parsed");
    }
    for (AccessSummary.FieldAccess access : AccessSummary.of(query).fields()) {
      if (!redacted.redactsName(access.field())) {
        continue;
      }
      if (access.clause() != AccessSummary.Clause.SELECT) {
        return Optional.of("the query uses " + access.field() + ", a redacted field, in " + access.clause()
            + "; filtering, sorting or grouping on it would reveal what redaction hides");
      }
      if (!access.functions().isEmpty()) {
        return Optional.of("the query wraps " + access.field() + ", a redacted field, in " + access.functions()
            + "; only the bare field may be selected (its value is then redacted)");
      }
    }
    return Optional.empty();
  }

  /** The text items of a list obligation value ({@code [A.b, C.d]} or a single string). */
  static List<String> texts(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        out.add(String.valueOf(item));
      }
    } else {
      out.add(String.valueOf(value));
    }
    return out;
  }
}
