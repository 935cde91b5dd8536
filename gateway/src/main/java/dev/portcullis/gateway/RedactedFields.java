package dev.portcullis.gateway;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields a {@code redact_fields} obligation removes from responses ({@code Object.Field}
 * entries), compared case-insensitively, as Salesforce compares API names.
 */
final class RedactedFields {
  /** object (lower case) → field names (lower case). */
  private final Map<String, Set<String>> byObject;
  /** Every redacted field name (lower case), whatever its object: for objects of unknown type. */
  private final Set<String> anyObject;
  private final List<String> entries;

  private RedactedFields(Map<String, Set<String>> byObject, Set<String> anyObject, List<String> entries) {
    this.byObject = byObject;
    this.anyObject = anyObject;
    this.entries = entries;
  }

  /**
   * @param entries {@code Object.Field} items
   * @throws IllegalArgumentException naming an entry that is not {@code Object.Field}
   */
  static RedactedFields of(Collection<String> entries) {
    Map<String, Set<String>> byObject = new HashMap<>();
    Set<String> anyObject = new HashSet<>();
    for (String entry : entries) {
      int dot = entry.indexOf('.');
      if (dot <= 0 || dot == entry.length() - 1 || entry.indexOf('.', dot + 1) >= 0) {
        throw new IllegalArgumentException("redact_fields entry '" + entry + "' is not Object.Field");
      }
      String object = entry.substring(0, dot).toLowerCase(Locale.ROOT);
      String field = entry.substring(dot + 1).toLowerCase(Locale.ROOT);
      byObject.computeIfAbsent(object, o -> new HashSet<>()).add(field);
      anyObject.add(field);
    }
    return new RedactedFields(byObject, anyObject, List.copyOf(entries));
  }

  boolean isEmpty() {
    return anyObject.isEmpty();
  }

  /**
   * Whether {@code field} of a record of type {@code type} is redacted. An unknown type (an object
   * without {@code attributes.type}, or before it) redacts every field with a redacted name.
   */
  boolean redacts(Optional<String> type, String field) {
    String name = field.toLowerCase(Locale.ROOT);
    if (type.isEmpty()) {
      return anyObject.contains(name);
    }
    Set<String> fields = byObject.get(type.get().toLowerCase(Locale.ROOT));
    return fields != null && fields.contains(name);
  }

  /** Whether any field with this name is redacted, on any object. */
  boolean redactsName(String field) {
    return anyObject.contains(field.toLowerCase(Locale.ROOT));
  }

  /** The entries as configured ({@code Object.Field}). */
  List<String> entries() {
    return entries;
  }

  /** The redacted fields of {@code object} as {@code Object.Field} entries, as policy wrote them. */
  List<String> ofObject(String object) {
    return entries.stream().filter(e -> e.regionMatches(true, 0, object + ".", 0, object.length() + 1)).toList();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
