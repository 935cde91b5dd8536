package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Scalar settings with a security ordering, and the leaf-by-leaf comparison for everything else.
 *
 * <p>Design: a {@link Rule} gives each known value of a setting a strength (0 weakest). A change to
 * a weaker value is {@link ChangeKind#SETTING_WEAKENED} (or the rule's own kind) at the rule's
 * severity; to a stronger one {@link ChangeKind#SETTING_STRENGTHENED}, {@link Severity#INFO}; to a
 * value the rule does not know {@link ChangeKind#SETTING_CHANGED}, {@link Severity#LOW}. A setting
 * the package does not list is unchanged (settings and most types deploy only what they list). A
 * setting the org's document lacks, or a component the org does not have yet, is compared with the
 * strongest value, so a new component that arrives with a weak setting is reported (fail closed).
 * After the rules, {@link #leaves} reports every other differing leaf, so nothing changes silently.
 */
final class SettingRules {
  private SettingRules() {}

  /** A setting at a {@code /} path below the root, how to rank its values, and what weakening it means. */
  record Rule(String path, Function<String, Integer> strength, int strongest, Severity severity, String what,
      ChangeKind weakened, ChangeKind strengthened) {

    /** A boolean setting whose secure value is {@code secure}. */
    static Rule flag(String path, boolean secure, Severity severity, String what) {
      return new Rule(path, value -> {
        Boolean b = Documents.bool(value);
        return b == null ? null : b == secure ? 1 : 0;
      }, 1, severity, what, ChangeKind.SETTING_WEAKENED, ChangeKind.SETTING_STRENGTHENED);
    }

    /** An enumerated setting; {@code weakestFirst} lists its values, weakest first ({@code a|b} for equal strength). */
    static Rule ranked(String path, Severity severity, String what, String... weakestFirst) {
      Map<String, Integer> ranks = new HashMap<>();
      for (int i = 0; i < weakestFirst.length; i++) {
        for (String value : weakestFirst[i].split("\\|")) {
          ranks.put(value, i);
        }
      }
      return new Rule(path, value -> value == null ? null : ranks.get(value.strip()), weakestFirst.length - 1,
          severity, what, ChangeKind.SETTING_WEAKENED, ChangeKind.SETTING_STRENGTHENED);
    }

    /** A whole-number setting; more secure when higher if {@code higherIsSecure}. */
    static Rule number(String path, boolean higherIsSecure, Severity severity, String what) {
      return new Rule(path, value -> {
        try {
          long n = Long.parseLong(value.strip());
          int clamped = (int) Math.max(-1_000_000, Math.min(1_000_000, n));
          return higherIsSecure ? clamped : -clamped;
        } catch (NumberFormatException | NullPointerException e) {
          return null;
        }
      }, 1_000_000, severity, what, ChangeKind.SETTING_WEAKENED, ChangeKind.SETTING_STRENGTHENED);
    }

    /** A setting with no ordering: any change is {@link ChangeKind#SETTING_CHANGED} at {@code severity}. */
    static Rule changed(String path, Severity severity, String what) {
      return new Rule(path, value -> null, 0, severity, what, ChangeKind.SETTING_CHANGED, ChangeKind.SETTING_CHANGED);
    }

    /** This rule with its own kinds for weakening and strengthening. */
    Rule withKinds(ChangeKind weakenedKind, ChangeKind strengthenedKind) {
      return new Rule(path, strength, strongest, severity, what, weakenedKind, strengthenedKind);
    }

    String subject() {
      return path.replace('/', '.');
    }
  }

  /** Applies {@code rules}; returns the paths they covered, for {@link #leaves}. */
  static Set<String> apply(ComponentChanges changes, XmlElement before, XmlElement after, List<Rule> rules) {
    Set<String> covered = new HashSet<>();
    for (Rule rule : rules) {
      covered.add(rule.path);
      String oldValue = Documents.textAt(before, rule.path);
      String newValue = Documents.textAt(after, rule.path);
      if (newValue == null || Objects.equals(oldValue, newValue)) {
        continue;
      }
      XmlElement at = Documents.elementAt(after, rule.path);
      Integer oldStrength = oldValue == null ? Integer.valueOf(rule.strongest) : rule.strength.apply(oldValue);
      Integer newStrength = rule.strength.apply(newValue);
      String from = oldValue == null ? "" : " (was " + oldValue + ")";
      if (rule.weakened == ChangeKind.SETTING_CHANGED || oldStrength == null || newStrength == null) {
        if (oldValue == null && rule.weakened == ChangeKind.SETTING_CHANGED && before == null) {
          continue; // a new component's unordered settings are not news
        }
        changes.inAfter(ChangeKind.SETTING_CHANGED, rule.subject(), "", oldValue, newValue,
            rule.weakened == ChangeKind.SETTING_CHANGED ? rule.severity : Severity.LOW,
            changes.who() + " changes " + rule.what + " to " + newValue + from, at);
      } else if (newStrength < oldStrength) {
        changes.inAfter(rule.weakened, rule.subject(), "", oldValue, newValue, rule.severity,
            changes.who() + " " + verb(rule.weakened, "weakens") + " " + rule.what + ": " + newValue + from, at);
      } else if (newStrength > oldStrength) {
        changes.inAfter(rule.strengthened, rule.subject(), "", oldValue, newValue, Severity.INFO,
            changes.who() + " " + verb(rule.strengthened, "strengthens") + " " + rule.what + ": " + newValue + from,
            at);
      }
    }
    return covered;
  }

  /**
   * Reports each leaf (an element without children) whose values differ between the two documents,
   * other than those at {@code covered} paths or below {@code skipped} prefixes, as {@link
   * ChangeKind#SETTING_CHANGED} at {@code severity}. Repeated leaves compare as sorted lists. Only
   * when both documents exist: a new component's every leaf is not news.
   */
  static void leaves(ComponentChanges changes, Set<String> covered, Set<String> skipped, Severity severity) {
    leaves(changes, changes.before, changes.after, covered, skipped, severity);
  }

  /** {@link #leaves(ComponentChanges, Set, Set, Severity)} over the given roots instead of the component's. */
  static void leaves(ComponentChanges changes, XmlElement beforeRoot, XmlElement afterRoot, Set<String> covered,
      Set<String> skipped, Severity severity) {
    if (beforeRoot == null || afterRoot == null) {
      return;
    }
    Map<String, List<XmlElement>> before = new TreeMap<>();
    Map<String, List<XmlElement>> after = new TreeMap<>();
    flatten(beforeRoot, "", before);
    flatten(afterRoot, "", after);
    Set<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      if (covered.contains(path) || path.equals("fullName") || skipped.stream().anyMatch(
          prefix -> path.equals(prefix) || path.startsWith(prefix + "/"))) {
        continue;
      }
      List<String> oldValues = texts(before.get(path));
      List<String> newValues = texts(after.get(path));
      if (oldValues.equals(newValues)) {
        continue;
      }
      Object was = oldValues.isEmpty() ? null : oldValues.size() == 1 ? oldValues.get(0) : oldValues;
      Object now = newValues.isEmpty() ? null : newValues.size() == 1 ? newValues.get(0) : newValues;
      List<XmlElement> afterElements = after.get(path);
      List<XmlElement> beforeElements = before.get(path);
      changes.at(ChangeKind.SETTING_CHANGED, path.replace('/', '.'), "", was, now, severity,
          changes.who() + " changes " + path.replace('/', '.') + " to " + (now == null ? "(none)" : now)
              + (was == null ? "" : " (was " + was + ")"),
          afterElements == null ? null : afterElements.get(0), beforeElements == null ? null : beforeElements.get(0));
    }
  }

  private static String verb(ChangeKind kind, String otherwise) {
    return switch (kind) {
      case SESSION_TIMEOUT_RAISED -> "raises";
      case SESSION_TIMEOUT_LOWERED -> "lowers";
      default -> otherwise;
    };
  }

  private static void flatten(XmlElement element, String prefix, Map<String, List<XmlElement>> into) {
    for (XmlElement child : element.children()) {
      String path = prefix.isEmpty() ? child.name() : prefix + "/" + child.name();
      if (child.children().isEmpty()) {
        into.computeIfAbsent(path, k -> new ArrayList<>()).add(child);
      } else {
        flatten(child, path, into);
      }
    }
  }

  private static List<String> texts(List<XmlElement> elements) {
    List<String> texts = new ArrayList<>();
    if (elements != null) {
      for (XmlElement element : elements) {
        texts.add(element.text());
      }
    }
    texts.sort(null);
    return texts;
  }
}
