package dev.portcullis.identity.broker;

/** The OAuth error codes the token exchange answers with (RFC 6749 section 5.2, RFC 8693 section 2.2.2). */
public enum OAuthError {
  /** A parameter is missing, repeated or malformed. */
  INVALID_REQUEST("invalid_request"),
  /** The subject token is malformed, expired, untrusted or otherwise invalid (RFC 6749 5.2). */
  INVALID_GRANT("invalid_grant"),
  /** The {@code audience} names no registered org (RFC 8693 2.2.2). */
  INVALID_TARGET("invalid_target"),
  /** A requested scope is unknown, or none was requested (RFC 6749 5.2). */
  INVALID_SCOPE("invalid_scope"),
  /** Policy denied, or did not grant every requested scope, or no integration user serves them. */
  ACCESS_DENIED("access_denied"),
  /** The grant type is not token exchange. */
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
  /**
   * Salesforce did not issue a token for the integration user. Not in the broker contract's list:
   * RFC 6749 4.1.2.1 defines it for the authorization endpoint; the server answers it with 503.
   */
  TEMPORARILY_UNAVAILABLE("temporarily_unavailable");

  private final String value;

  OAuthError(String value) {
    this.value = value;
  }

  /** The {@code error} value on the wire. */
  public String value() {
    return value;
  }
}
