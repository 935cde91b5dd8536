package dev.portcullis.certs.path;

/**
 * Why a path was refused. The names are stable: the ledger, SARIF output and users' scripts key on
 * them (CONVENTIONS.md, "Errors"); add new codes, never rename one.
 */
public enum FailureCode {
  /** The DER does not decode as an X.509 certificate (RFC 5280 §4.1), e.g. a repeated extension. */
  MALFORMED_CERTIFICATE,
  /** Not a version 3 certificate (CA/B Forum BR §7.1.1). */
  UNSUPPORTED_VERSION,
  /** Serial number not positive, or longer than 20 octets (RFC 5280 §4.1.2.2). */
  INVALID_SERIAL_NUMBER,
  /** The outer signatureAlgorithm differs from the one inside tbsCertificate (RFC 5280 §4.1.1.2). */
  SIGNATURE_ALGORITHM_MISMATCH,
  /** A signature algorithm outside the allowed set (BR §7.1.3.2 by default). */
  SIGNATURE_ALGORITHM_NOT_ALLOWED,
  /** A public key the profile forbids: RSA under 2048 bits or not a multiple of 8, DSA, explicit or small curves (BR §6.1.5). */
  FORBIDDEN_KEY,
  /** The issuer's key does not verify the signature. */
  BAD_SIGNATURE,
  /** The validation time is before notBefore. */
  NOT_YET_VALID,
  /** The validation time is after notAfter. */
  EXPIRED,
  /** An empty issuer or (on a CA) an empty subject (RFC 5280 §4.1.2.4, §4.1.2.6). */
  EMPTY_NAME,
  /** A critical extension this validator does not process (RFC 5280 §4.2). */
  UNKNOWN_CRITICAL_EXTENSION,
  /** An extension marked critical where it must not be, or the reverse. */
  EXTENSION_CRITICALITY,
  /** An extension whose value does not decode, or holds a value the profile forbids. */
  MALFORMED_EXTENSION,
  /** An issuer that is not a CA: basicConstraints missing, not critical, or cA false (RFC 5280 §4.2.1.9). */
  NOT_A_CA,
  /** A CA certificate presented as the end entity (BR §7.1.2.7.8). */
  CA_AS_END_ENTITY,
  /** keyUsage lacks a bit the role needs, or has one it must not (RFC 5280 §4.2.1.3). */
  KEY_USAGE,
  /** extKeyUsage does not allow the purpose asked for (RFC 5280 §4.2.1.12, BR §7.1.2.7.10). */
  EXTENDED_KEY_USAGE,
  /** authorityKeyIdentifier missing or in a form the profile forbids (RFC 5280 §4.2.1.1, BR §7.1.2.1.3). */
  AUTHORITY_KEY_IDENTIFIER,
  /** subjectKeyIdentifier missing on a CA (RFC 5280 §4.2.1.2). */
  SUBJECT_KEY_IDENTIFIER,
  /** pathLenConstraint exceeded (RFC 5280 §6.1.4 (l)–(m)). */
  PATH_LENGTH_EXCEEDED,
  /** More intermediates than the caller's maximum depth. */
  MAX_DEPTH_EXCEEDED,
  /** A name outside the permitted subtrees or inside the excluded ones (RFC 5280 §4.2.1.10). */
  NAME_CONSTRAINTS_VIOLATED,
  /** A nameConstraints extension that is malformed, empty, or on an end entity. */
  NAME_CONSTRAINTS_INVALID,
  /** Too many name/constraint comparisons: refused rather than spend unbounded work. */
  NAME_CONSTRAINTS_TOO_COMPLEX,
  /** subjectAltName missing, empty, malformed, or with a name in invalid syntax (RFC 5280 §4.2.1.6). */
  SUBJECT_ALT_NAME,
  /** No subjectAltName entry matches the expected peer name (RFC 6125 §6, no CN fallback). */
  NAME_MISMATCH,
  /** The expected peer name itself is not a valid DNS name, IP address or mailbox. */
  INVALID_PEER_NAME,
  /** A CRL from the issuer lists the certificate (RFC 5280 §6.3). */
  REVOKED,
  /** A CRL from the issuer is unusable: bad signature, missing cRLNumber, issuer without cRLSign (RFC 5280 §5, §6.3.3). */
  INVALID_CRL,
  /** No issuer for some certificate among the intermediates and trust anchors. */
  NO_PATH,
  /** Path building gave up: too many candidate paths or past the time budget. */
  BUDGET_EXHAUSTED
}
