package dev.portcullis.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An approval asked for by policy ({@code require_approval}), bound to exactly what it approves.
 *
 * @param id {@code apr_…}
 * @param kind what is approved: {@code gateway.request} (later {@code deployment})
 * @param binding lower-case hex SHA-256 of the canonical description of what is approved
 * @param orgAlias the org it applies to
 * @param requesterIssuer the requesting principal's issuer
 * @param requesterSubject the requesting principal's subject
 * @param requesterActor the person behind a CI run ({@code actor}, {@code user_login}), or null
 * @param summary a one-line description for approvers (never a token or record data)
 * @param required how many distinct approvers it needs
 * @param eligible who may approve (subjects or usernames, as policy's {@code from} lists them); empty:
 *     any configured approver
 * @param decisionId the decision that asked for it, or null
 * @param requestedAt when it was asked for
 * @param expiresAt after this it can be neither approved nor used
 * @param state its state
 * @param decidedAt when it became approved or denied, null while pending
 * @param usedAt when it was used, null before
 * @param usedByDecision the decision that used it, null before
 * @param votes the votes cast, oldest first
 */
public record Approval(
    String id,
    String kind,
    String binding,
    String orgAlias,
    String requesterIssuer,
    String requesterSubject,
    String requesterActor,
    String summary,
    int required,
    List<String> eligible,
    String decisionId,
    Instant requestedAt,
    Instant expiresAt,
    State state,
    Instant decidedAt,
    Instant usedAt,
    String usedByDecision,
    List<Vote> votes) {

  /** Where an approval is in its life. */
  public enum State {
    PENDING,
    APPROVED,
    DENIED,
    USED;

    /** The stored and displayed name: {@code pending}, {@code approved}, … */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value when it is none of the states */
    public static State of(String value) {
      for (State state : values()) {
        if (state.value().equals(value)) {
          return state;
        }
      }
      throw new IllegalArgumentException("unknown approval state '" + value + "'");
    }
  }

  /** One approver's vote. */
  public record Vote(String approverIssuer, String approverSubject, boolean approve, String comment, Instant at) {
    public Vote {
      Objects.requireNonNull(approverIssuer, "approverIssuer");
      Objects.requireNonNull(approverSubject, "approverSubject");
      Objects.requireNonNull(comment, "comment");
      Objects.requireNonNull(at, "at");
      at = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
  }

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(orgAlias, "orgAlias");
    Objects.requireNonNull(requesterIssuer, "requesterIssuer");
    Objects.requireNonNull(requesterSubject, "requesterSubject");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(state, "state");
    votes = List.copyOf(votes);
    eligible = List.copyOf(eligible);
    for (String name : eligible) {
      if (name.isBlank() || name.contains("\n")) {
        throw new IllegalArgumentException("an eligible approver is a non-blank name on one line");
      }
    }
    // to microseconds, as both stores keep instants
    requestedAt = micros(requestedAt);
    expiresAt = micros(expiresAt);
    decidedAt = micros(decidedAt);
    usedAt = micros(usedAt);
    if (!binding.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("an approval's binding is a lower-case hex SHA-256");
    }
    if (required < 1 || required > 10) {
      throw new IllegalArgumentException("an approval needs from 1 to 10 approvers, not " + required);
    }
    if (!expiresAt.isAfter(requestedAt)) {
      throw new IllegalArgumentException("an approval must expire after it is requested");
    }
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /** A new pending approval without votes. */
  public static Approval pending(String id, String kind, String binding, String orgAlias, String requesterIssuer,
      String requesterSubject, String requesterActor, String summary, int required, List<String> eligible,
      String decisionId, Instant requestedAt, Instant expiresAt) {
    return new Approval(id, kind, binding, orgAlias, requesterIssuer, requesterSubject, requesterActor, summary,
        required, eligible, decisionId, requestedAt, expiresAt, State.PENDING, null, null, null, List.of());
  }

  /** Whether it has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The approving votes. */
  public long approvals() {
    return votes.stream().filter(Vote::approve).count();
  }
}
