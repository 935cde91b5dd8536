package dev.portcullis.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns caller-supplied field values into the immutable form {@link CanonicalJson#parse} returns,
 * so that an entry built in code equals the same entry read back: sorted unmodifiable maps with
 * string keys, unmodifiable lists, {@link Long} for integral numbers of magnitude at most 2^53,
 * {@link Double} for other finite numbers, strings, booleans and {@code null}.
 */
final class JsonValues {
  private JsonValues() {}

  static Object normalize(Object value, String path, int depth) {
    if (depth > CanonicalJson.MAX_DEPTH) {
      throw invalid(path, "nests deeper than " + CanonicalJson.MAX_DEPTH + " levels");
    }
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> integer(l, path);
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Double d -> number(d, path);
      case Float f -> number(f.doubleValue(), path);
      case Map<?, ?> map -> {
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<?, ?> member : map.entrySet()) {
          if (!(member.getKey() instanceof String name)) {
            throw invalid(path, "has a member name that is not a string");
          }
          copy.put(name, normalize(member.getValue(), JsonPointer.member(path, name), depth + 1));
        }
        yield Collections.unmodifiableSortedMap(copy);
      }
      case List<?> list -> {
        List<Object> copy = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          copy.add(normalize(list.get(i), path + "/" + i, depth + 1));
        }
        yield Collections.unmodifiableList(copy);
      }
      default -> throw invalid(path, "is a " + value.getClass().getName() + ", not a JSON value");
    };
  }

  private static Long integer(long value, String path) {
    if (value > CanonicalJson.MAX_SAFE_INTEGER || value < -CanonicalJson.MAX_SAFE_INTEGER) {
      throw invalid(path, "is an integer beyond ±2^53, which JSON cannot hold exactly");
    }
    return value;
  }

  private static Object number(double value, String path) {
    if (!Double.isFinite(value)) {
      throw invalid(path, "is " + value + ", which is not a JSON number");
    }
    if (value == Math.rint(value) && Math.abs(value) <= CanonicalJson.MAX_SAFE_INTEGER) {
      return (long) value;
    }
    return value;
  }

  private static LedgerException invalid(String path, String what) {
    return new LedgerException(
        LedgerErrorCode.INVALID_ENTRY_FIELD, "ledger entry field '" + path + "' " + what);
  }
}
