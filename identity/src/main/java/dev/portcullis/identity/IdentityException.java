package dev.portcullis.identity;

import java.util.Objects;

/**
 * A caller's credential was refused. The {@link #code()} is stable; the message says what was
 * wrong (which claim, which value, which limit). Neither ever contains the token itself: record
 * {@link OidcVerifier#tokenHash(String)} when a failure must be traced to a token.
 */
public final class IdentityException extends RuntimeException {
  private final IdentityErrorCode code;

  public IdentityException(IdentityErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public IdentityException(IdentityErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public IdentityErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return "IdentityException[" + code + "]: " + getMessage();
  }
}
