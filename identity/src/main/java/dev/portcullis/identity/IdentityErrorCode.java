package dev.portcullis.identity;

/**
 * Every stable error code of the identity module, one per failure class: the ledger, the SIEM and
 * users' scripts key on their names, so names never change once released; new codes are added at
 * the end of their group. docs/IDENTITY.md explains each.
 */
public enum IdentityErrorCode {
  // --- OIDC identity tokens: shape, before anything is trusted ---
  /** The token is longer than the configured maximum (checked before any parsing). */
  TOKEN_TOO_LARGE,
  /** Not a JWS in compact serialisation: bad characters, part count, base64url, JSON, or claim types. */
  MALFORMED,
  /** A JWE (five parts, or an {@code enc} header) or a nested JWT ({@code cty: JWT}) where a signed JWT is expected. */
  NOT_A_JWS,
  /** The header or the payload repeats a JSON member name (parsers disagree on which one wins). */
  DUPLICATE_CLAIM,
  /** The header says {@code alg: none}. */
  ALG_NONE,
  /** The algorithm is not allowed for the issuer; HMAC algorithms are never allowed. */
  ALG_NOT_ALLOWED,
  /** The signature part is empty ({@code header.payload.}). */
  UNSIGNED,
  /** The header lists {@code crit} extensions, none of which this verifier implements. */
  UNSUPPORTED_CRITICAL_HEADER,

  // --- OIDC identity tokens: issuer and keys ---
  /** The {@code iss} claim is not exactly a configured trusted issuer. */
  UNTRUSTED_ISSUER,
  /** A required claim ({@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code iat}) is absent. */
  MISSING_CLAIM,
  /** No key in the issuer's JWKS matches the token's {@code kid}, key type and algorithm (after a rate-limited refetch). */
  UNKNOWN_KID,
  /** The issuer's JWKS cannot be fetched and no cached copy is within the outage tolerance. */
  JWKS_UNAVAILABLE,
  /** The signature does not verify with the issuer's key. */
  BAD_SIGNATURE,

  // --- OIDC identity tokens: claims ---
  /** No {@code aud} value is an allowed audience of the issuer. */
  WRONG_AUDIENCE,
  /** {@code exp} has passed (beyond the clock skew). */
  TOKEN_EXPIRED,
  /** {@code nbf} lies in the future (beyond the clock skew). */
  TOKEN_NOT_YET_VALID,
  /** {@code iat} lies in the future (beyond the clock skew). */
  ISSUED_IN_FUTURE,
  /** {@code iat} lies further in the past than the issuer's maximum token age. */
  TOKEN_TOO_OLD,

  // --- mTLS client certificates ---
  /** No certificate was presented, or it cannot be read. */
  CERT_MISSING,
  /** The chain does not lead to a configured CA (or a signature, constraint or path length fails). */
  CERT_CHAIN_UNTRUSTED,
  /** The leaf certificate has no {@code clientAuth} extended key usage. */
  CERT_NO_CLIENT_AUTH,
  /** A certificate of the chain expired before the verification instant. */
  CERT_EXPIRED,
  /** A certificate of the chain is not yet valid at the verification instant. */
  CERT_NOT_YET_VALID,
  /** The leaf has no usable subject alternative name of the configured kind (none, several, or not allowed). */
  CERT_NO_SAN_IDENTITY,
  /** Revocation checking is configured and a certificate is revoked. */
  CERT_REVOKED
}
