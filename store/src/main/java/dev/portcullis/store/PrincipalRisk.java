package dev.portcullis.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A principal's current risk score and why: what policy reads as {@code risk.score} and {@code
 * risk.reasons} (docs/POLICY.md: a score from 0 to 100). A principal is identified as a session's
 * is, by issuer and subject.
 *
 * @param issuer the principal's issuer (the OIDC {@code iss}, or the certificate's issuer)
 * @param subject the principal's subject (the OIDC {@code sub}, or the certificate's subject)
 * @param score from 0 to 100, finite
 * @param reasons why, in words; each non-blank, at most {@value #MAX_REASON_LENGTH} characters, at
 *     most {@value #MAX_REASONS} of them
 * @param setBy who or what set it (an administrator, a detection)
 * @param setAt when
 * @param version the store-wide change number of this change (see {@link RiskRepository#changedSince})
 */
public record PrincipalRisk(
    String issuer, String subject, double score, List<String> reasons, String setBy, Instant setAt, long version) {

  /** The lowest score. */
  public static final double MIN_SCORE = 0;
  /** The highest score. */
  public static final double MAX_SCORE = 100;
  public static final int MAX_REASONS = 16;
  public static final int MAX_REASON_LENGTH = 1_000;

  public PrincipalRisk {
    requireText(issuer, "principal issuer");
    requireText(subject, "principal subject");
    checkScore(score);
    reasons = checkReasons(reasons);
    requireText(setBy, "risk set by");
    Objects.requireNonNull(setAt, "setAt");
    setAt = setAt.truncatedTo(ChronoUnit.MICROS);
    if (version < 1) {
      throw new IllegalArgumentException("a risk change's version is at least 1, was " + version);
    }
  }

  /**
   * Checks a score.
   *
   * @throws IllegalArgumentException naming the score when it is not a finite number from 0 to 100
   */
  public static void checkScore(double score) {
    if (!Double.isFinite(score) || score < MIN_SCORE || score > MAX_SCORE) {
      throw new IllegalArgumentException("a risk score is a number from 0 to 100, was " + score);
    }
  }

  /**
   * Checks reasons and returns them as an unmodifiable list.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static List<String> checkReasons(List<String> reasons) {
    Objects.requireNonNull(reasons, "reasons");
    List<String> copy = List.copyOf(reasons);
    if (copy.size() > MAX_REASONS) {
      throw new IllegalArgumentException("at most " + MAX_REASONS + " risk reasons, were " + copy.size());
    }
    for (String reason : copy) {
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a risk reason must not be blank");
      }
      if (reason.length() > MAX_REASON_LENGTH) {
        throw new IllegalArgumentException("a risk reason is at most " + MAX_REASON_LENGTH + " characters, was "
            + reason.length());
      }
    }
    return copy;
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
