package dev.portcullis.policy;

import java.util.List;

/**
 * The outcome of one policy test case.
 *
 * @param file the test file, relative to the bundle
 * @param line the line of the case's {@code name}
 * @param name the case's name
 * @param failures what did not hold (expected versus actual); empty when it passed
 * @param decision the decision the bundle made
 */
public record PolicyTestResult(String file, int line, String name, List<String> failures, Decision decision) {
  public PolicyTestResult {
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
