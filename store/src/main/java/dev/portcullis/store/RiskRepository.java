package dev.portcullis.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Principals' risk scores. Setting a score replaces the principal's row; rows are never deleted
 * (a score set back to 0 stays as 0). Every change gets the next store-wide version, and changes
 * commit in version order, so a replica that polls {@link #changedSince} with the highest version
 * it has seen misses none, whichever replica made them.
 */
public interface RiskRepository {

  /**
   * Sets the principal's score and reasons.
   *
   * @return the row before (empty when the principal had none) and after
   * @throws IllegalArgumentException when the score is not from 0 to 100 or a reason is blank or too long
   */
  Change set(String issuer, String subject, double score, List<String> reasons, String setBy, Instant at);

  /** The principal's current risk, if one was ever set. */
  Optional<PrincipalRisk> find(String issuer, String subject);

  /** Every principal with a risk row, highest score first (then most recently set), at most {@code limit}. */
  List<PrincipalRisk> list(int limit);

  /**
   * The rows changed after {@code version}, in version order, at most {@code limit}: with {@code 0},
   * every row.
   */
  List<PrincipalRisk> changedSince(long version, int limit);

  /**
   * One change.
   *
   * @param previous the principal's row before, or empty
   * @param current the row now
   */
  record Change(Optional<PrincipalRisk> previous, PrincipalRisk current) {
    public Change {
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
    }
  }
}
