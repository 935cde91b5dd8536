package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.UpdateClause;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed SOSL search, as {@link SoslParser} accepts it (SOQL and SOSL Reference, "SOSL Syntax",
 * sforce_api_calls_sosl_syntax.htm). Names keep the case the search used.
 *
 * @param term the search term between the braces of {@code FIND {...}}, exactly as written
 *     (escapes kept: the term is Salesforce's search language, not a SOQL string)
 * @param in the IN clause, if any
 * @param returning the RETURNING objects, in order; empty when the search returns every
 *     searchable object
 * @param with the WITH clauses, in order
 * @param limit the overall LIMIT, if any
 * @param updateClause {@code UPDATE TRACKING} or {@code UPDATE VIEWSTAT}, if any
 */
public record Search(
    String term,
    Optional<SearchGroup> in,
    List<Returning> returning,
    List<SearchWith> with,
    OptionalInt limit,
    Optional<UpdateClause> updateClause) {

  public Search {
    Objects.requireNonNull(term, "term");
    Objects.requireNonNull(in, "in");
    returning = List.copyOf(returning);
    with = List.copyOf(with);
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(updateClause, "updateClause");
  }

  /** This search as SOSL text that {@link SoslParser#parse} turns back into an equal search. */
  public String toSosl() {
    return SoslRenderer.render(this, SoqlRenderer.CANONICAL);
  }

  /** The fields searched: {@code IN ALL FIELDS}, {@code IN NAME FIELDS}, ... */
  public enum SearchGroup {
    ALL,
    NAME,
    EMAIL,
    PHONE,
    SIDEBAR
  }

  /**
   * One object of RETURNING: {@code Account(Name, Industry WHERE ... ORDER BY ... LIMIT n OFFSET n)}.
   * {@code fields} holds {@link SelectItem.Field} and {@link SelectItem.FunctionCall} items
   * (toLabel, convertCurrency, FORMAT); empty when the object has no field list (only Id is
   * returned).
   */
  public record Returning(
      String object,
      List<SelectItem> fields,
      Optional<Condition> where,
      List<OrderBy> orderBy,
      OptionalInt limit,
      OptionalInt offset) {
    public Returning {
      Objects.requireNonNull(object, "object");
      fields = List.copyOf(fields);
      Objects.requireNonNull(where, "where");
      orderBy = List.copyOf(orderBy);
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(offset, "offset");
    }
  }

  /** A WITH clause of SOSL (SOQL and SOSL Reference, "WITH ..." pages of SOSL Syntax). */
  public sealed interface SearchWith {
    /** {@code WITH DIVISION = 'name'}. */
    record Division(String division) implements SearchWith {}

    /** {@code WITH DATA CATEGORY ...}. */
    record DataCategory(Query.With.DataCategory filters) implements SearchWith {}

    /** {@code WITH HIGHLIGHT}. */
    record Highlight() implements SearchWith {}

    /** {@code WITH SNIPPET} or {@code WITH SNIPPET (target_length=n)}. */
    record Snippet(OptionalInt targetLength) implements SearchWith {}

    /** {@code WITH NETWORK = 'id'} or {@code WITH NETWORK IN ('id', ...)}. */
    record Network(List<String> networkIds) implements SearchWith {
      public Network {
        networkIds = List.copyOf(networkIds);
      }
    }

    /** {@code WITH PricebookId = 'id'}. */
    record PricebookId(String pricebookId) implements SearchWith {}

    /** {@code WITH METADATA = 'LABELS'}. */
    record Metadata(String value) implements SearchWith {}

    /** {@code WITH SPELL_CORRECTION = TRUE|FALSE}. */
    record SpellCorrection(boolean enabled) implements SearchWith {}

    /** {@code WITH SECURITY_ENFORCED}, {@code WITH USER_MODE}, {@code WITH SYSTEM_MODE}. */
    record Mode(Query.With mode) implements SearchWith {}
  }
}
