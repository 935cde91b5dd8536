package dev.portcullis.policy;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML (or JSON) document composed into snakeyaml-engine nodes, so that every value keeps its
 * line and column, and the problems found while reading it.
 *
 * <p>Every accessor records a {@link PolicyProblem} at the offending node and returns empty rather
 * than throwing, so one pass reports everything wrong with a file. {@link #positionIn} maps an
 * offset inside a scalar's value (a CEL error's position) back to the line and column in the file.
 */
final class PolicyYaml {
  private final String file;
  private final int[] text;
  private final List<PolicyProblem> problems;

  private PolicyYaml(String file, String text, List<PolicyProblem> problems) {
    this.file = file;
    this.text = text.codePoints().toArray();
    this.problems = problems;
  }

  private static final int CODE_POINT_LIMIT = 4 * 1024 * 1024;

  /** Composes {@code text}; on a syntax error records it and returns empty. A document of nothing is a null node. */
  static Optional<Root> compose(String file, String text, List<PolicyProblem> problems) {
    PolicyYaml yaml = new PolicyYaml(file, text, problems);
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file)
        .setUseMarks(true)
        .setAllowDuplicateKeys(true)
        .setMaxAliasesForCollections(50)
        .setCodePointLimit(CODE_POINT_LIMIT)
        // snakeyaml-engine 3.0.1 reads in windows of bufferSize chars and fails on a surrogate pair (an
        // emoji) that straddles two windows ("Range [1025, 1025 + 1) out of bounds"; fixed in 3.1.1).
        // One window for the whole text (at most what the code point limit lets through) has no such edge.
        .setBufferSize(Math.min(text.length(), 2 * CODE_POINT_LIMIT) + 1)
        .build();
    try {
      Optional<Node> root = new Compose(settings).composeString(text);
      return Optional.of(new Root(yaml, root.orElse(null)));
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      problems.add(new PolicyProblem(file, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
          PolicyErrorCode.YAML_SYNTAX, "not valid YAML: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage())));
    } catch (RuntimeException e) {
      // snakeyaml-engine signals some faults (bad code points, limits) with other runtime exceptions.
      problems.add(new PolicyProblem(file, 0, 0, PolicyErrorCode.YAML_SYNTAX, "not valid YAML: " + oneLine(String.valueOf(e.getMessage()))));
    }
    return Optional.empty();
  }

  /** A composed document: its reader and its root node ({@code null} for an empty document). */
  record Root(PolicyYaml yaml, Node node) {}

  String file() {
    return file;
  }

  void error(Node at, PolicyErrorCode code, String message) {
    Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
    problems.add(new PolicyProblem(file, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
        code, message));
  }

  void error(int line, int column, PolicyErrorCode code, String message) {
    problems.add(new PolicyProblem(file, line, column, code, message));
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
  }

  static int line(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  /** A mapping's fields by name; records non-mapping values and duplicate or unknown fields. */
  Optional<Map<String, NodeTuple>> mapping(Node node, String what, Collection<String> known) {
    if (!(node instanceof MappingNode mapping)) {
      error(node, PolicyErrorCode.INVALID_VALUE, what + " must be a mapping (key: value), found " + describe(node));
      return Optional.empty();
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode) || isNull(keyNode)) {
        error(tuple.getKeyNode(), PolicyErrorCode.INVALID_VALUE, "field names in " + what + " must be plain words");
        continue;
      }
      String key = keyNode.getValue();
      if (fields.containsKey(key)) {
        error(keyNode, PolicyErrorCode.DUPLICATE_FIELD, "duplicate field '" + key + "' in " + what
            + " (the first is on line " + line(fields.get(key).getKeyNode()) + ")");
        continue;
      }
      if (known != null && !known.contains(key)) {
        error(keyNode, PolicyErrorCode.UNKNOWN_FIELD, "unknown field '" + key + "' in " + what
            + closest(key, known).map(best -> " (did you mean '" + best + "'?)").orElse(" (known: " + String.join(", ", known) + ")"));
        continue;
      }
      fields.put(key, tuple);
    }
    return Optional.of(fields);
  }

  Optional<List<Node>> sequence(Node node, String what) {
    if (node instanceof SequenceNode sequence) {
      return Optional.of(sequence.getValue());
    }
    error(node, PolicyErrorCode.INVALID_VALUE, what + " must be a list, found " + describe(node));
    return Optional.empty();
  }

  /** A non-empty string scalar. */
  Optional<String> text(Node node, String what) {
    if (node instanceof ScalarNode scalar && !isNull(scalar)) {
      if (scalar.getValue().isBlank()) {
        error(node, PolicyErrorCode.INVALID_VALUE, what + " must not be empty");
        return Optional.empty();
      }
      return Optional.of(scalar.getValue());
    }
    error(node, PolicyErrorCode.INVALID_VALUE, what + " must be a single value, found " + describe(node));
    return Optional.empty();
  }

  /** A list of non-empty strings (a single string counts as a list of one). */
  Optional<List<String>> texts(Node node, String what) {
    if (node instanceof ScalarNode) {
      return text(node, what).map(List::of);
    }
    Optional<List<Node>> items = sequence(node, what);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : items.get()) {
      Optional<String> value = text(item, "each item of " + what);
      value.ifPresent(out::add);
      ok &= value.isPresent();
    }
    return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /**
   * The node as a plain value: String, Long, Double, Boolean, {@link NullValue#NULL_VALUE}, List or
   * Map&lt;String, Object&gt; (keys in file order). Records non-string mapping keys and out-of-range numbers.
   */
  Optional<Object> value(Node node, String what) {
    if (node == null) {
      return Optional.of(NullValue.NULL_VALUE);
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar, what);
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> out = new ArrayList<>();
      boolean ok = true;
      for (Node item : sequence.getValue()) {
        Optional<Object> value = value(item, what);
        value.ifPresent(out::add);
        ok &= value.isPresent();
      }
      return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
    }
    Optional<Map<String, NodeTuple>> fields = mapping(node, what, null);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, NodeTuple> field : fields.get().entrySet()) {
      Optional<Object> value = value(field.getValue().getValueNode(), what + "." + field.getKey());
      value.ifPresent(v -> out.put(field.getKey(), v));
      ok &= value.isPresent();
    }
    return ok ? Optional.of(java.util.Collections.unmodifiableMap(out)) : Optional.empty();
  }

  private Optional<Object> scalar(ScalarNode scalar, String what) {
    String value = scalar.getValue();
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return Optional.of(NullValue.NULL_VALUE);
    }
    if (Tag.BOOL.equals(tag)) {
      return Optional.of(Boolean.valueOf(value.toLowerCase(Locale.ROOT)));
    }
    if (Tag.INT.equals(tag)) {
      try {
        return Optional.of(Long.parseLong(value.startsWith("+") ? value.substring(1) : value));
      } catch (NumberFormatException e) {
        error(scalar, PolicyErrorCode.INVALID_VALUE, what + ": " + abbreviate(value) + " is not a 64-bit integer");
        return Optional.empty();
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return Optional.of(Double.parseDouble(value));
      } catch (NumberFormatException e) {
        return Optional.of(switch (value.toLowerCase(Locale.ROOT)) {
          case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
          case "-.inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.NaN;
        });
      }
    }
    return Optional.of(value);
  }

  /**
   * The 1-based line and column in the file of the character at {@code offset} (in code points)
   * inside {@code scalar}'s value. Aligns the value with the file text character by character
   * (skipping the quote or block indicator, indentation, line folding and escapes), so it holds for
   * plain, quoted, literal and folded scalars; falls back to the scalar's start when the text cannot be aligned.
   */
  int[] positionIn(ScalarNode scalar, int offset) {
    Mark start = scalar.getStartMark().orElse(null);
    if (start == null) {
      return new int[] {0, 0};
    }
    int[] fallback = {start.getLine() + 1, start.getColumn() + 1};
    int[] value = scalar.getValue().codePoints().toArray();
    int at = start.getIndex();
    ScalarStyle style = scalar.getScalarStyle();
    if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      while (at < text.length && text[at] != '\n') {
        at++;
      }
    } else if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
      at++;
    }
    for (int i = 0; i <= Math.min(offset, value.length - 1); i++) {
      int wanted = value[i];
      if (Character.isWhitespace(wanted)) {
        // one space or newline of the value stands for a run of blanks and line breaks in the file
        if (i == offset) {
          break;
        }
        if (at < text.length && Character.isWhitespace(text[at])) {
          at++;
        }
        continue;
      }
      int skipped = 0;
      while (at < text.length && text[at] != wanted && skipped < 256
          && (Character.isWhitespace(text[at]) || text[at] == '\\' || text[at] == '\'')) {
        at++;
        skipped++;
      }
      if (at >= text.length || text[at] != wanted) {
        return fallback;
      }
      if (i == offset) {
        break;
      }
      at++;
    }
    if (at >= text.length) {
      return fallback;
    }
    int line = 1;
    int column = 1;
    for (int i = 0; i < at; i++) {
      if (text[i] == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "nothing";
    }
    return "'" + abbreviate(((ScalarNode) node).getValue()) + "'";
  }

  static String abbreviate(String value) {
    String line = oneLine(value);
    return line.length() > 40 ? line.substring(0, 37) + "..." : line;
  }

  static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  /** The candidate closest to {@code word} by edit distance, if close enough to be a typo. */
  static Optional<String> closest(String word, Collection<String> candidates) {
    return candidates.stream()
        .filter(candidate -> distance(word, candidate) <= Math.max(2, candidate.length() / 3))
        .min(Comparator.comparingInt(candidate -> distance(word, candidate)));
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
