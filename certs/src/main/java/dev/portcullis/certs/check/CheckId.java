package dev.portcullis.certs.check;

/**
 * The checks, one per row of cert-anchors.md §7 (C1–C22). The {@link #id()} is stable: the ledger,
 * SARIF rule ids and users' scripts key on it; add checks, never rename one.
 */
public enum CheckId {
  VALIDITY_WINDOW("C1", "validity-window", Severity.CRITICAL, "RFC 5280 §4.1.2.5",
      "The certificate is valid at the time of the check."),
  BR_LIFETIME("C2", "br-lifetime", Severity.HIGH, "CA/B Forum BR §6.3.2 (Ballot SC-081)",
      "A public TLS certificate's lifetime is within the Baseline Requirements' maximum for its issuance date."),
  PRIVATE_LIFETIME("C3", "private-lifetime", Severity.MEDIUM, "Organisation policy; Salesforce Certificate metadata (self-signed: 1 y at 2048 bits, 2 y at 4096)",
      "A private or SSO certificate's lifetime is within the organisation's policy."),
  EXPIRY_WINDOW("C4", "expiry-window", Severity.HIGH, "certbot 4.0 renewal at 1/3 of lifetime; Salesforce expiry notifications (60/30/10/0 days)",
      "The certificate is not yet in its renewal window."),
  RENEWAL_INFO("C5", "renewal-info", Severity.HIGH, "RFC 9773 §4 (ACME Renewal Information); Chrome Root Program policy 1.8",
      "The CA's ACME Renewal Information does not ask for renewal yet."),
  SERVER_AUTH_EKU("C6", "server-auth-eku", Severity.HIGH, "CA/B Forum BR §7.1.2.7.10",
      "A TLS server certificate asserts id-kp-serverAuth and none of the key purposes the BRs forbid."),
  DUAL_USE_PUBLIC("C7", "dual-use-public", Severity.HIGH, "Chrome Root Program policy 1.8 §4.2; Let's Encrypt (clientAuth ends 2026-07-08); Salesforce help 005237282",
      "A public certificate does not rely on both serverAuth and clientAuth, which public CAs stop issuing."),
  CLIENT_AUTH_EKU("C8", "client-auth-eku", Severity.CRITICAL, "Salesforce help 000383575 (mutual authentication), certificate-based login help",
      "An inbound mTLS client certificate asserts id-kp-clientAuth."),
  CLIENT_AUTH_EKU_OUTBOUND("C9", "client-auth-eku-outbound", Severity.MEDIUM, "RFC 5280 §4.2.1.12; dotnet/runtime#121982",
      "The org's outbound client certificate asserts id-kp-clientAuth or has no extKeyUsage."),
  KEY_STRENGTH("C10", "key-strength", Severity.HIGH, "CA/B Forum BR §6.1.5, §6.1.6",
      "Keys are RSA of at least 2048 bits (a multiple of 8, odd exponent) or ECDSA on P-256, P-384 or P-521."),
  SALESFORCE_IMPORT("C11", "salesforce-import", Severity.HIGH, "Salesforce help 000387714 (keystore import)",
      "A keystore meant for Salesforce holds an RSA 2048/3072/4096 PKCS#8 key that the keystore password opens, in JKS."),
  SIGNATURE_ALGORITHM("C12", "signature-algorithm", Severity.HIGH, "CA/B Forum BR §7.1.3.2 (SHA-1 sunset 2026-09-15, §7.1.3.2.1)",
      "Certificates are signed with RSA PKCS#1 v1.5 or PSS, or ECDSA, over SHA-256/384/512."),
  CHAIN_COMPLETENESS("C13", "chain-completeness", Severity.CRITICAL, "Salesforce help 000385468, 000383575 (all intermediates must be sent; no AIA fetching)",
      "The chain as served or uploaded holds every intermediate from the leaf to a root, in order, and nothing else."),
  TRUST_PATH("C14", "trust-path", Severity.CRITICAL, "RFC 5280 §6; Mozilla Root Store Policy (websites bit, distrust-after)",
      "The chain validates to a trusted root: the bundled Mozilla snapshot or a configured private anchor."),
  CHAIN_ELEMENT_EXPIRY("C15", "chain-element-expiry", Severity.HIGH, "RFC 5280 §6.1.3 (a)(2); certbot#8917",
      "No intermediate or root of the chain has expired or expires before the leaf."),
  HOST_NAME("C16", "host-name", Severity.HIGH, "RFC 6125 §6.4; CA/B Forum BR §7.1.2.7.12, §3.2.2.6",
      "The expected host names match a subjectAltName (no CN fallback), and wildcards follow the rules."),
  STRUCTURE("C17", "structure", Severity.MEDIUM, "RFC 5280 §4.1, §4.2",
      "Certificates are well-formed X.509 v3 with the extensions their role needs."),
  NAME_CONSTRAINTS("C18", "name-constraints", Severity.HIGH, "RFC 5280 §4.2.1.10, §6.1.3 (b)-(c)",
      "Names respect the name constraints of every CA on the path, trust anchor included."),
  REVOCATION_INFO("C19", "revocation-info", Severity.MEDIUM, "CA/B Forum BR §7.1.2.11.2, §1.6.1 (short-lived certificates)",
      "A public certificate carries a CRL distribution point unless it is short-lived."),
  EXPORTABLE_KEY("C20", "exportable-key", Severity.LOW, "Salesforce Certificate metadata (privateKeyExportable)",
      "A signing or client certificate's private key cannot be exported from Salesforce."),
  ROOT_MIGRATION("C21", "root-migration", Severity.HIGH, "Salesforce DigiCert Global Root G2 migration (from 2026-02-05)",
      "A trust store used to reach Salesforce contains DigiCert Global Root G2."),
  ROOT_LIFECYCLE("C22", "root-lifecycle", Severity.LOW, "Mozilla Root Store Policy §7.4",
      "Roots are not about to expire or to lose the websites trust bit for age.");

  private final String number;
  private final String id;
  private final Severity severity;
  private final String rule;
  private final String description;

  CheckId(String number, String id, Severity severity, String rule, String description) {
    this.number = number;
    this.id = id;
    this.severity = severity;
    this.rule = rule;
    this.description = description;
  }

  /** The row in cert-anchors.md §7, {@code C1}..{@code C22}. */
  public String number() {
    return number;
  }

  /** The stable, readable id, e.g. {@code validity-window}. */
  public String id() {
    return id;
  }

  /** The usual severity of a finding of this check; some findings are milder or worse. */
  public Severity severity() {
    return severity;
  }

  /** The rule's source: RFC section, BR section, root program policy, Salesforce help. */
  public String rule() {
    return rule;
  }

  /** What holds when the check passes. */
  public String description() {
    return description;
  }
}
