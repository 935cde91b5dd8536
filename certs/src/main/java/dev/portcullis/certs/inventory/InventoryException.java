package dev.portcullis.certs.inventory;

import java.util.Objects;

/** Discovery failed; the code says how, the message what and where. */
public final class InventoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Stable error codes of certificate discovery. */
  public enum Code {
    /** The org could not be asked (transport, session, limits): try again later. */
    ORG_UNAVAILABLE,
    /** The org refused or failed the Metadata API retrieve. */
    RETRIEVE_FAILED,
    /** A metadata file or certificate that should parse does not (names the file). */
    MALFORMED_METADATA,
    /** A source directory or file cannot be read. */
    SOURCE_UNREADABLE
  }

  private final Code code;

  public InventoryException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public InventoryException(Code code, String message) {
    this(code, message, null);
  }

  public Code code() {
    return code;
  }
}
