package dev.portcullis.identity.broker;

import dev.portcullis.policy.SessionLimits;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Salesforce user the broker obtains access tokens for, and the session scopes it serves. An org
 * has several, from least to most privileged (a read-only user, a deployer, …).
 *
 * @param username the Salesforce username (the JWT bearer assertion's {@code sub})
 * @param scopes the session scopes this user's access covers; known scopes only, at least one
 */
public record IntegrationUser(String username, Set<String> scopes) {
  public IntegrationUser {
    Objects.requireNonNull(username, "username");
    if (username.isBlank()) {
      throw new IllegalArgumentException("integration user: username must not be blank");
    }
    Objects.requireNonNull(scopes, "scopes");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("integration user " + username + ": at least one scope is required");
    }
    for (String scope : scopes) {
      if (!SessionLimits.KNOWN_SCOPES.contains(scope)) {
        throw new IllegalArgumentException("integration user " + username + ": unknown scope '" + scope
            + "' (known: " + String.join(", ", SessionLimits.KNOWN_SCOPES) + ")");
      }
    }
    scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
  }

  /** Whether this user's access covers every scope in {@code wanted}. */
  public boolean serves(Set<String> wanted) {
    return scopes.containsAll(wanted);
  }
}
