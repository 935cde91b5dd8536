package dev.portcullis.store;

import java.util.Objects;

/**
 * A storage failure, with a stable {@link Code} and a message that says what was wrong and where.
 * Messages never contain a password: URLs are masked before they are quoted.
 */
public final class StoreException extends RuntimeException {

  /** Stable error codes; the ledger, the SIEM and scripts key on them. */
  public enum Code {
    /** The store URL is not one of the accepted forms, or is incomplete. */
    BAD_URL,
    /** The database could not be reached or refused the connection (network, auth, missing file). */
    UNAVAILABLE,
    /** Applying or validating the Flyway migrations failed. */
    MIGRATION_FAILED,
    /** A write broke a constraint (unique, foreign key, check, append-only); nothing was changed. */
    CONSTRAINT_VIOLATION,
    /** The store was used after {@link Store#close()}. */
    CLOSED,
    /** The operation needs another dialect (the ledger's storage needs PostgreSQL). */
    UNSUPPORTED,
    /** Any other failure of a statement or transaction. */
    QUERY_FAILED
  }

  private final Code code;

  public StoreException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public StoreException(Code code, String message) {
    this(code, message, null);
  }

  /** A failure without a more specific code ({@link Code#QUERY_FAILED}). */
  public StoreException(String message, Throwable cause) {
    this(Code.QUERY_FAILED, message, cause);
  }

  /** A failure without a more specific code ({@link Code#QUERY_FAILED}). */
  public StoreException(String message) {
    this(Code.QUERY_FAILED, message, null);
  }

  public Code code() {
    return code;
  }
}
