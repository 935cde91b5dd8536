package dev.portcullis.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Portcullis session: what the token broker issued to one caller, bound to one run, one org,
 * some scopes, for minutes. The opaque session token itself is never stored, only its {@link
 * #tokenHash()} (see {@link SessionTokens#hash}).
 *
 * @param id the session's id, {@code ses_} and 26 characters (see {@link SessionTokens#newSessionId})
 * @param tokenHash lower-case hex SHA-256 of the session token; unique
 * @param orgAlias the registered org the session may reach
 * @param orgId that org's 18-character Salesforce organization ID
 * @param principal who the session was issued to
 * @param binding the CI run the session is bound to (empty for callers that are not CI jobs)
 * @param scopes what the session may do, RFC 6749 scope tokens, at least one, no duplicates
 * @param integrationUser the Salesforce username whose access the scopes map to
 * @param certThumbprint the RFC 8705 {@code x5t#S256} of the client certificate the session is
 *     bound to (base64url SHA-256 of its DER, 43 characters), or {@code null} when it is not bound
 * @param policyHash the hash of the policy set that allowed the session
 * @param decisionId the policy decision that allowed it, or {@code null}
 * @param issuedAt when it was issued
 * @param expiresAt when it expires; after {@code issuedAt}
 * @param revocation how it was revoked, or {@code null} while it is not
 * @param useCount how many requests used it, as recorded so far (counts may arrive in batches)
 * @param lastUsedAt the latest recorded use, or {@code null}
 */
public record Session(
    String id,
    String tokenHash,
    String orgAlias,
    String orgId,
    Principal principal,
    RunBinding binding,
    List<String> scopes,
    String integrationUser,
    String certThumbprint,
    String policyHash,
    String decisionId,
    Instant issuedAt,
    Instant expiresAt,
    Revocation revocation,
    long useCount,
    Instant lastUsedAt) {

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ORG_ID_18 = Pattern.compile("00D[0-9A-Za-z]{15}");
  // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Pattern X5T_S256 = Pattern.compile("[A-Za-z0-9_-]{43}");

  /**
   * Who a session was issued to.
   *
   * @param kind how the caller proved its identity, e.g. {@code oidc} or {@code mtls} (1 to 32 characters)
   * @param issuer the identity's issuer: the OIDC {@code iss}, or the certificate's issuer
   * @param subject the identity within the issuer: the OIDC {@code sub}, or the certificate's subject
   */
  public record Principal(String kind, String issuer, String subject) {
    public Principal {
      requireText(kind, "principal kind");
      requireText(issuer, "principal issuer");
      requireText(subject, "principal subject");
      if (kind.length() > 32) {
        throw new IllegalArgumentException("principal kind must be at most 32 characters: '" + kind + "'");
      }
    }
  }

  /**
   * The CI run a session is bound to. Every field is optional ({@code null} when the issuer does
   * not state it); the names are GitHub Actions' OIDC claim names, and the values are kept as the
   * claims give them (strings, also {@code run_id} and {@code run_attempt}).
   *
   * @param claims the run's OIDC claims under the issuer's own names, as the token stated them
   *     (GitHub's {@code repository}, {@code ref_type}, …; GitLab's {@code project_path}, {@code
   *     ref_protected}, {@code pipeline_id}, …): what the gateway gives policy as {@code
   *     principal.claims}, so that a rule reads the same claims at the exchange and on every request.
   *     Names are lower-case claim names ({@link #CLAIM_NAME}), values strings, at most {@value
   *     #MAX_CLAIMS}; empty for sessions issued before they were kept, and for callers that are not CI jobs
   */
  public record RunBinding(
      String repository, String ref, String sha, String workflow, String runId, String runAttempt, String actor,
      java.util.Map<String, String> claims) {

    /** No run: the caller is not a CI job. */
    public static final RunBinding NONE = new RunBinding(null, null, null, null, null, null, null);
    /** A kept claim's name. */
    public static final Pattern CLAIM_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** The most claims a binding keeps. */
    public static final int MAX_CLAIMS = 64;

    public RunBinding {
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      if (claims != null) {
        if (claims.size() > MAX_CLAIMS) {
          throw new IllegalArgumentException("a run binding keeps at most " + MAX_CLAIMS + " claims, was given "
              + claims.size());
        }
        claims.forEach((name, value) -> {
          if (name == null || !CLAIM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a run binding's claim name is 1 to 64 lower-case letters, digits"
                + " and '_', starting with a letter: '" + name + "'");
          }
          sorted.put(name, Objects.requireNonNull(value, () -> "the value of claim " + name));
        });
      }
      claims = java.util.Collections.unmodifiableMap(sorted);
    }

    /** A binding without the issuer's own claims. */
    public RunBinding(
        String repository, String ref, String sha, String workflow, String runId, String runAttempt, String actor) {
      this(repository, ref, sha, workflow, runId, runAttempt, actor, java.util.Map.of());
    }

    /**
     * The run as policy reads {@code principal.claims} on a gateway request: the kept {@link #claims}
     * when there are any, else the binding's fields under GitHub Actions' names ({@code repository},
     * {@code ref}, {@code sha}, {@code workflow}, {@code run_id}, {@code run_attempt}, {@code actor}).
     */
    public java.util.Map<String, Object> policyClaims() {
      java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
      if (!claims.isEmpty()) {
        out.putAll(claims);
        return out;
      }
      putIfSet(out, "repository", repository);
      putIfSet(out, "ref", ref);
      putIfSet(out, "sha", sha);
      putIfSet(out, "workflow", workflow);
      putIfSet(out, "run_id", runId);
      putIfSet(out, "run_attempt", runAttempt);
      putIfSet(out, "actor", actor);
      return out;
    }

    private static void putIfSet(java.util.Map<String, Object> map, String key, String value) {
      if (value != null) {
        map.put(key, value);
      }
    }
  }

  /**
   * How a session was revoked.
   *
   * @param at when
   * @param by who or what revoked it (an admin, a detection, a response rule)
   * @param reason why, in words
   */
  public record Revocation(Instant at, String by, String reason) {
    public Revocation {
      Objects.requireNonNull(at, "revoked at");
      requireText(by, "revoked by");
      requireText(reason, "revoke reason");
      at = at.truncatedTo(ChronoUnit.MICROS);
    }
  }

  public Session {
    Objects.requireNonNull(id, "session id");
    if (!SESSION_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "session id must be 1 to 64 letters, digits, '_' or '-': '" + id + "'");
    }
    Objects.requireNonNull(tokenHash, "tokenHash");
    if (!HEX_SHA256.matcher(tokenHash).matches()) {
      throw new IllegalArgumentException("session " + id + ": tokenHash must be 64 lower-case hex digits"
          + " (SHA-256); was it given the token instead of its hash?");
    }
    requireText(orgAlias, "org alias");
    Objects.requireNonNull(orgId, "orgId");
    if (!ORG_ID_18.matcher(orgId).matches()) {
      throw new IllegalArgumentException("session " + id + ": not an 18-character Salesforce org ID"
          + " (00D + 15 letters or digits): '" + orgId + "'");
    }
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(scopes, "scopes");
    scopes = List.copyOf(scopes);
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("session " + id + ": at least one scope is required");
    }
    for (String scope : scopes) {
      if (!SCOPE_TOKEN.matcher(scope).matches()) {
        throw new IllegalArgumentException("session " + id + ": '" + scope
            + "' is not a scope token (RFC 6749 3.3: printable ASCII without space, '\"' and '\\')");
      }
    }
    if (new HashSet<>(scopes).size() != scopes.size()) {
      throw new IllegalArgumentException("session " + id + ": duplicate scopes in " + scopes);
    }
    requireText(integrationUser, "integration user");
    if (certThumbprint != null && !X5T_S256.matcher(certThumbprint).matches()) {
      throw new IllegalArgumentException("session " + id + ": certThumbprint must be an RFC 8705 x5t#S256"
          + " (43 base64url characters, the unpadded SHA-256 of the certificate's DER)");
    }
    requireText(policyHash, "policy hash");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    issuedAt = issuedAt.truncatedTo(ChronoUnit.MICROS);
    expiresAt = expiresAt.truncatedTo(ChronoUnit.MICROS);
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException(
          "session " + id + ": expiresAt " + expiresAt + " is not after issuedAt " + issuedAt);
    }
    if (useCount < 0) {
      throw new IllegalArgumentException("session " + id + ": useCount must not be negative: " + useCount);
    }
    lastUsedAt = lastUsedAt == null ? null : lastUsedAt.truncatedTo(ChronoUnit.MICROS);
  }

  /** A session as issued: not revoked, not used yet. */
  public static Session issued(
      String id,
      String tokenHash,
      String orgAlias,
      String orgId,
      Principal principal,
      RunBinding binding,
      List<String> scopes,
      String integrationUser,
      String certThumbprint,
      String policyHash,
      String decisionId,
      Instant issuedAt,
      Instant expiresAt) {
    return new Session(id, tokenHash, orgAlias, orgId, principal, binding, scopes, integrationUser,
        certThumbprint, policyHash, decisionId, issuedAt, expiresAt, null, 0, null);
  }

  /** Whether the session may be used at {@code now}: not revoked and not expired. */
  public boolean isActive(Instant now) {
    return revocation == null && now.isBefore(expiresAt);
  }

  /** This session with {@code revocation} set. */
  Session revoked(Revocation revocation) {
    return new Session(id, tokenHash, orgAlias, orgId, principal, binding, scopes, integrationUser,
        certThumbprint, policyHash, decisionId, issuedAt, expiresAt, revocation, useCount, lastUsedAt);
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
