package dev.portcullis.server.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" by Levenshtein distance. */
final class Suggestions {
  private Suggestions() {}

  /** The candidate closest to {@code word}, if close enough to be a plausible typo. */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String lower = word.toLowerCase(java.util.Locale.ROOT);
    return candidates.stream()
        .filter(candidate -> distance(lower, candidate) <= Math.max(2, candidate.length() / 3))
        .min(Comparator.comparingInt(candidate -> distance(lower, candidate)));
  }

  static int distance(String a, String b) {
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
