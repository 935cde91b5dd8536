package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Small readings of parsed documents that several type diffs share. */
final class Documents {
  private Documents() {}

  /** {@code true}/{@code false} for the XML boolean lexical forms, {@code null} for absent or anything else. */
  static Boolean bool(String text) {
    if (text == null) {
      return null;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> null;
    };
  }

  static boolean isTrue(Boolean value) {
    return Boolean.TRUE.equals(value);
  }

  /** The children of {@code element} (which may be {@code null}) named {@code name}. */
  static List<XmlElement> children(XmlElement element, String name) {
    return element == null ? List.of() : element.children(name);
  }

  /** The text at a {@code /} path below {@code element}, or {@code null} when any step is missing. */
  static String textAt(XmlElement element, String path) {
    if (element == null) {
      return null;
    }
    XmlElement found = element.at(path);
    return found == null ? null : found.text();
  }

  /** The element at a {@code /} path below {@code element}, or {@code null}. */
  static XmlElement elementAt(XmlElement element, String path) {
    return element == null ? null : element.at(path);
  }

  /**
   * Reports one {@link ChangeKind#COMPONENT_CHANGED} when the children of the two roots outside
   * {@code modelled} differ (compared without regard to order when {@code ordered} is false), so a
   * change the finer facts do not cover is never silently dropped. The subject names the elements.
   */
  static void unmodelled(ComponentChanges changes, Set<String> modelled, boolean ordered, Severity severity) {
    if (changes.before == null || changes.after == null) {
      return;
    }
    Map<String, List<String>> before = byName(changes.before, modelled, ordered);
    Map<String, List<String>> after = byName(changes.after, modelled, ordered);
    Set<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      if (!before.getOrDefault(name, List.of()).equals(after.getOrDefault(name, List.of()))) {
        differing.add(name);
      }
    }
    if (!differing.isEmpty()) {
      XmlElement first = changes.after.child(differing.get(0));
      changes.at(ChangeKind.COMPONENT_CHANGED, String.join(",", differing), "", null, List.copyOf(differing),
          severity, changes.who() + " changes " + String.join(", ", differing), first, changes.before.child(differing.get(0)));
    }
  }

  private static Map<String, List<String>> byName(XmlElement root, Set<String> modelled, boolean ordered) {
    Map<String, List<String>> byName = new HashMap<>();
    for (XmlElement child : root.children()) {
      if (modelled.contains(child.name()) || child.name().equals("fullName")) {
        continue;
      }
      byName.computeIfAbsent(child.name(), k -> new ArrayList<>()).add(child.canonical(ordered));
    }
    if (!ordered) {
      byName.values().forEach(list -> list.sort(null));
    }
    return byName;
  }

  /** Splits a comma- or newline-separated list, trimmed, without empty items. */
  static List<String> splitList(String text) {
    List<String> items = new ArrayList<>();
    if (text == null) {
      return items;
    }
    for (String item : text.split("[,\\r\\n]+")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  /** The texts of every child named {@code name}, each split like {@link #splitList}. */
  static List<String> texts(XmlElement element, String name) {
    List<String> values = new ArrayList<>();
    for (XmlElement child : children(element, name)) {
      values.addAll(splitList(child.text()));
    }
    return values;
  }

  /** {@code a} minus {@code b}, in {@code a}'s order, without duplicates. */
  static List<String> minus(Collection<String> a, Collection<String> b) {
    List<String> result = new ArrayList<>();
    for (String item : a) {
      if (!b.contains(item) && !result.contains(item)) {
        result.add(item);
      }
    }
    return result;
  }
}
