package dev.portcullis.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a decision allows a session: its longest lifetime and the scopes it may hold.
 *
 * @param maxTtl the smallest {@code max_ttl} of the rules that matched, empty when none set one
 * @param scopes the requested scopes ({@code session.scopes}) that matched allow rules grant and no
 *     matched (or failed) scope-deny rule removes; empty on deny. Sorted.
 */
public record SessionLimits(Optional<Duration> maxTtl, Set<String> scopes) {
  /** The scopes of this product; a rule may grant or deny only these. */
  public static final Set<String> KNOWN_SCOPES = Collections.unmodifiableSet(new TreeSet<>(Set.of(
      "api:read", "api:write", "metadata:deploy", "metadata:retrieve", "tooling", "bulk")));

  public SessionLimits {
    Objects.requireNonNull(maxTtl, "maxTtl");
    scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
  }

  /** Whether every scope in {@code requested} is granted. */
  public boolean grantsAll(Set<String> requested) {
    return scopes.containsAll(requested);
  }
}
