package dev.portcullis.identity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified caller: what policy reads as {@code principal}.
 *
 * @param kind how the caller proved who it is
 * @param issuer the token's {@code iss}, or the subject DN of the CA that issued the client certificate
 * @param subject the token's {@code sub}, or the certificate's SAN identity (URI or email)
 * @param claims every claim of the token, as sent (strings stay strings, e.g. GitLab's
 *     {@code "ref_protected": "true"}); for a certificate: {@code san_uri}, {@code san_email},
 *     {@code subject_dn}, {@code issuer_dn}, {@code serial}, {@code not_before}, {@code not_after}
 * @param expiresAt the token's {@code exp} or the certificate's notAfter: no session outlives it
 * @param certificateThumbprint for {@link Kind#MTLS}, the RFC 8705 {@code x5t#S256} of the client
 *     certificate (base64url SHA-256 of its DER, no padding); {@code null} for {@link Kind#OIDC}
 * @param dialect whose claim names the claims follow
 */
public record Principal(
    Kind kind,
    String issuer,
    String subject,
    Map<String, Object> claims,
    Instant expiresAt,
    String certificateThumbprint,
    TrustedIssuer.Dialect dialect) {

  /** How the caller authenticated. */
  public enum Kind {
    OIDC("oidc"),
    MTLS("mtls");

    private final String value;

    Kind(String value) {
      this.value = value;
    }

    /** {@code oidc} or {@code mtls}, as policy sees it. */
    public String value() {
      return value;
    }
  }

  public Principal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(dialect, "dialect");
    if ((kind == Kind.MTLS) != (certificateThumbprint != null)) {
      throw new IllegalArgumentException("a certificate thumbprint belongs to exactly the mTLS principals");
    }
  }

  /** A claim's value when it is a string (or a number or boolean, as text); empty otherwise. */
  public Optional<String> claim(String name) {
    Object value = claims.get(name);
    return switch (value) {
      case String s -> Optional.of(s);
      case Number n -> Optional.of(n.toString());
      case Boolean b -> Optional.of(b.toString());
      case null, default -> Optional.empty();
    };
  }

  /**
   * The CI run this principal is, in one vocabulary for GitHub Actions and GitLab (empty fields
   * where the provider has no such claim); empty for other issuers and for certificates.
   */
  public Optional<CiRun> ciRun() {
    return switch (dialect) {
      case GITHUB_ACTIONS -> Optional.of(new CiRun("github-actions",
          text("repository"), text("ref"), text("sha"),
          text("job_workflow_ref").isEmpty() ? text("workflow_ref") : text("job_workflow_ref"),
          text("run_id"), text("run_attempt"), text("actor"), text("environment")));
      case GITLAB -> Optional.of(new CiRun("gitlab",
          text("project_path"), text("ref"), text("sha"), text("ci_config_ref_uri"),
          text("pipeline_id"), text("job_id"), text("user_login"), text("environment")));
      case GENERIC -> Optional.empty();
    };
  }

  private String text(String name) {
    return claim(name).orElse("");
  }

  /**
   * GitHub Actions' OIDC claims a session keeps of its run (GitHub, "About security hardening with
   * OpenID Connect", the token's claims), besides the standard JWT ones.
   */
  static final java.util.List<String> GITHUB_RUN_CLAIMS = java.util.List.of("actor", "actor_id", "base_ref",
      "environment", "event_name", "head_ref", "job_workflow_ref", "job_workflow_sha", "ref", "ref_protected",
      "ref_type", "repository", "repository_id", "repository_owner", "repository_owner_id", "repository_visibility",
      "run_attempt", "run_id", "run_number", "runner_environment", "sha", "workflow", "workflow_ref", "workflow_sha");

  /**
   * GitLab CI's ID token claims a session keeps of its run (GitLab, "OpenID Connect (OIDC)
   * Authentication Using ID Tokens", token payload); {@code user_email} is left out on purpose.
   */
  static final java.util.List<String> GITLAB_RUN_CLAIMS = java.util.List.of("ci_config_ref_uri", "ci_config_sha",
      "deployment_tier", "environment", "environment_action", "environment_protected", "job_id", "namespace_id", "namespace_path",
      "pipeline_id", "pipeline_source", "project_id", "project_path", "project_visibility", "ref", "ref_path",
      "ref_protected", "ref_type", "runner_environment", "runner_id", "sha", "user_access_level", "user_id",
      "user_login");

  /**
   * The claims of a CI run that a session keeps, under the issuer's own names, with the values the
   * token gave when they are strings (as GitHub and GitLab send them): GitHub's {@code repository},
   * {@code ref_type}, …, GitLab's {@code project_path}, {@code ref_protected}, {@code pipeline_id}, ….
   * Empty for other issuers and for certificates.
   */
  public Map<String, String> runClaims() {
    java.util.List<String> names = switch (dialect) {
      case GITHUB_ACTIONS -> GITHUB_RUN_CLAIMS;
      case GITLAB -> GITLAB_RUN_CLAIMS;
      case GENERIC -> java.util.List.of();
    };
    Map<String, String> kept = new java.util.TreeMap<>();
    for (String name : names) {
      if (claims.get(name) instanceof String value) {
        kept.put(name, value);
      }
    }
    return java.util.Collections.unmodifiableMap(kept);
  }

  /** The principal as policy input: {@code kind}, {@code issuer}, {@code subject}, {@code claims}, {@code thumbprint}. */
  public Map<String, Object> toPolicyInput() {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("kind", kind.value());
    input.put("issuer", issuer);
    input.put("subject", subject);
    input.put("claims", claims);
    if (certificateThumbprint != null) {
      input.put("thumbprint", certificateThumbprint);
    }
    return java.util.Collections.unmodifiableMap(input);
  }

  /**
   * A CI run, normalised across providers: what a pipeline session is bound to.
   *
   * @param provider {@code github-actions} or {@code gitlab}
   * @param repository GitHub {@code repository} / GitLab {@code project_path}
   * @param ref GitHub {@code ref} (e.g. {@code refs/heads/main}) / GitLab {@code ref} (e.g. {@code main})
   * @param sha the commit
   * @param workflow GitHub {@code job_workflow_ref} (else {@code workflow_ref}) / GitLab {@code ci_config_ref_uri}
   * @param runId GitHub {@code run_id} / GitLab {@code pipeline_id}
   * @param attempt GitHub {@code run_attempt} / GitLab {@code job_id}
   * @param actor GitHub {@code actor} / GitLab {@code user_login}
   * @param environment the deployment environment, if the job has one
   */
  public record CiRun(
      String provider,
      String repository,
      String ref,
      String sha,
      String workflow,
      String runId,
      String attempt,
      String actor,
      String environment) {}
}
