package dev.portcullis.policy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds bundles and inputs for tests. */
final class Bundles {
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private Bundles() {}

  /** A bundle of files given as name, text, name, text, … */
  static PolicyBundle of(String... namesAndTexts) throws PolicyException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      files.put(namesAndTexts[i], namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return PolicyBundle.fromFiles("test", files);
  }

  /** The problems loading those files reports (empty when it loads). */
  static List<PolicyProblem> problems(String... namesAndTexts) {
    try {
      of(namesAndTexts);
      return List.of();
    } catch (PolicyException e) {
      return e.problems();
    }
  }

  static DecisionInput.Builder input() {
    return DecisionInput.builder().now(NOW);
  }

  static DecisionInput session(String environment, Map<String, ?> claims, String... scopes) {
    return input()
        .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com", "repo:acme/sf", claims))
        .session(new DecisionInput.Session("s1", List.of(scopes), "prod", Duration.ZERO))
        .org(new DecisionInput.Org("o", environment, "00D000000000001"))
        .build();
  }
}
