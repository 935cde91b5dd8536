package dev.portcullis.policy;

import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One compiled rule.
 *
 * @param scopes for an allow rule, the scopes it grants; for a deny rule, the scopes it removes
 *     (a deny rule without scopes denies the whole decision)
 * @param file the policy file, relative to the bundle
 * @param line the line of the rule's {@code id}
 */
record Rule(
    String id,
    Decision.Effect effect,
    String when,
    CelRuntime.Program program,
    String reason,
    List<Obligation> obligations,
    Optional<Duration> maxTtl,
    Set<String> scopes,
    String file,
    int line) {

  boolean deniesWholeDecision() {
    return effect == Decision.Effect.DENY && scopes.isEmpty();
  }

  String location() {
    return file + ":" + line;
  }

  /** The rule's reason, or a generic one naming it. */
  String because() {
    return reason.isEmpty() ? "rule " + id + " " + (effect == Decision.Effect.ALLOW ? "allows" : "denies") : reason;
  }
}
