package dev.portcullis.ledger;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict I-JSON reader: RFC 8259 grammar with the RFC 7493 restrictions (UTF-8 only, no byte
 * order mark, no duplicate member names, no lone surrogates, numbers within IEEE 754 double
 * precision). Every refusal is a {@link LedgerErrorCode#MALFORMED_JSON} naming the offset (in
 * UTF-16 code units of the decoded text, which equals the byte offset for ASCII input).
 */
final class JsonReader {

  private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  private final String text;
  private int position;

  private JsonReader(String text) {
    this.text = text;
  }

  static Object read(byte[] utf8) {
    JsonReader reader = new JsonReader(decode(utf8));
    reader.skipWhitespace();
    Object value = reader.value(0);
    reader.skipWhitespace();
    if (reader.position != reader.text.length()) {
      throw reader.error("unexpected " + reader.describeNext() + " after the JSON value");
    }
    return value;
  }

  private static String decode(byte[] utf8) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new LedgerException(
          LedgerErrorCode.MALFORMED_JSON,
          "JSON is not valid UTF-8: bad byte sequence at byte " + in.position());
    }
    decoder.flush(out);
    String text = out.flip().toString();
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      throw new LedgerException(
          LedgerErrorCode.MALFORMED_JSON, "JSON starts with a byte order mark (RFC 8259 §8.1)");
    }
    return text;
  }

  private Object value(int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      throw error("objects and arrays nest deeper than " + CanonicalJson.MAX_DEPTH + " levels");
    }
    if (position >= text.length()) {
      throw error("the JSON text ends where a value was expected");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("expected a value, found " + describeNext());
      }
    };
  }

  private Object object(int depth) {
    int start = position;
    position++; // {
    TreeMap<String, Object> members = new TreeMap<>();
    skipWhitespace();
    if (peek() == '}') {
      position++;
      return Collections.unmodifiableSortedMap(members);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a member name in the object that starts at offset " + start
            + ", found " + describeNext());
      }
      int nameAt = position;
      String name = string();
      if (members.containsKey(name)) {
        position = nameAt;
        throw error("duplicate member name \"" + printable(name) + "\" (I-JSON, RFC 7493 §2.3)");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      members.put(name, value(depth + 1));
      skipWhitespace();
      char next = peek();
      position++;
      if (next == '}') {
        return Collections.unmodifiableSortedMap(members);
      }
      if (next != ',') {
        position--;
        throw error("expected ',' or '}' in the object that starts at offset " + start
            + ", found " + describeNext());
      }
    }
  }

  private Object array(int depth) {
    int start = position;
    position++; // [
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      position++;
      return Collections.unmodifiableList(elements);
    }
    while (true) {
      skipWhitespace();
      elements.add(value(depth + 1));
      skipWhitespace();
      char next = peek();
      position++;
      if (next == ']') {
        return Collections.unmodifiableList(elements);
      }
      if (next != ',') {
        position--;
        throw error("expected ',' or ']' in the array that starts at offset " + start
            + ", found " + describeNext());
      }
    }
  }

  private String string() {
    int start = position;
    position++; // "
    StringBuilder out = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        position = start;
        throw error("unterminated string");
      }
      char c = text.charAt(position);
      if (c == '"') {
        position++;
        break;
      }
      if (c < 0x20) {
        throw error("unescaped control character U+" + CanonicalJson.hex4(c) + " in a string");
      }
      if (c == '\\') {
        out.append(escape());
        continue;
      }
      out.append(c);
      position++;
    }
    String value = out.toString();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(++i))
              : !Character.isLowSurrogate(c);
      if (!paired) {
        position = start;
        throw error("the string holds a lone surrogate (I-JSON, RFC 7493 §2.1)");
      }
    }
    return value;
  }

  private char escape() {
    int at = position;
    position++; // backslash
    if (position >= text.length()) {
      position = at;
      throw error("unterminated escape sequence");
    }
    char c = text.charAt(position++);
    return switch (c) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '/' -> '/';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        if (position + 4 > text.length()) {
          position = at;
          throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(text.charAt(position + i), 16);
          if (digit < 0 || text.charAt(position + i) > 'f') {
            position = at;
            throw error("bad \\u escape: four hexadecimal digits expected");
          }
          code = code * 16 + digit;
        }
        position += 4;
        yield (char) code;
      }
      default -> {
        position = at;
        throw error("bad escape sequence \\" + printable(String.valueOf(c)));
      }
    };
  }

  private Object number() {
    int start = position;
    int end = position;
    while (end < text.length() && "+-.eE0123456789".indexOf(text.charAt(end)) >= 0) {
      end++;
    }
    String literal = text.substring(start, end);
    if (!NUMBER.matcher(literal).matches()) {
      throw error("malformed number '" + printable(literal) + "' (RFC 8259 §6)");
    }
    double value = Double.parseDouble(literal);
    if (!Double.isFinite(value)) {
      throw error("the number " + literal + " is beyond IEEE 754 double range (I-JSON, RFC 7493 §2.2)");
    }
    position = end;
    if (value == Math.rint(value) && Math.abs(value) <= CanonicalJson.MAX_SAFE_INTEGER) {
      return (long) value;
    }
    return value;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, position)) {
      throw error("expected a value, found " + describeNext());
    }
    position += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "', found " + describeNext());
    }
    position++;
  }

  private char peek() {
    if (position >= text.length()) {
      throw error("the JSON text ends too early");
    }
    return text.charAt(position);
  }

  private void skipWhitespace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private String describeNext() {
    if (position >= text.length()) {
      return "the end of the text";
    }
    return "'" + printable(text.substring(position, Math.min(text.length(), position + 12))) + "'";
  }

  /** Control characters as escapes, so that a message never carries raw control bytes. */
  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        out.append("\\u").append(CanonicalJson.hex4(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private LedgerException error(String what) {
    return new LedgerException(LedgerErrorCode.MALFORMED_JSON, "JSON offset " + position + ": " + what);
  }
}
