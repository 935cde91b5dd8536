package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a CEL condition at its top-level {@code &&}, so that an explanation can say which part was
 * false. Brackets, string literals and {@code //} comments are skipped over; a condition with a
 * top-level {@code ||} or {@code ?:} (which bind looser than {@code &&}) is one part.
 */
final class Conjuncts {
  private Conjuncts() {}

  static List<String> split(String condition) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    int i = 0;
    int n = condition.length();
    while (i < n) {
      char c = condition.charAt(i);
      if (c == '"' || c == '\'') {
        boolean triple = condition.startsWith(String.valueOf(c).repeat(3), i);
        String close = triple ? String.valueOf(c).repeat(3) : String.valueOf(c);
        boolean raw = i > 0 && (condition.charAt(i - 1) == 'r' || condition.charAt(i - 1) == 'R');
        i += close.length();
        while (i < n && !condition.startsWith(close, i)) {
          i += (!raw && condition.charAt(i) == '\\') ? 2 : 1;
        }
        i += close.length();
        continue;
      }
      if (c == '/' && condition.startsWith("//", i)) {
        while (i < n && condition.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && (condition.startsWith("||", i) || c == '?')) {
        return List.of(condition.strip());
      } else if (depth == 0 && condition.startsWith("&&", i)) {
        parts.add(condition.substring(start, i).strip());
        i += 2;
        start = i;
        continue;
      }
      i++;
    }
    parts.add(condition.substring(Math.min(start, n)).strip());
    return parts.stream().anyMatch(String::isEmpty) ? List.of(condition.strip()) : List.copyOf(parts);
  }
}
