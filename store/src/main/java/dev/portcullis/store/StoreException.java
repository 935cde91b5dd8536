package dev.portcullis.store;

/** A storage failure, with a message that says what was wrong and where. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
