package dev.portcullis.identity.broker;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A registered org as the broker sees it: the alias callers ask for (the token exchange's {@code
 * audience}), its environment, its Salesforce org id and the integration users that reach it.
 *
 * @param alias the org alias
 * @param environment {@code production}, {@code sandbox}, {@code scratch}, … (what policy reads as {@code org.environment})
 * @param orgId the 18-character org id; a Salesforce token answering with another org id is refused
 * @param loginUrl where the JWT bearer flow for this org goes ({@code https://login.salesforce.com},
 *     {@code https://test.salesforce.com} or a My Domain)
 * @param integrationUsers in configuration order; usernames unique
 */
public record OrgTarget(
    String alias, String environment, String orgId, URI loginUrl, List<IntegrationUser> integrationUsers) {

  private static final Pattern ORG_ID_18 = Pattern.compile("00D[0-9A-Za-z]{15}");

  public OrgTarget {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(loginUrl, "loginUrl");
    if (alias.isBlank()) {
      throw new IllegalArgumentException("org alias must not be blank");
    }
    if (!ORG_ID_18.matcher(orgId).matches()) {
      throw new IllegalArgumentException("org " + alias + ": not an 18-character Salesforce org id"
          + " (00D + 15 letters or digits): '" + orgId + "'");
    }
    integrationUsers = List.copyOf(integrationUsers);
    if (integrationUsers.isEmpty()) {
      throw new IllegalArgumentException("org " + alias + ": at least one integration user is required");
    }
    Set<String> names = new HashSet<>();
    for (IntegrationUser user : integrationUsers) {
      if (!names.add(user.username())) {
        throw new IllegalArgumentException("org " + alias + ": integration user " + user.username() + " is listed twice");
      }
    }
  }

  /**
   * The least-privileged integration user whose access covers {@code scopes}: the one serving the
   * fewest scopes, the first configured among equals; empty when none covers them.
   */
  public Optional<IntegrationUser> leastPrivilegedServing(Set<String> scopes) {
    IntegrationUser best = null;
    for (IntegrationUser user : integrationUsers) {
      if (user.serves(scopes) && (best == null || user.scopes().size() < best.scopes().size())) {
        best = user;
      }
    }
    return Optional.ofNullable(best);
  }
}
