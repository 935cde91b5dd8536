package dev.portcullis.deploy.pkg;

/** A package could not be read, converted or written; the message names the file or entry and what was wrong. */
public final class PackageException extends RuntimeException {
  private final PackageErrorCode code;

  PackageException(PackageErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  PackageException(PackageErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public PackageErrorCode code() {
    return code;
  }
}
