package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Checks obligations at load time and merges those of several matched rules.
 *
 * <p>Merging is by name and keeps the strictest combination: numbers take the minimum (a smaller
 * {@code max_records} wins), lists the union in first-seen order (every field redacted),
 * booleans the OR, mappings key by key with the same rules. Values that cannot be merged (two
 * different strings, or a number and a list) stay separate obligations of the same name, and the
 * enforcement point applies each.
 */
final class Obligations {
  static final List<String> KNOWN =
      List.of("redact_fields", "deny_fields", "max_records", "max_bytes", "max_requests_per_minute",
          "max_principal_requests_per_minute", "require_approval");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*\\.[A-Za-z][A-Za-z0-9_]*");

  private Obligations() {}

  /** Reads a rule's {@code obligations} mapping; records problems and returns empty if any is wrong. */
  static Optional<List<Obligation>> read(PolicyYaml yaml, Node node, String ruleId) {
    Optional<Map<String, NodeTuple>> fields = yaml.mapping(node, "obligations", null);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    List<Obligation> out = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, NodeTuple> field : fields.get().entrySet()) {
      String name = field.getKey();
      Node valueNode = field.getValue().getValueNode();
      Optional<Object> value = yaml.value(valueNode, "obligation " + name);
      if (value.isEmpty()) {
        ok = false;
        continue;
      }
      Optional<String> fault = check(name, value.get());
      if (fault.isPresent()) {
        yaml.error(fault.get().startsWith("unknown") ? field.getValue().getKeyNode() : valueNode,
            PolicyErrorCode.INVALID_OBLIGATION, fault.get());
        ok = false;
        continue;
      }
      out.add(new Obligation(name, value.get(), List.of(ruleId)));
    }
    return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /** What is wrong with obligation {@code name} = {@code value}, if anything. */
  static Optional<String> check(String name, Object value) {
    if (name.startsWith("x_")) {
      return Optional.empty();
    }
    return switch (name) {
      case "redact_fields", "deny_fields" -> value instanceof List<?> list && !list.isEmpty()
              && list.stream().allMatch(item -> item instanceof String s && FIELD.matcher(s).matches())
          ? Optional.empty()
          : Optional.of(name + " takes a list of SObject.Field names, such as [Contact.SSN__c]");
      case "max_records", "max_bytes" -> value instanceof Long number && number >= 0
          ? Optional.empty()
          : Optional.of(name + " takes a whole number ≥ 0");
      case "max_requests_per_minute", "max_principal_requests_per_minute" -> value instanceof Long number && number >= 1
          ? Optional.empty()
          : Optional.of(name + " takes a whole number ≥ 1 (requests per minute)");
      case "require_approval" -> Boolean.TRUE.equals(value) || approval(value)
          ? Optional.empty()
          : Optional.of("require_approval takes true or a mapping of approvers (a number from 1 to 10), from (a list),"
              + " reason (text) and valid_for_minutes (1 to 10080)");
      default -> Optional.of("unknown obligation '" + name + "'"
          + PolicyYaml.closest(name, KNOWN).map(best -> " (did you mean '" + best + "'?)")
              .orElse(" (known: " + String.join(", ", KNOWN) + "; site-specific ones start with x_)"));
    };
  }

  private static boolean approval(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      return false;
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      boolean ok = switch (String.valueOf(entry.getKey())) {
        case "approvers" -> entry.getValue() instanceof Long n && n >= 1 && n <= 10;
        case "from" -> entry.getValue() instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
        case "reason" -> entry.getValue() instanceof String;
        case "valid_for_minutes" -> entry.getValue() instanceof Long n && n >= 1 && n <= 7 * 24 * 60;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Merges the obligations of {@code rules} in order (see the class comment): each obligation joins
   * the first earlier one of its name that it merges with, or stays a separate one.
   *
   * <p>The result is what merging pair by pair with {@link #mergeValues} gives, without building a
   * new list and a new obligation at every step: a list being unioned stays one growing set until
   * the end (lists are the common case, {@code redact_fields}), and the rules each obligation came
   * from stay one growing list.
   */
  static List<Obligation> merge(List<Rule> rules) {
    List<Merging> merged = null;
    for (int r = 0; r < rules.size(); r++) {
      Rule rule = rules.get(r);
      List<Obligation> obligations = rule.obligations();
      for (int o = 0; o < obligations.size(); o++) {
        Obligation next = obligations.get(o);
        if (merged == null) {
          merged = new ArrayList<>(4);
        }
        boolean absorbed = false;
        for (int i = 0; i < merged.size() && !absorbed; i++) {
          Merging have = merged.get(i);
          absorbed = have.name.equals(next.name()) && have.absorb(next.value(), rule.id());
        }
        if (!absorbed) {
          merged.add(new Merging(next));
        }
      }
    }
    if (merged == null) {
      return List.of();
    }
    List<Obligation> out = new ArrayList<>(merged.size());
    for (Merging merging : merged) {
      out.add(merging.obligation());
    }
    return out;
  }

  /** One obligation being merged: its value so far, or the union of its lists so far. */
  private static final class Merging {
    final String name;
    private Object value;
    /** Non-null once two different lists were merged: the value is then this union, as a list. */
    private LinkedHashSet<Object> union;
    private final List<String> rules;

    Merging(Obligation first) {
      this.name = first.name();
      this.value = first.value();
      this.rules = new ArrayList<>(first.rules());
    }

    /** Merges {@code next} in, as {@link #mergeValues}(value, next) would; false when they do not merge. */
    boolean absorb(Object next, String ruleId) {
      if (union != null) {
        if (!(next instanceof List<?> list)) {
          return false;
        }
        union.addAll(list);
      } else if (value instanceof List<?> x && next instanceof List<?> y && !x.equals(y)) {
        union = new LinkedHashSet<>(x);
        union.addAll(y);
      } else {
        Optional<Object> merged = mergeValues(name, value, next);
        if (merged.isEmpty()) {
          return false;
        }
        value = merged.get();
      }
      if (!rules.contains(ruleId)) {
        rules.add(ruleId);
      }
      return true;
    }

    Obligation obligation() {
      return new Obligation(name, union == null ? value : List.copyOf(union), rules);
    }
  }

  /**
   * {@link #mergeValues(Object, Object)}, except for {@code require_approval}'s mappings, whose
   * strictest combination is not the generic one: the most {@code approvers}, only the people in
   * every {@code from} (no one in common: not merged, so each must be met), the shortest {@code
   * valid_for_minutes}; two different {@code reason}s do not merge.
   */
  static Optional<Object> mergeValues(String name, Object a, Object b) {
    if ("require_approval".equals(name) && a instanceof Map<?, ?> x && b instanceof Map<?, ?> y && !x.equals(y)) {
      Map<String, Object> out = new LinkedHashMap<>();
      x.forEach((k, v) -> out.put(String.valueOf(k), v));
      for (Map.Entry<?, ?> entry : y.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object have = out.get(key);
        Object next = entry.getValue();
        if (have == null) {
          out.put(key, next);
        } else if (key.equals("approvers") && have instanceof Long p && next instanceof Long q) {
          out.put(key, Math.max(p, q));
        } else if (key.equals("from") && have instanceof List<?> p && next instanceof List<?> q) {
          List<Object> common = p.stream().filter(q::contains).distinct().map(Object.class::cast).toList();
          if (common.isEmpty()) {
            return Optional.empty();
          }
          out.put(key, common);
        } else {
          Optional<Object> merged = mergeValues(have, next); // valid_for_minutes: the smallest; reason: equal
          if (merged.isEmpty()) {
            return Optional.empty();
          }
          out.put(key, merged.get());
        }
      }
      return Optional.of(java.util.Collections.unmodifiableMap(out));
    }
    return mergeValues(a, b);
  }

  static Optional<Object> mergeValues(Object a, Object b) {
    if (Objects.equals(a, b)) {
      return Optional.of(a);
    }
    if (a instanceof Long x && b instanceof Long y) {
      return Optional.of(Math.min(x, y));
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Optional.of(Math.min(x.doubleValue(), y.doubleValue()));
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Optional.of(x || y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      LinkedHashSet<Object> union = new LinkedHashSet<>(x);
      union.addAll(y);
      return Optional.of(List.copyOf(union));
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      Map<String, Object> out = new LinkedHashMap<>();
      x.forEach((k, v) -> out.put(String.valueOf(k), v));
      for (Map.Entry<?, ?> entry : y.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object have = out.get(key);
        if (have == null) {
          out.put(key, entry.getValue());
        } else {
          Optional<Object> value = mergeValues(have, entry.getValue());
          if (value.isEmpty()) {
            return Optional.empty();
          }
          out.put(key, value.get());
        }
      }
      return Optional.of(java.util.Collections.unmodifiableMap(out));
    }
    return Optional.empty();
  }
}
