package dev.portcullis.certs.issue;

import java.util.Objects;

/** Issuance failed; the code says how, the message what and where. Never carries a password or key. */
public final class IssueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Stable error codes of certificate issuance. */
  public enum Code {
    /** The CA keystore is missing where it must exist, unreadable, or the password does not open it. */
    KEYSTORE_UNREADABLE,
    /** No password for the CA keystore was given. */
    PASSWORD_MISSING,
    /** The request asks for something the issuer's policy forbids (lifetime, names, use). */
    POLICY_REFUSED,
    /** The ACME server refused or failed (account, order, finalize, download). */
    ACME_FAILED,
    /** A challenge could not be answered (responder, DNS hook) or the server found it invalid. */
    CHALLENGE_FAILED,
    /** The ACME server could not be reached in time. */
    ACME_UNAVAILABLE,
    /** A certificate signing request is malformed, its signature does not verify, or its key is not RSA. */
    CSR_INVALID
  }

  private final Code code;

  public IssueException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public IssueException(Code code, String message) {
    this(code, message, null);
  }

  public Code code() {
    return code;
  }
}
