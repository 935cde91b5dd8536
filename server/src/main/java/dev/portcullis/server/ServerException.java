package dev.portcullis.server;

/** The server could not start; {@link #code()} says why. The message names what to fix. */
public final class ServerException extends Exception {
  /** Stable codes; the CLI maps them to exit codes. */
  public enum Code {
    /** A listener's address is in use or cannot be bound. */
    PORT_UNAVAILABLE,
    /** The store could not be opened (bad URL, unreachable, migration failed). */
    STORAGE_UNAVAILABLE,
    /** The data directory or a file in it cannot be written. */
    DATA_DIR,
    /** The demo could not be prepared (no org simulator in the build, key generation failed). */
    DEMO,
    /** The ledger could not be opened (origin changed, locked by another process, recovery failed). */
    LEDGER,
    /** The token broker could not start (policy bundle, trusted issuers, client CAs, integration user keys, org registry). */
    BROKER,
    /** Anything else while starting. */
    STARTUP
  }

  private final Code code;

  public ServerException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
