package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One fact the semantic diff found: "Profile Integration gains ModifyAllData".
 *
 * <p>{@code subject} is what the fact is about (a permission, {@code Object.Field}, a scope, a URL,
 * a setting's path), {@code aspect} which part of it (the flag of an object permission, the list a
 * grant sits in); both are {@code ""} when they do not apply. {@code before} and {@code after} are
 * JSON-like values (String, Long, Boolean, a list of strings, or {@code null} for absent).
 * {@code location} points at the XML element (or Apex declaration) in the package's document, or in
 * the org's document when the fact is a removal.
 */
public record Change(
    ChangeKind kind,
    String type,
    String fullName,
    String subject,
    String aspect,
    Object before,
    Object after,
    Severity severity,
    String message,
    Location location) {

  public Change {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fullName, "fullName");
    subject = subject == null ? "" : subject;
    aspect = aspect == null ? "" : aspect;
    before = jsonLike(before);
    after = jsonLike(after);
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(location, "location");
  }

  /** Which document a location points into. */
  public enum Side {
    /** The document retrieved from the org. */
    BEFORE,
    /** The document in the package. */
    AFTER
  }

  /**
   * A position in one of the component's documents: 1-based line and column, as StAX reports the
   * element's start tag. {@code file} is the package file for {@link Side#AFTER} (or the
   * destructive-changes manifest for a deletion), {@code ""} when unknown.
   */
  public record Location(String file, Side side, int line, int column) {
    public Location {
      file = file == null ? "" : file;
      Objects.requireNonNull(side, "side");
    }
  }

  /**
   * This change as plain maps and lists for policy input (CEL) and JSON: keys {@code kind} (the
   * stable id), {@code type}, {@code fullName}, {@code subject}, {@code aspect}, {@code before},
   * {@code after}, {@code severity} (lower case), {@code message}, {@code file}, {@code side}
   * ({@code before} or {@code after}), {@code line} and {@code column} (Long).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("kind", kind.id());
    map.put("type", type);
    map.put("fullName", fullName);
    map.put("subject", subject);
    map.put("aspect", aspect);
    map.put("before", before);
    map.put("after", after);
    map.put("severity", severity.id());
    map.put("message", message);
    map.put("file", location.file());
    map.put("side", location.side() == Side.BEFORE ? "before" : "after");
    map.put("line", (long) location.line());
    map.put("column", (long) location.column());
    return Collections.unmodifiableMap(map);
  }

  /** {@link #toMap()} of each change, in order. */
  public static List<Map<String, Object>> toMaps(List<Change> changes) {
    List<Map<String, Object>> maps = new ArrayList<>(changes.size());
    for (Change change : changes) {
      maps.add(change.toMap());
    }
    return Collections.unmodifiableList(maps);
  }

  private static Object jsonLike(Object value) {
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case List<?> list -> {
        List<Object> copy = new ArrayList<>(list.size());
        for (Object element : list) {
          copy.add(jsonLike(element));
        }
        yield Collections.unmodifiableList(copy);
      }
      default -> throw new IllegalArgumentException(
          "a change value must be String, Long, Boolean or a list of them, not " + value.getClass().getName());
    };
  }

  @Override
  public String toString() {
    return severity.id() + " " + kind.id() + " " + type + ":" + fullName + " " + message;
  }
}
