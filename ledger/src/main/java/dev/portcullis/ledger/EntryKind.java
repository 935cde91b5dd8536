package dev.portcullis.ledger;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kinds of ledger entries Portcullis writes, each with the fields it requires and allows
 * (besides {@code v}, {@code kind} and {@code time}, which every entry has). A known kind accepts
 * exactly its fields, so a misspelt field fails at the writer instead of hiding from search. Kinds
 * that are not known here (an administrator's own, appended through the CLI) are allowed when their
 * name is well formed ({@link #NAME}); their fields are free, but still pass the secret rule.
 * docs/LEDGER.md lists the same kinds; a test keeps the two in step.
 *
 * @param name the kind, e.g. {@code deploy.approved}
 * @param description one line: what happened
 * @param required fields every entry of this kind has, in documentation order
 * @param optional fields it may have
 */
public record EntryKind(
    String name,
    String description,
    Map<String, FieldType> required,
    Map<String, FieldType> optional) {

  /** Well-formed kind names: lower-case dotted words, at least two. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)+");

  /** Well-formed top-level field names. */
  public static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** The fields every entry has; no kind may use these names for its own fields. */
  public static final Set<String> ENVELOPE = Set.of("v", "kind", "time");

  /** What a field must hold. */
  public enum FieldType {
    /** A non-empty string. */
    TEXT,
    /** An integer (at most 2^53 in magnitude). */
    INTEGER,
    /** A finite number: an integer or a decimal (integral values are kept as integers). */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A list of non-empty strings (may be empty). */
    TEXT_LIST,
    /** An instant in the entry time format, {@code 2026-11-28T12:00:00.000Z}. */
    TIME,
    /** A SHA-256 as 64 lower-case hex digits. */
    SHA256,
    /** A git commit ID: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits. */
    COMMIT,
    /** {@code allow} or {@code deny}. */
    EFFECT,
    /** {@code low}, {@code medium}, {@code high} or {@code critical}. */
    SEVERITY,
    /** {@code succeeded}, {@code failed} or {@code canceled}. */
    OUTCOME;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COMMIT_HEX = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /** Why {@code value} does not fit, or {@code null} when it does. */
    String problem(Object value) {
      return switch (this) {
        case TEXT -> value instanceof String s && !s.isEmpty() ? null : "a non-empty string";
        case INTEGER -> value instanceof Long ? null : "an integer";
        case NUMBER -> value instanceof Long || value instanceof Double ? null : "a number";
        case BOOLEAN -> value instanceof Boolean ? null : "true or false";
        case TEXT_LIST ->
            value instanceof List<?> list
                    && list.stream().allMatch(e -> e instanceof String s && !s.isEmpty())
                ? null
                : "a list of non-empty strings";
        case TIME ->
            value instanceof String s && EntryTime.isWellFormed(s)
                ? null
                : "a time in the form 2026-11-28T12:00:00.000Z (UTC, milliseconds)";
        case SHA256 ->
            value instanceof String s && SHA256_HEX.matcher(s).matches()
                ? null
                : "a SHA-256 as 64 lower-case hex digits";
        case COMMIT ->
            value instanceof String s && COMMIT_HEX.matcher(s).matches()
                ? null
                : "a git commit ID (40 or 64 lower-case hex digits)";
        case EFFECT -> oneOf(value, "allow", "deny");
        case SEVERITY -> oneOf(value, "low", "medium", "high", "critical");
        case OUTCOME -> oneOf(value, "succeeded", "failed", "canceled");
      };
    }

    private static String oneOf(Object value, String... allowed) {
      for (String a : allowed) {
        if (a.equals(value)) {
          return null;
        }
      }
      return "one of " + String.join(", ", allowed);
    }
  }

  public EntryKind {
    required = Collections.unmodifiableMap(new LinkedHashMap<>(required));
    optional = Collections.unmodifiableMap(new LinkedHashMap<>(optional));
  }

  public static final EntryKind SERVER_STARTED =
      kind("server.started", "the daemon started",
          fields("version", FieldType.TEXT),
          fields("node", FieldType.TEXT, "ledger_origin", FieldType.TEXT));

  public static final EntryKind CONFIG_LOADED =
      kind("config.loaded", "a configuration file was loaded and took effect",
          fields("path", FieldType.TEXT, "config_sha256", FieldType.SHA256),
          fields("actor", FieldType.TEXT));

  public static final EntryKind SESSION_CREATED =
      kind("session.created", "the token broker issued a session to a CI run or client certificate",
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "issuer", FieldType.TEXT, "session", FieldType.TEXT,
              "scopes", FieldType.TEXT_LIST, "expires", FieldType.TIME, "integration_user", FieldType.TEXT,
              "decision", FieldType.TEXT, "bundle_sha256", FieldType.SHA256),
          fields("org_id", FieldType.TEXT, "principal_kind", FieldType.TEXT, "token_sha256", FieldType.SHA256,
              "repository", FieldType.TEXT, "ref", FieldType.TEXT, "commit", FieldType.COMMIT,
              "workflow", FieldType.TEXT, "job", FieldType.TEXT, "cert_thumbprint", FieldType.TEXT));

  public static final EntryKind SESSION_REFUSED =
      kind("session.refused", "the token broker refused a token exchange",
          fields("error", FieldType.TEXT, "description", FieldType.TEXT),
          fields("org", FieldType.TEXT, "scopes", FieldType.TEXT_LIST, "actor", FieldType.TEXT,
              "issuer", FieldType.TEXT, "decision", FieldType.TEXT, "reasons", FieldType.TEXT_LIST,
              "subject_token_sha256", FieldType.SHA256));

  public static final EntryKind IDENTITY_FAILED =
      kind("identity.failed", "a CI identity token or client certificate was not accepted (the token only as its hash)",
          fields("code", FieldType.TEXT, "message", FieldType.TEXT),
          fields("subject_token_sha256", FieldType.SHA256, "org", FieldType.TEXT, "scopes", FieldType.TEXT_LIST));

  public static final EntryKind SESSION_REVOKED =
      kind("session.revoked", "a session was revoked before it expired",
          fields("session", FieldType.TEXT, "reason", FieldType.TEXT),
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "by", FieldType.TEXT, "uses", FieldType.INTEGER));

  public static final EntryKind SESSION_EXPIRED =
      kind("session.expired", "a session's lifetime ended",
          fields("session", FieldType.TEXT, "org", FieldType.TEXT, "expired", FieldType.TIME),
          fields("uses", FieldType.INTEGER));

  public static final EntryKind SESSION_USED =
      kind("session.used", "requests made with a session, counted over a window",
          fields("session", FieldType.TEXT, "uses", FieldType.INTEGER, "until", FieldType.TIME),
          fields("org", FieldType.TEXT, "since", FieldType.TIME));

  public static final EntryKind RISK_CHANGED =
      kind("risk.changed", "a principal's risk score was set",
          fields("actor", FieldType.TEXT, "issuer", FieldType.TEXT, "score", FieldType.NUMBER, "by", FieldType.TEXT),
          fields("reasons", FieldType.TEXT_LIST, "previous_score", FieldType.NUMBER,
              "revoke_at_risk", FieldType.NUMBER));

  public static final EntryKind POLICY_BUNDLE_ACTIVATED =
      kind("policy.bundle.activated", "a policy bundle became the one decisions are made with",
          fields("bundle_sha256", FieldType.SHA256),
          fields("actor", FieldType.TEXT, "version", FieldType.TEXT,
              "rule_count", FieldType.INTEGER));

  public static final EntryKind POLICY_BUNDLE_REJECTED =
      kind("policy.bundle.rejected", "a changed policy bundle failed to load; the one in force stayed",
          fields("problems", FieldType.TEXT_LIST),
          fields("bundle_sha256", FieldType.SHA256, "path", FieldType.TEXT));

  public static final EntryKind GATEWAY_DECISION =
      kind("gateway.decision", "the gateway decided a Salesforce API request",
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "session", FieldType.TEXT,
              "api", FieldType.TEXT, "operation", FieldType.TEXT, "effect", FieldType.EFFECT,
              "rules", FieldType.TEXT_LIST),
          fields("object", FieldType.TEXT, "request_id", FieldType.TEXT,
              "obligations", FieldType.TEXT_LIST, "decision", FieldType.TEXT, "bundle_sha256", FieldType.SHA256,
              "reason", FieldType.TEXT));

  public static final EntryKind GATEWAY_COMPLETED =
      kind("gateway.completed", "a request the gateway forwarded ended",
          fields("decision", FieldType.TEXT, "session", FieldType.TEXT, "org", FieldType.TEXT,
              "outcome", FieldType.TEXT, "latency_ms", FieldType.INTEGER),
          fields("status", FieldType.INTEGER, "request_bytes", FieldType.INTEGER,
              "response_bytes", FieldType.INTEGER));

  public static final EntryKind APPROVAL_REQUESTED =
      kind("approval.requested", "policy held a request for approval (require_approval)",
          fields("approval", FieldType.TEXT, "approval_kind", FieldType.TEXT, "org", FieldType.TEXT,
              "actor", FieldType.TEXT, "issuer", FieldType.TEXT, "summary", FieldType.TEXT,
              "required", FieldType.INTEGER, "binding_sha256", FieldType.SHA256, "expires", FieldType.TIME),
          fields("run_actor", FieldType.TEXT, "eligible", FieldType.TEXT_LIST, "decision", FieldType.TEXT));

  public static final EntryKind APPROVAL_VOTED =
      kind("approval.voted", "a person voted on an approval (actor is the approver)",
          fields("approval", FieldType.TEXT, "org", FieldType.TEXT, "actor", FieldType.TEXT, "issuer", FieldType.TEXT,
              "verdict", FieldType.TEXT, "outcome", FieldType.TEXT, "requester", FieldType.TEXT,
              "binding_sha256", FieldType.SHA256),
          fields("comment", FieldType.TEXT));

  public static final EntryKind APPROVAL_USED =
      kind("approval.used", "an approved request ran (actor is the requester)",
          fields("approval", FieldType.TEXT, "org", FieldType.TEXT, "actor", FieldType.TEXT,
              "decision", FieldType.TEXT, "approvers", FieldType.TEXT_LIST, "binding_sha256", FieldType.SHA256),
          fields());

  public static final EntryKind DEPLOY_REQUESTED =
      kind("deploy.requested", "a deployment was asked for and admitted, held for approval or refused",
          deployFields(),
          fields("commit", FieldType.COMMIT, "job", FieldType.TEXT, "package_sha256", FieldType.SHA256,
              "destructive", FieldType.BOOLEAN, "environment", FieldType.TEXT, "via", FieldType.TEXT,
              "decision", FieldType.TEXT, "effect", FieldType.TEXT, "rules", FieldType.TEXT_LIST,
              "reason", FieldType.TEXT, "components", FieldType.INTEGER, "test_level", FieldType.TEXT,
              "check_only", FieldType.BOOLEAN, "repository", FieldType.TEXT, "branch", FieldType.TEXT,
              "run", FieldType.TEXT, "session", FieldType.TEXT, "issuer", FieldType.TEXT,
              "approval", FieldType.TEXT, "rollback_of", FieldType.TEXT, "snapshot_sha256", FieldType.SHA256));

  public static final EntryKind DEPLOY_APPROVED =
      kind("deploy.approved", "a deployment was approved (actor is the approver)",
          deployFields(),
          fields("commit", FieldType.COMMIT, "job", FieldType.TEXT, "comment", FieldType.TEXT));

  public static final EntryKind DEPLOY_COMPLETED =
      kind("deploy.completed", "a deployment finished",
          with(deployFields(), "outcome", FieldType.OUTCOME),
          fields("commit", FieldType.COMMIT, "job", FieldType.TEXT, "salesforce_deploy_id", FieldType.TEXT,
              "snapshot_sha256", FieldType.SHA256, "status", FieldType.TEXT, "error", FieldType.TEXT,
              "started", FieldType.TIME, "completed", FieldType.TIME, "package_sha256", FieldType.SHA256,
              "component_list", FieldType.TEXT_LIST, "changes", FieldType.TEXT_LIST, "decision", FieldType.TEXT,
              "rules", FieldType.TEXT_LIST, "approval", FieldType.TEXT, "approvers", FieldType.TEXT_LIST,
              "repository", FieldType.TEXT, "branch", FieldType.TEXT, "run", FieldType.TEXT,
              "session", FieldType.TEXT, "issuer", FieldType.TEXT, "environment", FieldType.TEXT,
              "check_only", FieldType.BOOLEAN, "test_level", FieldType.TEXT, "tests_run", FieldType.INTEGER,
              "test_failures", FieldType.INTEGER, "coverage_percent", FieldType.NUMBER,
              "component_errors", FieldType.INTEGER, "rollback_of", FieldType.TEXT, "deployed_by", FieldType.TEXT));

  public static final EntryKind DETECTION_FIRED =
      kind("detection.fired", "a detection raised an alert",
          fields("detection", FieldType.TEXT, "severity", FieldType.SEVERITY,
              "org", FieldType.TEXT),
          fields("actor", FieldType.TEXT, "session", FieldType.TEXT, "alert_id", FieldType.TEXT,
              "events", FieldType.INTEGER));

  public static final EntryKind CERT_ROTATED =
      kind("cert.rotated", "a certificate was replaced",
          fields("certificate", FieldType.TEXT, "old_sha256", FieldType.SHA256,
              "new_sha256", FieldType.SHA256, "not_after", FieldType.TIME),
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "rotation", FieldType.TEXT,
              "new_certificate", FieldType.TEXT, "issuer", FieldType.TEXT));

  public static final EntryKind CERT_ROTATION_STEP =
      kind("cert.rotation.step", "a step of a certificate rotation was done",
          fields("rotation", FieldType.TEXT, "certificate", FieldType.TEXT, "step", FieldType.TEXT,
              "org", FieldType.TEXT),
          fields("consumer", FieldType.TEXT, "old_sha256", FieldType.SHA256, "new_sha256", FieldType.SHA256,
              "new_certificate", FieldType.TEXT, "not_after", FieldType.TIME, "issuer", FieldType.TEXT,
              "detail", FieldType.TEXT, "actor", FieldType.TEXT, "csr_sha256", FieldType.SHA256));

  public static final EntryKind ADMIN_NOTE =
      kind("admin.note", "an administrator wrote a note into the ledger",
          fields("actor", FieldType.TEXT, "note", FieldType.TEXT),
          fields("org", FieldType.TEXT));

  public static final EntryKind SALESFORCE_TOKEN_OBTAINED =
      kind("salesforce.token.obtained", "Portcullis obtained a Salesforce access token (the token itself is hashed)",
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "flow", FieldType.TEXT),
          fields("org_id", FieldType.TEXT, "user_id", FieldType.TEXT, "token_sha256", FieldType.SHA256,
              "session", FieldType.TEXT));

  public static final EntryKind SALESFORCE_REQUEST =
      kind("salesforce.request", "Portcullis called a Salesforce API on its own behalf or a caller's",
          fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "api", FieldType.TEXT,
              "operation", FieldType.TEXT, "outcome", FieldType.OUTCOME),
          fields("object", FieldType.TEXT, "record_id", FieldType.TEXT, "rows", FieldType.INTEGER,
              "query_sha256", FieldType.SHA256, "session", FieldType.TEXT));

  private static final Map<String, EntryKind> KNOWN =
      List.of(SERVER_STARTED, CONFIG_LOADED, SESSION_CREATED, SESSION_REFUSED, IDENTITY_FAILED, SESSION_REVOKED,
              SESSION_EXPIRED, SESSION_USED, RISK_CHANGED, POLICY_BUNDLE_ACTIVATED, POLICY_BUNDLE_REJECTED,
              GATEWAY_DECISION, GATEWAY_COMPLETED, APPROVAL_REQUESTED, APPROVAL_VOTED, APPROVAL_USED, DEPLOY_REQUESTED,
              DEPLOY_APPROVED, DEPLOY_COMPLETED, DETECTION_FIRED, CERT_ROTATED, CERT_ROTATION_STEP, ADMIN_NOTE, SALESFORCE_TOKEN_OBTAINED,
              SALESFORCE_REQUEST)
          .stream()
          .collect(Collectors.toUnmodifiableMap(EntryKind::name, Function.identity()));

  /** Every known kind, ordered by name. */
  public static List<EntryKind> known() {
    return KNOWN.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }

  /** The known kind called {@code name}, if there is one. */
  public static Optional<EntryKind> known(String name) {
    return Optional.ofNullable(KNOWN.get(name));
  }

  /**
   * Checks {@code fields} (already normalized) against this kind: every required field present,
   * every field declared, every value of its type.
   *
   * @throws LedgerException {@link LedgerErrorCode#INVALID_ENTRY_FIELD} naming the field
   */
  void check(Map<String, Object> fields) {
    for (Map.Entry<String, FieldType> field : required.entrySet()) {
      if (!fields.containsKey(field.getKey())) {
        throw new LedgerException(
            LedgerErrorCode.INVALID_ENTRY_FIELD,
            "ledger entry of kind " + name + ": required field '" + field.getKey()
                + "' is missing (required: " + String.join(", ", required.keySet()) + ")");
      }
    }
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      FieldType type = required.getOrDefault(field.getKey(), optional.get(field.getKey()));
      if (type == null) {
        throw new LedgerException(
            LedgerErrorCode.INVALID_ENTRY_FIELD,
            "ledger entry of kind " + name + ": field '" + field.getKey()
                + "' is not one of its fields (" + String.join(", ", required.keySet())
                + (optional.isEmpty() ? "" : "; optional: " + String.join(", ", optional.keySet()))
                + ")");
      }
      String problem = type.problem(field.getValue());
      if (problem != null) {
        throw new LedgerException(
            LedgerErrorCode.INVALID_ENTRY_FIELD,
            "ledger entry of kind " + name + ": field '/" + field.getKey() + "' must be "
                + problem);
      }
    }
  }

  private static EntryKind kind(
      String name, String description, Map<String, FieldType> required,
      Map<String, FieldType> optional) {
    return new EntryKind(name, description, required, optional);
  }

  private static Map<String, FieldType> deployFields() {
    return fields("org", FieldType.TEXT, "actor", FieldType.TEXT, "deployment_id", FieldType.TEXT);
  }

  private static Map<String, FieldType> with(
      Map<String, FieldType> fields, String name, FieldType type) {
    Map<String, FieldType> copy = new LinkedHashMap<>(fields);
    copy.put(name, type);
    return copy;
  }

  private static Map<String, FieldType> fields(Object... namesAndTypes) {
    Map<String, FieldType> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.put((String) namesAndTypes[i], (FieldType) namesAndTypes[i + 1]);
    }
    return fields;
  }
}
