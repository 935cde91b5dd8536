package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Search.Returning;
import dev.portcullis.salesforce.soql.Search.SearchWith;

/** Renders a {@link Search} as SOSL text that {@link SoslParser} parses back to an equal search. */
final class SoslRenderer {
  private SoslRenderer() {}

  static String render(Search search, SoqlRenderer.Style style) {
    SoqlRenderer r = new SoqlRenderer(style);
    r.keyword("FIND");
    r.space();
    r.append("{" + search.term() + "}");
    search.in().ifPresent(group -> {
      r.space();
      r.keyword("IN");
      r.space();
      r.keyword(group.name());
      r.space();
      r.keyword("FIELDS");
    });
    if (!search.returning().isEmpty()) {
      r.space();
      r.keyword("RETURNING");
      r.space();
      for (int i = 0; i < search.returning().size(); i++) {
        if (i > 0) {
          r.comma();
        }
        returning(r, search.returning().get(i));
      }
    }
    for (SearchWith with : search.with()) {
      with(r, with);
    }
    search.limit().ifPresent(n -> {
      r.space();
      r.keyword("LIMIT");
      r.space();
      r.append(String.valueOf(n));
    });
    search.updateClause().ifPresent(u -> {
      r.space();
      r.keyword("UPDATE");
      r.space();
      r.keyword(u.name());
    });
    return r.toString();
  }

  private static void returning(SoqlRenderer r, Returning returning) {
    r.append(returning.object());
    if (returning.fields().isEmpty()) {
      return;
    }
    r.append("(");
    r.gap();
    for (int i = 0; i < returning.fields().size(); i++) {
      if (i > 0) {
        r.comma();
      }
      SelectItem item = returning.fields().get(i);
      r.selectItem(item);
    }
    returning.where().ifPresent(c -> {
      r.space();
      r.keyword("WHERE");
      r.space();
      r.condition(c);
    });
    if (!returning.orderBy().isEmpty()) {
      r.space();
      r.keyword("ORDER");
      r.space();
      r.keyword("BY");
      r.space();
      for (int i = 0; i < returning.orderBy().size(); i++) {
        if (i > 0) {
          r.comma();
        }
        r.orderBy(returning.orderBy().get(i));
      }
    }
    returning.limit().ifPresent(n -> {
      r.space();
      r.keyword("LIMIT");
      r.space();
      r.append(String.valueOf(n));
    });
    returning.offset().ifPresent(n -> {
      r.space();
      r.keyword("OFFSET");
      r.space();
      r.append(String.valueOf(n));
    });
    r.gap();
    r.append(")");
  }

  private static void with(SoqlRenderer r, SearchWith with) {
    switch (with) {
      case SearchWith.DataCategory(Query.With.DataCategory filters) -> r.with(filters);
      case SearchWith.Mode(Query.With mode) -> r.with(mode);
      default -> {
        r.space();
        r.keyword("WITH");
        r.space();
        switch (with) {
          case SearchWith.Division(String division) -> {
            r.keyword("DIVISION");
            equalsText(r, division);
          }
          case SearchWith.Highlight() -> r.keyword("HIGHLIGHT");
          case SearchWith.Snippet(java.util.OptionalInt length) -> {
            r.keyword("SNIPPET");
            length.ifPresent(n -> {
              r.append("(");
              r.gap();
              r.append("target_length=" + n);
              r.gap();
              r.append(")");
            });
          }
          case SearchWith.Network(java.util.List<String> ids) -> {
            r.keyword("NETWORK");
            if (ids.size() == 1) {
              equalsText(r, ids.get(0));
            } else {
              r.space();
              r.keyword("IN");
              r.space();
              r.append("(");
              for (int i = 0; i < ids.size(); i++) {
                if (i > 0) {
                  r.comma();
                }
                r.value(new Query.Value.Text(ids.get(i)));
              }
              r.append(")");
            }
          }
          case SearchWith.PricebookId(String id) -> {
            r.append("PricebookId");
            equalsText(r, id);
          }
          case SearchWith.Metadata(String value) -> {
            r.keyword("METADATA");
            equalsText(r, value);
          }
          case SearchWith.SpellCorrection(boolean enabled) -> {
            r.keyword("SPELL_CORRECTION");
            r.append(" = ");
            r.keyword(enabled ? "TRUE" : "FALSE");
          }
          case SearchWith.DataCategory d -> throw new IllegalStateException("handled above");
          case SearchWith.Mode m -> throw new IllegalStateException("handled above");
        }
      }
    }
  }

  private static void equalsText(SoqlRenderer r, String text) {
    r.append(" = ");
    r.value(new Query.Value.Text(text));
  }
}
