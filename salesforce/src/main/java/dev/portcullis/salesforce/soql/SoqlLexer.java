package dev.portcullis.salesforce.soql;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SOQL statement into {@link Token}s.
 *
 * <p>Design note: the lexer is a single left-to-right pass with no backtracking and no regular
 * expressions, so its cost is linear in the input and it cannot overflow the stack. It knows
 * nothing about grammar: it produces identifiers (keywords are identifiers that the parser
 * compares case-insensitively), string literals (kept raw, see {@link #decodeText} and
 * {@link #decodeLikePattern}, because the meaning of {@code \%} depends on whether the string is
 * a LIKE pattern), numbers, date and dateTime literals, and punctuation. Date and dateTime
 * literals are validated here (2026-02-30 is rejected), so no {@link DateTimeException} reaches
 * the caller.
 *
 * <p>Escapes follow Salesforce, SOQL and SOSL Reference, "Quoted String Escape Sequences"
 * (sforce_api_calls_soql_select_quotedstringescapes.htm): {@code \n \r \t \b \f} (either case),
 * {@code \" \' \\}, &#92;uXXXX, and in LIKE patterns only {@code \% \_}. Any other backslash
 * sequence is an error. The reference calls {@code \b} "Bell"; we follow the Java meaning
 * (U+0008, backspace), which is what the translated editions of the same page say.
 */
final class SoqlLexer {
  /** Token kinds. Keywords are {@link #IDENTIFIER}s. */
  enum Kind {
    IDENTIFIER,
    STRING,
    NUMBER,
    DATE,
    DATE_TIME,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    DOT,
    COLON,
    OPERATOR,
    END
  }

  /**
   * One token. {@code text} is the source text ({@code <EOF>} for {@link Kind#END}); {@code
   * value} is the raw string content for STRING, a BigDecimal for NUMBER, a LocalDate for DATE,
   * an OffsetDateTime for DATE_TIME, otherwise null.
   */
  record Token(Kind kind, String text, Object value, int start, int end) {
    boolean isKeyword(String keyword) {
      return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(keyword);
    }

    boolean is(Kind k) {
      return kind == k;
    }

    /** The token text for an error message, shortened if long. */
    String display() {
      return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
  }

  private final String input;
  private int pos;

  private SoqlLexer(String input) {
    this.input = input;
  }

  /** Tokenizes {@code input}; the last token is always {@link Kind#END}. */
  static List<Token> tokenize(String input) {
    return new SoqlLexer(input).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespace();
      if (pos >= input.length()) {
        tokens.add(new Token(Kind.END, "<EOF>", null, pos, pos));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipWhitespace() {
    while (pos < input.length() && isWhitespace(input.charAt(pos))) {
      pos++;
    }
  }

  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  private Token next() {
    int start = pos;
    char c = input.charAt(pos);
    if (isLetter(c)) {
      while (pos < input.length() && isIdentifierPart(input.charAt(pos))) {
        pos++;
      }
      return token(Kind.IDENTIFIER, start, null);
    }
    if (isDigit(c)) {
      if (looksLikeDate(pos)) {
        return dateOrDateTime();
      }
      return number();
    }
    if ((c == '-' || c == '+') && pos + 1 < input.length() && isDigit(input.charAt(pos + 1))) {
      return number();
    }
    switch (c) {
      case '\'':
        return string();
      case '(':
        pos++;
        return token(Kind.LEFT_PAREN, start, null);
      case ')':
        pos++;
        return token(Kind.RIGHT_PAREN, start, null);
      case ',':
        pos++;
        return token(Kind.COMMA, start, null);
      case '.':
        pos++;
        return token(Kind.DOT, start, null);
      case ':':
        pos++;
        return token(Kind.COLON, start, null);
      case '=':
        pos++;
        return token(Kind.OPERATOR, start, null);
      case '!':
        if (peekIs(pos + 1, '=')) {
          pos += 2;
          return token(Kind.OPERATOR, start, null);
        }
        break;
      case '<':
        pos += peekIs(pos + 1, '=') || peekIs(pos + 1, '>') ? 2 : 1;
        return token(Kind.OPERATOR, start, null);
      case '>':
        pos += peekIs(pos + 1, '=') ? 2 : 1;
        return token(Kind.OPERATOR, start, null);
      default:
        break;
    }
    throw new SoqlException(
        "unexpected token: '" + new String(Character.toChars(input.codePointAt(pos))) + "'", pos);
  }

  private boolean peekIs(int at, char c) {
    return at < input.length() && input.charAt(at) == c;
  }

  private Token token(Kind kind, int start, Object value) {
    return new Token(kind, input.substring(start, pos), value, start, pos);
  }

  private Token number() {
    int start = pos;
    if (input.charAt(pos) == '-' || input.charAt(pos) == '+') {
      pos++;
    }
    while (pos < input.length() && isDigit(input.charAt(pos))) {
      pos++;
    }
    if (peekIs(pos, '.') && pos + 1 < input.length() && isDigit(input.charAt(pos + 1))) {
      pos++;
      while (pos < input.length() && isDigit(input.charAt(pos))) {
        pos++;
      }
    }
    if (pos < input.length() && isIdentifierPart(input.charAt(pos))) {
      throw new SoqlException(
          "invalid number: '" + shorten(input.substring(start, Math.min(input.length(), pos + 1)))
              + "'",
          start);
    }
    String text = input.substring(start, pos);
    return new Token(Kind.NUMBER, text, new BigDecimal(text), start, pos);
  }

  /** YYYY-MM-DD at {@code at}. */
  private boolean looksLikeDate(int at) {
    return digits(at, 4) && peekIs(at + 4, '-') && digits(at + 5, 2) && peekIs(at + 7, '-')
        && digits(at + 8, 2);
  }

  private boolean digits(int at, int count) {
    if (at + count > input.length()) {
      return false;
    }
    for (int i = at; i < at + count; i++) {
      if (!isDigit(input.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private int number(int at, int count) {
    return Integer.parseInt(input, at, at + count, 10);
  }

  /**
   * YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm) (SOQL and SOSL Reference, "Date
   * Formats and Date Literals in WHERE").
   */
  private Token dateOrDateTime() {
    int start = pos;
    int year = number(pos, 4);
    int month = number(pos + 5, 2);
    int day = number(pos + 8, 2);
    pos += 10;
    try {
      LocalDate date = LocalDate.of(year, month, day);
      if (!peekIs(pos, 'T') && !peekIs(pos, 't')) {
        requireLiteralEnd(start, "date");
        return token(Kind.DATE, start, date);
      }
      pos++;
      if (!(digits(pos, 2) && peekIs(pos + 2, ':') && digits(pos + 3, 2) && peekIs(pos + 5, ':')
          && digits(pos + 6, 2))) {
        throw invalidLiteral(start, "dateTime");
      }
      int hour = number(pos, 2);
      int minute = number(pos + 3, 2);
      int second = number(pos + 6, 2);
      pos += 8;
      int nanos = 0;
      if (peekIs(pos, '.')) {
        pos++;
        int fractionStart = pos;
        while (pos < input.length() && isDigit(input.charAt(pos))) {
          pos++;
        }
        int length = pos - fractionStart;
        if (length == 0 || length > 9) {
          throw invalidLiteral(start, "dateTime");
        }
        nanos = number(fractionStart, length);
        for (int i = length; i < 9; i++) {
          nanos *= 10;
        }
      }
      ZoneOffset offset;
      if (peekIs(pos, 'Z') || peekIs(pos, 'z')) {
        pos++;
        offset = ZoneOffset.UTC;
      } else if ((peekIs(pos, '+') || peekIs(pos, '-')) && digits(pos + 1, 2)
          && peekIs(pos + 3, ':') && digits(pos + 4, 2)) {
        int sign = input.charAt(pos) == '-' ? -1 : 1;
        int hours = number(pos + 1, 2);
        int minutes = number(pos + 4, 2);
        pos += 6;
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      } else {
        throw invalidLiteral(start, "dateTime");
      }
      requireLiteralEnd(start, "dateTime");
      LocalTime time = LocalTime.of(hour, minute, second, nanos);
      return token(Kind.DATE_TIME, start, OffsetDateTime.of(date, time, offset));
    } catch (DateTimeException e) {
      throw invalidLiteral(start, "date");
    }
  }

  private void requireLiteralEnd(int start, String what) {
    if (pos < input.length()
        && (isIdentifierPart(input.charAt(pos)) || input.charAt(pos) == ':'
            || input.charAt(pos) == '.' || input.charAt(pos) == '+' || input.charAt(pos) == '-')) {
      throw invalidLiteral(start, what);
    }
  }

  private SoqlException invalidLiteral(int start, String what) {
    int end = start;
    while (end < input.length() && end - start < 40
        && (isIdentifierPart(input.charAt(end)) || "-:.+".indexOf(input.charAt(end)) >= 0)) {
      end++;
    }
    return new SoqlException("invalid " + what + " literal: '" + input.substring(start, end) + "'",
        start);
  }

  private Token string() {
    int start = pos;
    pos++;
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == '\'') {
        pos++;
        return token(Kind.STRING, start, input.substring(start + 1, pos - 1));
      }
      if (c == '\\') {
        if (pos + 1 >= input.length()) {
          break;
        }
        char e = input.charAt(pos + 1);
        if (e == 'u') {
          if (!hexDigits(pos + 2, 4)) {
            throw new SoqlException("invalid escape sequence '"
                + input.substring(pos, Math.min(input.length(), pos + 6))
                + "' in string literal: expected \\u and four hexadecimal digits", pos);
          }
          pos += 6;
          continue;
        }
        if ("nNrRtTbBfF\"'\\%_".indexOf(e) < 0) {
          throw new SoqlException("invalid escape sequence '\\"
              + new String(Character.toChars(input.codePointAt(pos + 1)))
              + "' in string literal", pos);
        }
        pos += 2;
        continue;
      }
      pos++;
    }
    throw new SoqlException("unterminated string literal", start);
  }

  private boolean hexDigits(int at, int count) {
    if (at + count > input.length()) {
      return false;
    }
    for (int i = at; i < at + count; i++) {
      char c = input.charAt(i);
      if (!(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes the raw content of a string literal that is a value (not a LIKE pattern). {@code
   * start} is the offset of the opening quote, for error positions.
   */
  static String decodeText(String raw, int start) {
    return decode(raw, start, false);
  }

  /**
   * Decodes the raw content of a LIKE pattern into the pattern language of {@link
   * Query.Condition.Like}: every escape is decoded except {@code \%}, {@code \_} and {@code \\},
   * which stay as two characters so that wildcards and literal characters remain distinct. A
   * Unicode escape for {@code %}, {@code _} or a backslash is taken as that literal character
   * (the reference does not say; this is the reading that never turns an escape into a
   * wildcard).
   */
  static String decodeLikePattern(String raw, int start) {
    return decode(raw, start, true);
  }

  private static String decode(String raw, int start, boolean like) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      switch (e) {
        case 'n', 'N' -> out.append('\n');
        case 'r', 'R' -> out.append('\r');
        case 't', 'T' -> out.append('\t');
        case 'b', 'B' -> out.append('\b');
        case 'f', 'F' -> out.append('\f');
        case '"' -> out.append('"');
        case '\'' -> out.append('\'');
        case '\\' -> out.append(like ? "\\\\" : "\\");
        case 'u' -> {
          char decoded = (char) Integer.parseInt(raw, i + 1, i + 5, 16);
          if (like && (decoded == '%' || decoded == '_' || decoded == '\\')) {
            out.append('\\'); // a character written as a Unicode escape is literal
          }
          out.append(decoded);
          i += 4;
        }
        case '%', '_' -> {
          if (!like) {
            throw new SoqlException("invalid escape sequence '\\" + e
                + "' in string literal: \\% and \\_ are allowed only in LIKE patterns",
                start + i);
          }
          out.append('\\').append(e);
        }
        default -> throw new IllegalStateException("lexer accepted escape \\" + e);
      }
    }
    return out.toString();
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isIdentifierPart(char c) {
    return isLetter(c) || isDigit(c) || c == '_';
  }
}
