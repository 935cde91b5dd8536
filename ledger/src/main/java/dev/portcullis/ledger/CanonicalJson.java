package dev.portcullis.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erdtman.jcs.NumberToJSON;

/**
 * The JSON Canonicalization Scheme, RFC 8785: one byte sequence for one JSON value, so that
 * equal entries hash equally.
 *
 * <p>Design note. Input is read by a strict I-JSON parser ({@link JsonReader}: RFC 8259 grammar,
 * RFC 7493 restrictions — valid UTF-8, no duplicate member names, no lone surrogates, numbers that
 * are finite IEEE 754 doubles) into plain Java values: {@link Map} (sorted), {@link List},
 * {@link String}, {@link Long} (integral values of magnitude at most 2^53), {@link Double} (every
 * other number), {@link Boolean} and {@code null}. The writer emits RFC 8785 §3.2: no whitespace;
 * members sorted by their names' UTF-16 code units (exactly {@link String#compareTo}), recursively;
 * strings escaped as §3.2.2.2 says (only quotation mark, reverse solidus and U+0000–U+001F, the
 * latter as the two-character escapes b, t, n, f, r or else as a lower-case six-character u00xx
 * escape; everything else literal); numbers as
 * ECMAScript's {@code Number::toString} (§3.2.2.3). That last step, the hard one, is the RFC
 * author's own Java implementation ({@code org.erdtman.jcs.NumberToJSON}); integers of magnitude at
 * most 2^53 print as their decimal digits, which is what {@code Number::toString} gives for them.
 * The output is UTF-8 (§3.2.4).
 */
public final class CanonicalJson {

  /** The largest integer magnitude that every IEEE 754 double holds exactly (2^53). */
  static final long MAX_SAFE_INTEGER = 1L << 53;

  /** Objects and arrays nest at most this deep, so hostile input cannot exhaust the stack. */
  static final int MAX_DEPTH = 64;

  private CanonicalJson() {}

  /**
   * Parses {@code json} strictly as I-JSON (RFC 7493) into Java values (see the class comment).
   *
   * @throws LedgerException {@link LedgerErrorCode#MALFORMED_JSON} naming what was wrong and where
   */
  public static Object parse(byte[] json) {
    return JsonReader.read(json);
  }

  /**
   * Parses {@code json} and returns its RFC 8785 canonical form.
   *
   * @throws LedgerException {@link LedgerErrorCode#MALFORMED_JSON} when it is not I-JSON
   */
  public static byte[] canonicalize(byte[] json) {
    return serialize(parse(json));
  }

  /**
   * The RFC 8785 canonical UTF-8 form of a Java value made of maps with string keys, lists,
   * strings, numbers (finite; integers of magnitude at most 2^53), booleans and {@code null}.
   *
   * @throws LedgerException {@link LedgerErrorCode#MALFORMED_JSON} for a value JSON cannot hold
   *     exactly (NaN, infinity, a lone surrogate, an unsafe integer, another type)
   */
  public static byte[] serialize(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, "", 0);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder out, Object value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid(path, "nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (value) {
      case null -> out.append("null");
      case Boolean b -> out.append(b);
      case String s -> writeString(out, s, path);
      case Long l -> out.append(safeInteger(l, path));
      case Integer i -> out.append(i.longValue());
      case Short s -> out.append(s.longValue());
      case Byte b -> out.append(b.longValue());
      case Double d -> writeDouble(out, d, path);
      case Float f -> writeDouble(out, f.doubleValue(), path);
      case Map<?, ?> map -> writeObject(out, map, path, depth);
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(out, list.get(i), path + "/" + i, depth + 1);
        }
        out.append(']');
      }
      default ->
          throw invalid(path, "is a " + value.getClass().getName() + ", which JSON cannot hold");
    }
  }

  private static void writeObject(StringBuilder out, Map<?, ?> map, String path, int depth) {
    TreeMap<String, Object> sorted = new TreeMap<>();
    for (Map.Entry<?, ?> member : map.entrySet()) {
      if (!(member.getKey() instanceof String name)) {
        throw invalid(path, "has a member name that is not a string: " + member.getKey());
      }
      sorted.put(name, member.getValue());
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> member : sorted.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      String memberPath = JsonPointer.member(path, member.getKey());
      writeString(out, member.getKey(), memberPath);
      out.append(':');
      write(out, member.getValue(), memberPath, depth + 1);
    }
    out.append('}');
  }

  private static long safeInteger(long value, String path) {
    if (value > MAX_SAFE_INTEGER || value < -MAX_SAFE_INTEGER) {
      throw invalid(path, "is an integer beyond ±2^53, which a JSON number cannot hold exactly");
    }
    return value;
  }

  private static void writeDouble(StringBuilder out, double value, String path) {
    if (!Double.isFinite(value)) {
      throw invalid(path, "is " + value + ", which is not a JSON number");
    }
    if (value == Math.rint(value) && Math.abs(value) <= MAX_SAFE_INTEGER) {
      out.append((long) value); // also turns -0 into 0, as RFC 8785 §3.2.2.3 requires
      return;
    }
    try {
      out.append(NumberToJSON.serializeNumber(value));
    } catch (IOException e) {
      throw new LedgerException(
          LedgerErrorCode.MALFORMED_JSON,
          "JSON value at '" + path + "': cannot serialize the number " + value,
          e);
    }
  }

  /** RFC 8785 §3.2.2.2. */
  private static void writeString(StringBuilder out, String s, String path) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw invalid(path, "holds a lone surrogate U+" + hex4(c) + " at character " + i);
        }
        out.append(c).append(s.charAt(++i));
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        throw invalid(path, "holds a lone surrogate U+" + hex4(c) + " at character " + i);
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u").append(hex4(c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  static String hex4(char c) {
    return String.format("%04x", (int) c);
  }

  private static LedgerException invalid(String path, String what) {
    return new LedgerException(
        LedgerErrorCode.MALFORMED_JSON,
        "JSON value at '" + (path.isEmpty() ? "/" : path) + "' " + what);
  }
}
