package dev.portcullis.identity.broker;

import dev.portcullis.store.PrincipalRisk;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TokenBroker#setRisk} did.
 *
 * @param previous the principal's risk before, empty when none was ever set (a score of 0)
 * @param current the principal's risk now
 * @param revokedSessions the sessions this change revoked (reason {@value TokenBroker#RISK_REVOCATION_REASON}),
 *     because the score is at or above the broker's {@code revoke_at_risk}
 */
public record RiskChange(Optional<PrincipalRisk> previous, PrincipalRisk current, List<String> revokedSessions) {
  public RiskChange {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    revokedSessions = List.copyOf(revokedSessions);
  }
}
