package dev.portcullis.server.config;

import dev.portcullis.server.config.Problem.Severity;
import dev.portcullis.server.redaction.Redactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads typed values out of snakeyaml-engine nodes and records a {@link Problem} (with the node's
 * 1-based line and column) for each thing wrong, instead of stopping at the first. Every accessor
 * returns empty after recording a problem, so the caller just carries on.
 */
final class YamlNodes {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$\\$");

  private final Path file;
  private final Map<String, String> env;
  private final List<Problem> problems = new ArrayList<>();

  YamlNodes(Path file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  List<Problem> problems() {
    return problems;
  }

  void error(Node at, ConfigErrorCode code, String message, String suggestion) {
    add(at, Severity.ERROR, code, message, suggestion);
  }

  void warning(Node at, ConfigErrorCode code, String message, String suggestion) {
    add(at, Severity.WARNING, code, message, suggestion);
  }

  void add(Node at, Severity severity, ConfigErrorCode code, String message, String suggestion) {
    Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
    add(mark.map(Mark::getLine).orElse(-1) + 1, mark.map(Mark::getColumn).orElse(-1) + 1, severity, code, message, suggestion);
  }

  void add(int line, int column, Severity severity, ConfigErrorCode code, String message, String suggestion) {
    problems.add(new Problem(file, line, column, severity, code, message, suggestion));
  }

  static int line(Node node) {
    return node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
  }

  /** A mapping's fields by name; records duplicate and unknown fields. */
  Optional<Fields> mapping(Node node, String what, Collection<String> known) {
    if (!(node instanceof MappingNode mapping)) {
      error(node, ConfigErrorCode.WRONG_TYPE, what + " must be a mapping (key: value lines), found " + describe(node), null);
      return Optional.empty();
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    Set<String> misspelled = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        error(tuple.getKeyNode(), ConfigErrorCode.WRONG_TYPE, "field names in " + what + " must be plain words", null);
        continue;
      }
      String key = keyNode.getValue();
      if (fields.containsKey(key)) {
        error(keyNode, ConfigErrorCode.DUPLICATE_FIELD,
            "duplicate field '" + key + "' in " + what,
            "the first is on line " + line(fields.get(key).getKeyNode()) + "; keep one");
        continue;
      }
      if (!known.contains(key)) {
        Optional<String> closest = Suggestions.closest(key, known);
        closest.ifPresent(misspelled::add);
        String suggestion = closest
            .map(best -> "did you mean '" + best + "'?")
            .orElse("known fields: " + String.join(", ", known));
        error(keyNode, ConfigErrorCode.UNKNOWN_FIELD, "unknown field '" + key + "' in " + what, suggestion);
        continue;
      }
      fields.put(key, tuple);
    }
    return Optional.of(new Fields(mapping, what, fields, misspelled));
  }

  /** A sequence's items. */
  Optional<List<Node>> sequence(Node node, String what) {
    if (node instanceof SequenceNode sequence) {
      return Optional.of(sequence.getValue());
    }
    if (isNull(node)) {
      return Optional.of(List.of());
    }
    error(node, ConfigErrorCode.WRONG_TYPE, what + " must be a list (lines starting with '- '), found " + describe(node), null);
    return Optional.empty();
  }

  /**
   * A scalar's text with {@code ${NAME}} expanded; empty (and a problem) when it is not a scalar
   * or names an unset variable. A YAML null is empty without a problem.
   */
  Optional<String> text(Node node, String what) {
    if (isNull(node)) {
      return Optional.empty();
    }
    if (!(node instanceof ScalarNode scalar)) {
      error(node, ConfigErrorCode.WRONG_TYPE, what + " must be a single value, found " + describe(node), null);
      return Optional.empty();
    }
    return expand(scalar, what);
  }

  private Optional<String> expand(ScalarNode scalar, String what) {
    String raw = scalar.getValue();
    Matcher matcher = VARIABLE.matcher(raw);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (matcher.find()) {
      if (matcher.group(1) == null) {
        matcher.appendReplacement(out, "\\$");
        continue;
      }
      String name = matcher.group(1);
      String value = env.get(name);
      if (value == null) {
        ok = false;
        int line = line(scalar);
        int column = scalar.getStartMark().map(Mark::getColumn).orElse(0) + 1;
        if (scalar.getScalarStyle() == ScalarStyle.PLAIN && raw.indexOf('\n') < 0) {
          column += matcher.start();
        } else if ((scalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED
                || scalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED)
            && raw.indexOf('\n') < 0 && raw.indexOf('\\') < 0 && raw.indexOf('\'') < 0) {
          column += 1 + matcher.start();
        }
        add(line, column, Severity.ERROR, ConfigErrorCode.UNSET_VARIABLE,
            "environment variable " + name + " is not set (used by " + what + ")",
            "export " + name + "=... before starting, or write the value in the file");
        matcher.appendReplacement(out, "");
      } else {
        matcher.appendReplacement(out, Matcher.quoteReplacement(value));
      }
    }
    matcher.appendTail(out);
    return ok ? Optional.of(out.toString()) : Optional.empty();
  }

  /** Whether the scalar is written literally, without any {@code ${NAME}} reference. */
  static boolean isLiteral(Node node) {
    return node instanceof ScalarNode scalar && !scalar.getValue().contains("${");
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "nothing";
    }
    String value = Redactor.redact(((ScalarNode) node).getValue());
    return "'" + (value.length() > 40 ? value.substring(0, 37) + "..." : value) + "'";
  }

  /**
   * The fields of one mapping; lookups by name.
   *
   * @param misspelled known names suggested for unknown fields; not reported again as missing */
  record Fields(MappingNode node, String what, Map<String, NodeTuple> fields, Set<String> misspelled) {
    Optional<Node> value(String key) {
      NodeTuple tuple = fields.get(key);
      return tuple == null || isNull(tuple.getValueNode()) ? Optional.empty() : Optional.of(tuple.getValueNode());
    }

    Optional<Node> key(String key) {
      return Optional.ofNullable(fields.get(key)).map(NodeTuple::getKeyNode);
    }
  }
}
