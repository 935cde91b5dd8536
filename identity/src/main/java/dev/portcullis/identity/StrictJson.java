package dev.portcullis.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict JSON parse of a JOSE header or JWT claims set, done before anything in them is
 * trusted: exactly one JSON object (RFC 8259), no duplicate member names at any depth (RFC 7515
 * section 5.2 and RFC 7519 section 4 let a recipient reject them, and JSON parsers disagree on
 * which duplicate wins, so we must), no trailing content, bounded nesting. Integers become
 * {@link Long} (or {@link java.math.BigInteger} when larger), fractions {@link Double}; objects
 * and arrays come back unmodifiable, in document order; JSON {@code null} is Java {@code null}.
 *
 * <p>Failure messages never quote the input: they name the part and the position only.
 */
final class StrictJson {
  private static final int MAX_DEPTH = 16;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private StrictJson() {}

  /** Parses {@code utf8} as one JSON object; {@code part} ("header", "payload") names it in messages. */
  static Map<String, Object> parseObject(byte[] utf8, String part) {
    try (JsonParser parser = FACTORY.createParser(utf8)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IdentityException(IdentityErrorCode.MALFORMED, "the " + part + " is not a JSON object");
      }
      Map<String, Object> object = readObject(parser, part);
      if (parser.nextToken() != null) {
        throw new IdentityException(IdentityErrorCode.MALFORMED, "the " + part + " has content after its JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at byte " + at.getByteOffset();
      throw new IdentityException(IdentityErrorCode.MALFORMED, "the " + part + " is not valid JSON" + where);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IdentityException identity) {
        throw identity;
      }
      throw new IdentityException(IdentityErrorCode.MALFORMED, "the " + part + " cannot be read as JSON");
    }
  }

  private static Map<String, Object> readObject(JsonParser parser, String part) throws IOException {
    Map<String, Object> object = new LinkedHashMap<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
      String name = parser.currentName();
      parser.nextToken();
      Object value = readValue(parser, part);
      if (object.containsKey(name)) {
        throw new IdentityException(IdentityErrorCode.DUPLICATE_CLAIM,
            "the " + part + " has the member '" + printable(name) + "' more than once");
      }
      object.put(name, value);
    }
    return Collections.unmodifiableMap(object);
  }

  private static Object readValue(JsonParser parser, String part) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> readObject(parser, part);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(readValue(parser, part));
        }
        yield Collections.unmodifiableList(list);
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT, LONG -> parser.getLongValue();
        default -> parser.getBigIntegerValue();
      };
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IdentityException(IdentityErrorCode.MALFORMED, "the " + part + " is not valid JSON");
    };
  }

  /** A member name for a message: short, printable ASCII only. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && i < 40; i++) {
      char c = name.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return name.length() > 40 ? out + "..." : out.toString();
  }

}
