package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.CategoryFilter;
import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.Expression;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.Function;
import dev.portcullis.salesforce.soql.Query.GroupBy;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import dev.portcullis.salesforce.soql.Query.When;
import dev.portcullis.salesforce.soql.Query.With;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders a {@link Query} as SOQL text that {@link SoqlParser} parses back to an equal query.
 *
 * <p>Design note: the AST has no node for parentheses, so the renderer adds them where the
 * grammar needs them: around an AND or OR that is an operand of another AND or OR, and around
 * the operand of NOT unless it is a simple condition. A {@link Style} decides keyword case,
 * whitespace and which of several equivalent escapes to write; the property tests plug in a
 * random style to check that the parser accepts every spelling.
 */
final class SoqlRenderer {
  /** Spelling choices that do not change the meaning of the query. */
  interface Style {
    /** A keyword as written, e.g. {@code select} for {@code SELECT}. */
    default String keyword(String upperCase) {
      return upperCase;
    }

    /** Mandatory whitespace between words. */
    default String space() {
      return " ";
    }

    /** Optional whitespace that the canonical text leaves out, e.g. inside parentheses. */
    default String gap() {
      return "";
    }

    /** Optional whitespace that the canonical text writes, e.g. after a comma. */
    default String optionalSpace() {
      return " ";
    }

    /** How to write character {@code c} inside a string literal; {@code canonical} is the default. */
    default String escape(char c, String canonical) {
      return canonical;
    }

    /** Whether to write ASC for an ascending ORDER BY item. */
    default boolean explicitAscending() {
      return false;
    }
  }

  static final Style CANONICAL = new Style() {};

  private final Style style;
  private final StringBuilder out = new StringBuilder();

  SoqlRenderer(Style style) {
    this.style = style;
  }

  /** Appends raw text (names, punctuation). */
  void append(String text) {
    out.append(text);
  }

  @Override
  public String toString() {
    return out.toString();
  }

  static String render(Query query) {
    return render(query, CANONICAL);
  }

  static String render(Query query, Style style) {
    SoqlRenderer renderer = new SoqlRenderer(style);
    renderer.query(query);
    return renderer.out.toString();
  }

  void keyword(String keyword) {
    out.append(style.keyword(keyword));
  }

  void space() {
    out.append(style.space());
  }

  void gap() {
    out.append(style.gap());
  }

  void query(Query q) {
    keyword("SELECT");
    space();
    List<SelectItem> items = q.select();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        gap();
        out.append(',');
        out.append(style.optionalSpace());
      }
      selectItem(items.get(i));
    }
    space();
    keyword("FROM");
    space();
    out.append(q.from());
    q.fromAlias().ifPresent(alias -> {
      space();
      out.append(alias);
    });
    q.usingScope().ifPresent(scope -> {
      space();
      keyword("USING");
      space();
      keyword("SCOPE");
      space();
      out.append(scope);
    });
    q.where().ifPresent(condition -> {
      space();
      keyword("WHERE");
      space();
      condition(condition);
    });
    q.with().ifPresent(this::with);
    q.groupBy().ifPresent(this::groupBy);
    q.having().ifPresent(condition -> {
      space();
      keyword("HAVING");
      space();
      condition(condition);
    });
    if (!q.orderBy().isEmpty()) {
      space();
      keyword("ORDER");
      space();
      keyword("BY");
      space();
      for (int i = 0; i < q.orderBy().size(); i++) {
        if (i > 0) {
          comma();
        }
        orderBy(q.orderBy().get(i));
      }
    }
    q.limit().ifPresent(n -> {
      space();
      keyword("LIMIT");
      space();
      out.append(n);
    });
    q.offset().ifPresent(n -> {
      space();
      keyword("OFFSET");
      space();
      out.append(n);
    });
    q.forClause().ifPresent(f -> {
      space();
      keyword("FOR");
      space();
      keyword(f.name());
    });
    q.updateClause().ifPresent(u -> {
      space();
      keyword("UPDATE");
      space();
      keyword(u.name());
    });
  }

  void comma() {
    gap();
    out.append(',');
    out.append(style.optionalSpace());
  }

  void with(With with) {
    space();
    keyword("WITH");
    space();
    switch (with) {
      case With.SecurityEnforced() -> keyword("SECURITY_ENFORCED");
      case With.UserMode() -> keyword("USER_MODE");
      case With.SystemMode() -> keyword("SYSTEM_MODE");
      case With.DataCategory(List<CategoryFilter> filters) -> {
        keyword("DATA");
        space();
        keyword("CATEGORY");
        for (int i = 0; i < filters.size(); i++) {
          CategoryFilter filter = filters.get(i);
          space();
          if (i > 0) {
            keyword("AND");
            space();
          }
          out.append(filter.group());
          space();
          keyword(filter.operator().name());
          space();
          if (filter.categories().size() == 1) {
            out.append(filter.categories().get(0));
          } else {
            out.append('(');
            gap();
            for (int j = 0; j < filter.categories().size(); j++) {
              if (j > 0) {
                comma();
              }
              out.append(filter.categories().get(j));
            }
            gap();
            out.append(')');
          }
        }
      }
    }
  }

  private void groupBy(GroupBy groupBy) {
    space();
    keyword("GROUP");
    space();
    keyword("BY");
    space();
    boolean wrapped = groupBy.grouping() != Query.Grouping.PLAIN;
    if (wrapped) {
      keyword(groupBy.grouping().name());
      out.append('(');
      gap();
    }
    for (int i = 0; i < groupBy.items().size(); i++) {
      if (i > 0) {
        comma();
      }
      expression(groupBy.items().get(i));
    }
    if (wrapped) {
      gap();
      out.append(')');
    }
  }

  void selectItem(SelectItem item) {
    switch (item) {
      case SelectItem.Field(FieldPath path, Optional<String> alias) -> {
        path(path);
        alias(alias);
      }
      case SelectItem.Count() -> {
        keyword("COUNT");
        out.append('(');
        gap();
        out.append(')');
      }
      case SelectItem.FunctionCall(Function function, Optional<String> alias) -> {
        function(function);
        alias(alias);
      }
      case SelectItem.SubQuery(Query query) -> {
        out.append('(');
        gap();
        query(query);
        gap();
        out.append(')');
      }
      case SelectItem.Fields(Query.FieldsKind kind) -> {
        keyword("FIELDS");
        out.append('(');
        gap();
        keyword(kind.name());
        gap();
        out.append(')');
      }
      case SelectItem.TypeOf(FieldPath field, List<When> whens, List<FieldPath> elseFields) -> {
        keyword("TYPEOF");
        space();
        path(field);
        for (When when : whens) {
          space();
          keyword("WHEN");
          space();
          out.append(when.type());
          space();
          keyword("THEN");
          space();
          paths(when.fields());
        }
        if (!elseFields.isEmpty()) {
          space();
          keyword("ELSE");
          space();
          paths(elseFields);
        }
        space();
        keyword("END");
      }
    }
  }

  private void paths(List<FieldPath> paths) {
    for (int i = 0; i < paths.size(); i++) {
      if (i > 0) {
        comma();
      }
      path(paths.get(i));
    }
  }

  private void alias(Optional<String> alias) {
    alias.ifPresent(a -> {
      space();
      out.append(a);
    });
  }

  private void expression(Expression expression) {
    switch (expression) {
      case FieldPath path -> path(path);
      case Function function -> function(function);
      case Value value -> value(value);
    }
  }

  private void function(Function function) {
    keyword(function.name().spelling());
    out.append('(');
    gap();
    for (int i = 0; i < function.arguments().size(); i++) {
      if (i > 0) {
        comma();
      }
      expression(function.arguments().get(i));
    }
    gap();
    out.append(')');
  }

  private void path(FieldPath path) {
    out.append(String.join(".", path.segments()));
  }

  void orderBy(OrderBy item) {
    expression(item.field());
    if (!item.ascending()) {
      space();
      keyword("DESC");
    } else if (style.explicitAscending()) {
      space();
      keyword("ASC");
    }
    switch (item.nulls()) {
      case DEFAULT -> {}
      case FIRST -> {
        space();
        keyword("NULLS");
        space();
        keyword("FIRST");
      }
      case LAST -> {
        space();
        keyword("NULLS");
        space();
        keyword("LAST");
      }
    }
  }

  void condition(Condition condition) {
    switch (condition) {
      case Condition.And(List<Condition> operands) -> junction("AND", operands);
      case Condition.Or(List<Condition> operands) -> junction("OR", operands);
      case Condition.Not(Condition operand) -> {
        keyword("NOT");
        space();
        if (isSimple(operand)) {
          condition(operand);
        } else {
          parenthesized(operand);
        }
      }
      case Condition.Comparison(Expression field, Query.Operator operator, Value value) -> {
        expression(field);
        out.append(style.optionalSpace());
        out.append(operator.symbol());
        out.append(style.optionalSpace());
        value(value);
      }
      case Condition.Like(FieldPath field, String pattern) -> {
        path(field);
        space();
        keyword("LIKE");
        space();
        likePattern(pattern);
      }
      case Condition.In(Expression field, boolean negated, List<Value> values) -> {
        expression(field);
        space();
        notIn(negated);
        out.append('(');
        gap();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            comma();
          }
          value(values.get(i));
        }
        gap();
        out.append(')');
      }
      case Condition.SemiJoin(FieldPath field, boolean negated, Query query) -> {
        path(field);
        space();
        notIn(negated);
        out.append('(');
        gap();
        query(query);
        gap();
        out.append(')');
      }
      case Condition.Includes(FieldPath field, boolean excludes, List<String> values) -> {
        path(field);
        space();
        keyword(excludes ? "EXCLUDES" : "INCLUDES");
        out.append(style.optionalSpace());
        out.append('(');
        gap();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            comma();
          }
          value(new Value.Text(values.get(i)));
        }
        gap();
        out.append(')');
      }
    }
  }

  private void notIn(boolean negated) {
    if (negated) {
      keyword("NOT");
      space();
    }
    keyword("IN");
    out.append(style.optionalSpace());
  }

  private static boolean isSimple(Condition condition) {
    return condition instanceof Condition.Comparison
        || condition instanceof Condition.Like
        || condition instanceof Condition.In
        || condition instanceof Condition.SemiJoin
        || condition instanceof Condition.Includes;
  }

  private void junction(String keyword, List<Condition> operands) {
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        space();
        keyword(keyword);
        space();
      }
      Condition operand = operands.get(i);
      if (operand instanceof Condition.And || operand instanceof Condition.Or) {
        parenthesized(operand);
      } else {
        condition(operand);
      }
    }
  }

  private void parenthesized(Condition condition) {
    out.append('(');
    gap();
    condition(condition);
    gap();
    out.append(')');
  }

  void value(Value value) {
    switch (value) {
      case Value.Text(String text) -> {
        out.append('\'');
        for (int i = 0; i < text.length(); i++) {
          textChar(text.charAt(i));
        }
        out.append('\'');
      }
      case Value.Number(java.math.BigDecimal number) -> out.append(number.toPlainString());
      case Value.Bool(boolean b) -> keyword(b ? "TRUE" : "FALSE");
      case Value.Null() -> keyword("NULL");
      case Value.Date(LocalDate date) -> out.append(date(date));
      case Value.DateTime(OffsetDateTime dateTime) -> out.append(dateTime(dateTime));
      case Value.RelativeDate(String name, java.util.OptionalInt n) -> {
        keyword(name);
        n.ifPresent(count -> out.append(':').append(count));
      }
    }
  }

  /** Writes a LIKE pattern: {@code \%}, {@code \_} and {@code \\} pass through as written. */
  private void likePattern(String pattern) {
    out.append('\'');
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.append('\\').append(pattern.charAt(++i));
      } else if (c == '%' || c == '_') {
        out.append(c);
      } else {
        textChar(c);
      }
    }
    out.append('\'');
  }

  private void textChar(char c) {
    String canonical =
        switch (c) {
          case '\\' -> "\\\\";
          case '\'' -> "\\'";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          default ->
              c < 0x20 || c == 0x7f || Character.isSurrogate(c)
                  ? String.format(Locale.ROOT, "\\u%04x", (int) c)
                  : String.valueOf(c);
        };
    out.append(style.escape(c, canonical));
  }

  static String date(LocalDate date) {
    return String.format(Locale.ROOT, "%04d-%02d-%02d", date.getYear(), date.getMonthValue(),
        date.getDayOfMonth());
  }

  static String dateTime(OffsetDateTime dateTime) {
    StringBuilder s = new StringBuilder(date(dateTime.toLocalDate()));
    s.append(String.format(Locale.ROOT, "T%02d:%02d:%02d", dateTime.getHour(), dateTime.getMinute(),
        dateTime.getSecond()));
    int nanos = dateTime.getNano();
    if (nanos != 0) {
      String fraction = String.format(Locale.ROOT, "%09d", nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      s.append('.').append(fraction, 0, end);
    }
    ZoneOffset offset = dateTime.getOffset();
    if (offset.getTotalSeconds() == 0) {
      s.append('Z');
    } else {
      int total = Math.abs(offset.getTotalSeconds());
      s.append(offset.getTotalSeconds() < 0 ? '-' : '+');
      s.append(String.format(Locale.ROOT, "%02d:%02d", total / 3600, total / 60 % 60));
    }
    return s.toString();
  }
}
