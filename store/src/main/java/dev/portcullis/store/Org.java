package dev.portcullis.store;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * A Salesforce org registered with Portcullis.
 *
 * @param alias Portcullis's name for the org (1 to 64 characters), the key
 * @param orgId the Salesforce organization ID (15 or 18 characters, starting with {@code 00D})
 * @param environment what kind of org it is
 * @param instanceUrl where its APIs answer, e.g. {@code https://acme.my.salesforce.com}
 * @param loginUrl where OAuth tokens are requested, e.g. {@code https://login.salesforce.com}
 * @param createdAt when it was first registered (kept by {@link OrgRepository#upsert})
 * @param updatedAt when it was last changed
 */
public record Org(
    String alias,
    String orgId,
    Environment environment,
    URI instanceUrl,
    URI loginUrl,
    Instant createdAt,
    Instant updatedAt) {

  /** Salesforce org kinds. */
  public enum Environment {
    PRODUCTION,
    SANDBOX,
    SCRATCH,
    DEVELOPER;

    /** The stored form: lower case. */
    String storedName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Environment fromStoredName(String stored) {
      return valueOf(stored.toUpperCase(Locale.ROOT));
    }
  }

  public Org {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    Objects.requireNonNull(loginUrl, "loginUrl");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (alias.isBlank() || alias.length() > 64) {
      throw new IllegalArgumentException("org alias must be 1 to 64 characters: '" + alias + "'");
    }
    // Salesforce IDs are 15 (case-sensitive) or 18 (case-insensitive) characters; org IDs have
    // the key prefix 00D.
    if (!orgId.matches("00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?")) {
      throw new IllegalArgumentException(
          "org '" + alias + "': not a Salesforce org ID (00D + 12 or 15 characters): '" + orgId + "'");
    }
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    updatedAt = updatedAt.truncatedTo(ChronoUnit.MICROS);
  }
}
