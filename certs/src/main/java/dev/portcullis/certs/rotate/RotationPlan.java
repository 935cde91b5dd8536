package dev.portcullis.certs.rotate;

import dev.portcullis.certs.Use;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code portcullis certs plan} shows: the certificates that should rotate, why, and what the
 * rotation would change.
 *
 * @param org the org's alias
 * @param at when the plan was made
 * @param within the expiry window asked for
 * @param candidates soonest expiry first
 */
public record RotationPlan(String org, Instant at, Duration within, List<Candidate> candidates) {
  public RotationPlan {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(within, "within");
    candidates = List.copyOf(candidates);
  }

  /**
   * One certificate that should rotate.
   *
   * @param fingerprint SHA-256 of the old certificate: the id {@code certs rotate} takes
   * @param certificate the org's Certificate name, empty when it is not an org Certificate
   * @param subject RFC 4514 subject
   * @param notAfter when it expires
   * @param daysLeft whole days until then (negative when expired)
   * @param uses its uses
   * @param reasons why it should rotate, in words (expiry, weak signature in its chain, …)
   * @param blocker empty when {@code certs rotate} can do it, else why not
   * @param issuer the issuer it would take: {@code private-ca} or {@code acme}
   * @param newCertificate the new Certificate's name
   * @param changes what would change per consumer
   */
  public record Candidate(String fingerprint, String certificate, String subject, Instant notAfter, long daysLeft,
      Set<Use> uses, List<String> reasons, String blocker, String issuer, String newCertificate, List<Change> changes) {
    public Candidate {
      reasons = List.copyOf(reasons);
      changes = List.copyOf(changes);
      uses = Set.copyOf(uses);
    }

    public boolean rotatable() {
      return blocker.isEmpty();
    }
  }

  /**
   * One consumer's change.
   *
   * @param type its metadata type, e.g. {@code SamlSsoConfig}
   * @param name its full name
   * @param field where it names the certificate
   * @param from what it names now (the old Certificate's name or record id)
   * @param to what it will name (the new Certificate's name; "(new record id)" for id references)
   */
  public record Change(String type, String name, String field, String from, String to) {}
}
