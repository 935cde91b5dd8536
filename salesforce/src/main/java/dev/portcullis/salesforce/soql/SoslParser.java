package dev.portcullis.salesforce.soql;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.UpdateClause;
import dev.portcullis.salesforce.soql.Query.Value;
import dev.portcullis.salesforce.soql.Search.Returning;
import dev.portcullis.salesforce.soql.Search.SearchGroup;
import dev.portcullis.salesforce.soql.Search.SearchWith;
import dev.portcullis.salesforce.soql.SoqlLexer.Kind;
import dev.portcullis.salesforce.soql.SoqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses a SOSL search as the REST {@code /search?q=} resource receives it (SOQL and SOSL
 * Reference, "SOSL Syntax", sforce_api_calls_sosl_syntax.htm; "FIND {SearchQuery}",
 * sforce_api_calls_sosl_find.htm; "RETURNING FieldSpec", "WITH ...", "LIMIT n", "UPDATE ..."):
 *
 * <pre>
 * search    := FIND { term } [IN (ALL|NAME|EMAIL|PHONE|SIDEBAR) FIELDS]
 *              [RETURNING object [( item (, item)* [WHERE condition] [ORDER BY order (, order)*]
 *                                   [LIMIT int] [OFFSET int] )] (, object ...)*]
 *              (WITH with)* [LIMIT int] [UPDATE TRACKING | UPDATE VIEWSTAT]
 * item      := path | toLabel(path) | convertCurrency(path) | FORMAT(...)   -- as in SOQL
 * with      := DIVISION = 'name' | DATA CATEGORY ... | HIGHLIGHT | SNIPPET [(target_length = n)]
 *            | NETWORK = 'id' | NETWORK IN ('id', ...) | PricebookId = 'id' | METADATA = 'LABELS'
 *            | SPELL_CORRECTION = TRUE|FALSE | SECURITY_ENFORCED | USER_MODE | SYSTEM_MODE
 * </pre>
 *
 * <p>The term is kept as written. Inside it a backslash escapes the next character (the
 * reference's reserved characters {@code ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -}); an unescaped
 * {@code {} or a backslash at the end is an error, an unescaped {@code }} ends the term. The
 * Apex form {@code FIND 'term'} is refused: the API takes braces.
 *
 * <p>Design note: the clauses after the term use SOQL's tokens and sub-grammars (conditions,
 * ORDER BY, functions, DATA CATEGORY), so this parser masks the term with spaces, tokenizes the
 * whole text with {@link SoqlLexer} (positions stay those of the input) and reuses {@link
 * SoqlParser}'s productions. The same bounds hold: at most {@value SoqlParser#MAX_LENGTH}
 * characters, bounded nesting, only {@link SoqlException} escapes.
 */
public final class SoslParser {
  private final SoqlParser parser;

  private SoslParser(SoqlParser parser) {
    this.parser = parser;
  }

  /**
   * Parses {@code sosl}.
   *
   * @throws SoqlException when the search is malformed or outside the supported language
   * @throws NullPointerException when {@code sosl} is null
   */
  public static Search parse(String sosl) {
    Objects.requireNonNull(sosl, "sosl");
    if (sosl.length() > SoqlParser.MAX_LENGTH) {
      throw new SoqlException("SOSL statement is " + sosl.length()
          + " characters long; the maximum is " + SoqlParser.MAX_LENGTH, SoqlParser.MAX_LENGTH);
    }
    int at = 0;
    while (at < sosl.length() && SoqlLexer.isWhitespace(sosl.charAt(at))) {
      at++;
    }
    if (!sosl.regionMatches(true, at, "FIND", 0, 4)
        || (at + 4 < sosl.length() && SoqlLexer.isIdentifierPart(sosl.charAt(at + 4)))) {
      throw new SoqlException("a SOSL search starts with FIND", at);
    }
    at += 4;
    while (at < sosl.length() && SoqlLexer.isWhitespace(sosl.charAt(at))) {
      at++;
    }
    if (at < sosl.length() && sosl.charAt(at) == '\'') {
      throw new SoqlException(
          "FIND 'term' is the Apex form; the API takes the search term in braces: FIND {term}", at);
    }
    if (at >= sosl.length() || sosl.charAt(at) != '{') {
      throw new SoqlException("expected '{' and the search term after FIND", at);
    }
    int open = at;
    int close = -1;
    for (int i = open + 1; i < sosl.length(); i++) {
      char c = sosl.charAt(i);
      if (c == '\\') {
        if (i + 1 >= sosl.length()) {
          break;
        }
        i++;
      } else if (c == '{') {
        throw new SoqlException("unescaped '{' in the search term (write \\{)", i);
      } else if (c == '}') {
        close = i;
        break;
      }
    }
    if (close < 0) {
      throw new SoqlException("unterminated search term: expected '}'", open);
    }
    String term = sosl.substring(open + 1, close);
    if (term.isBlank()) {
      throw new SoqlException("the search term is empty", open);
    }
    String masked = " ".repeat(close + 1) + sosl.substring(close + 1);
    SoslParser sosl2 = new SoslParser(new SoqlParser(SoqlLexer.tokenize(masked)));
    return sosl2.rest(term);
  }

  private Search rest(String term) {
    Optional<SearchGroup> in = Optional.empty();
    if (parser.peek().isKeyword("IN")) {
      parser.advance();
      Token group = parser.advance();
      SearchGroup found = null;
      for (SearchGroup g : SearchGroup.values()) {
        if (group.isKeyword(g.name())) {
          found = g;
        }
      }
      if (found == null) {
        throw new SoqlException("unexpected token: '" + group.display()
            + "' (expected ALL, NAME, EMAIL, PHONE or SIDEBAR FIELDS)", group.start());
      }
      parser.expectKeyword("FIELDS");
      in = Optional.of(found);
    }
    List<Returning> returning = new ArrayList<>();
    if (parser.peek().isKeyword("RETURNING")) {
      parser.advance();
      while (true) {
        returning.add(returning());
        if (!parser.peek().is(Kind.COMMA)) {
          break;
        }
        parser.advance();
      }
    }
    List<SearchWith> with = new ArrayList<>();
    while (parser.peek().isKeyword("WITH")) {
      parser.advance();
      with.add(with());
    }
    OptionalInt limit = OptionalInt.empty();
    if (parser.peek().isKeyword("LIMIT")) {
      parser.advance();
      limit = OptionalInt.of(parser.nonNegativeInt("LIMIT"));
    }
    Optional<UpdateClause> update = Optional.empty();
    if (parser.peek().isKeyword("UPDATE")
        && (parser.peek(1).isKeyword("TRACKING") || parser.peek(1).isKeyword("VIEWSTAT"))) {
      parser.advance();
      update = Optional.of(UpdateClause.valueOf(SoqlParser.upper(parser.advance())));
    }
    Token end = parser.peek();
    if (!end.is(Kind.END)) {
      if (end.is(Kind.COLON)) {
        throw SoqlParser.bindVariable(end);
      }
      throw new SoqlException("unexpected token: '" + end.display() + "' (SOSL clauses come in"
          + " the order FIND, IN, RETURNING, WITH, LIMIT, UPDATE)", end.start());
    }
    return new Search(term, in, returning, with, limit, update);
  }

  private Returning returning() {
    Token object = parser.expectName("an object name after RETURNING");
    List<SelectItem> fields = new ArrayList<>();
    Optional<Condition> where = Optional.empty();
    List<OrderBy> orderBy = List.of();
    OptionalInt limit = OptionalInt.empty();
    OptionalInt offset = OptionalInt.empty();
    if (parser.peek().is(Kind.LEFT_PAREN)) {
      parser.advance();
      while (true) {
        Token t = parser.peek();
        if (t.is(Kind.IDENTIFIER) && parser.peek(1).is(Kind.LEFT_PAREN)) {
          fields.add(new SelectItem.FunctionCall(parser.function(SoqlParser.Clause.WHERE),
              Optional.empty()));
        } else {
          fields.add(new SelectItem.Field(parser.path("a field name")));
        }
        if (!parser.peek().is(Kind.COMMA)) {
          break;
        }
        parser.advance();
      }
      if (parser.peek().isKeyword("WHERE")) {
        parser.advance();
        where = Optional.of(parser.condition(SoqlParser.Clause.WHERE, SoqlParser.Context.ROOT));
      }
      if (parser.peek().isKeyword("USING")) {
        throw new SoqlException("USING ListView in RETURNING is not supported",
            parser.peek().start());
      }
      if (parser.peek().isKeyword("ORDER")) {
        parser.advance();
        parser.expectKeyword("BY");
        orderBy = parser.orderByList();
      }
      if (parser.peek().isKeyword("LIMIT")) {
        parser.advance();
        limit = OptionalInt.of(parser.nonNegativeInt("LIMIT"));
      }
      if (parser.peek().isKeyword("OFFSET")) {
        parser.advance();
        offset = OptionalInt.of(parser.nonNegativeInt("OFFSET"));
      }
      Token close = parser.advance();
      if (!close.is(Kind.RIGHT_PAREN)) {
        throw SoqlParser.unexpected(close);
      }
    }
    return new Returning(object.text(), fields, where, orderBy, limit, offset);
  }

  private SearchWith with() {
    Token t = parser.advance();
    if (t.is(Kind.IDENTIFIER)) {
      switch (SoqlParser.upper(t)) {
        case "DIVISION":
          return new SearchWith.Division(equalsString());
        case "DATA":
          parser.expectKeyword("CATEGORY");
          return new SearchWith.DataCategory((Query.With.DataCategory) parser.dataCategory());
        case "HIGHLIGHT":
          return new SearchWith.Highlight();
        case "SNIPPET":
          if (parser.peek().is(Kind.LEFT_PAREN)) {
            parser.advance();
            parser.expectKeyword("target_length");
            expectEquals();
            int n = parser.nonNegativeInt("target_length");
            Token close = parser.advance();
            if (!close.is(Kind.RIGHT_PAREN)) {
              throw SoqlParser.unexpected(close);
            }
            return new SearchWith.Snippet(OptionalInt.of(n));
          }
          return new SearchWith.Snippet(OptionalInt.empty());
        case "NETWORK":
          if (parser.peek().isKeyword("IN")) {
            parser.advance();
            List<String> ids = new ArrayList<>();
            Token open = parser.advance();
            if (!open.is(Kind.LEFT_PAREN)) {
              throw SoqlParser.unexpected(open);
            }
            while (true) {
              ids.add(string());
              Token next = parser.advance();
              if (next.is(Kind.RIGHT_PAREN)) {
                return new SearchWith.Network(ids);
              }
              if (!next.is(Kind.COMMA)) {
                throw SoqlParser.unexpected(next);
              }
            }
          }
          return new SearchWith.Network(List.of(equalsString()));
        case "PRICEBOOKID":
          return new SearchWith.PricebookId(equalsString());
        case "METADATA":
          return new SearchWith.Metadata(equalsString());
        case "SPELL_CORRECTION": {
          expectEquals();
          Token b = parser.advance();
          if (!b.isKeyword("TRUE") && !b.isKeyword("FALSE")) {
            throw new SoqlException("SPELL_CORRECTION takes TRUE or FALSE", b.start());
          }
          return new SearchWith.SpellCorrection(b.isKeyword("TRUE"));
        }
        case "SECURITY_ENFORCED":
          return new SearchWith.Mode(new Query.With.SecurityEnforced());
        case "USER_MODE":
          return new SearchWith.Mode(new Query.With.UserMode());
        case "SYSTEM_MODE":
          return new SearchWith.Mode(new Query.With.SystemMode());
        default:
          break;
      }
    }
    throw new SoqlException("unsupported WITH clause '" + t.display() + "' in SOSL", t.start());
  }

  private void expectEquals() {
    Token eq = parser.advance();
    if (!eq.is(Kind.OPERATOR) || !eq.text().equals("=")) {
      throw new SoqlException("unexpected token: '" + eq.display() + "' (expected '=')", eq.start());
    }
  }

  private String equalsString() {
    expectEquals();
    return string();
  }

  private String string() {
    Token s = parser.peek();
    if (s.is(Kind.COLON)) {
      throw SoqlParser.bindVariable(s);
    }
    if (!s.is(Kind.STRING)) {
      throw new SoqlException("unexpected token: '" + s.display() + "' (expected a string literal)",
          s.start());
    }
    return ((Value.Text) parser.value()).value();
  }
}
