package dev.portcullis.certs.path;

import java.util.List;

/**
 * The answer of {@link PathValidator}. When valid, {@code chain} holds the path as DER, end entity
 * first and trust anchor last, and {@code failures} is empty. When invalid, {@code chain} is empty
 * and {@code failures} says why: the problems of the end entity itself, or those that ended each
 * candidate path tried (at most {@link #MAX_FAILURES}, first found first).
 */
public record ValidationResult(boolean valid, List<byte[]> chain, List<ValidationFailure> failures) {
  public static final int MAX_FAILURES = 16;

  public ValidationResult {
    chain = List.copyOf(chain);
    failures = List.copyOf(failures);
    if (valid != failures.isEmpty()) {
      throw new IllegalArgumentException("a result is valid exactly when it has no failures");
    }
  }

  /** The first failure's code, or null when valid. */
  public FailureCode code() {
    return failures.isEmpty() ? null : failures.get(0).code();
  }
}
