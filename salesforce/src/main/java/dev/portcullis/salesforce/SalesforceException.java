package dev.portcullis.salesforce;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import javax.net.ssl.SSLException;

/**
 * A Salesforce call failed. Carries a stable {@link SalesforceErrorCode}, the HTTP status when a
 * response arrived, and Salesforce's own errors when it sent any.
 *
 * <p>Messages name what was wrong and which request it was, e.g. {@code invalid_grant: user hasn't
 * approved this consumer (POST https://acme.my.salesforce.com/services/oauth2/token, HTTP 400)}.
 * They never contain a token, an assertion or key material.
 */
public final class SalesforceException extends RuntimeException {
  private final SalesforceErrorCode code;
  private final int httpStatus;
  private final List<SalesforceError> errors;

  /**
   * @param httpStatus the HTTP status, or 0 when no response arrived
   */
  public SalesforceException(
      SalesforceErrorCode code,
      String message,
      int httpStatus,
      List<SalesforceError> errors,
      Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.httpStatus = httpStatus;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** A failure without an HTTP response or Salesforce errors, e.g. a bad key file. */
  public SalesforceException(SalesforceErrorCode code, String message, Throwable cause) {
    this(code, message, 0, List.of(), cause);
  }

  /** A failure without an HTTP response, Salesforce errors or cause. */
  public SalesforceException(SalesforceErrorCode code, String message) {
    this(code, message, 0, List.of(), null);
  }

  public SalesforceErrorCode code() {
    return code;
  }

  /** The HTTP status of the response, or empty when none arrived. */
  public OptionalInt httpStatus() {
    return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** The errors Salesforce reported, in its order; empty when it reported none. */
  public List<SalesforceError> errors() {
    return errors;
  }

  /**
   * Maps an I/O failure of {@code method uri} to a transport code: a connect timeout, a refused or
   * reset connection or an unknown host is {@link SalesforceErrorCode#TRANSPORT_UNAVAILABLE}, a
   * request timeout {@link SalesforceErrorCode#TRANSPORT_TIMEOUT}, a TLS failure {@link
   * SalesforceErrorCode#TRANSPORT_TLS}. {@code uri} must not carry secrets.
   */
  public static SalesforceException transportFailure(String method, URI uri, IOException failure) {
    String where = method + " " + uri;
    String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    if (failure instanceof HttpConnectTimeoutException) {
      return new SalesforceException(
          SalesforceErrorCode.TRANSPORT_UNAVAILABLE, "cannot connect to Salesforce: connect timed out (" + where + ")", failure);
    }
    if (failure instanceof HttpTimeoutException) {
      return new SalesforceException(
          SalesforceErrorCode.TRANSPORT_TIMEOUT, "no response from Salesforce within the request timeout (" + where + ")", failure);
    }
    if (hasCause(failure, SSLException.class)) {
      return new SalesforceException(
          SalesforceErrorCode.TRANSPORT_TLS, "TLS handshake with Salesforce failed: " + detail + " (" + where + ")", failure);
    }
    if (hasCause(failure, ConnectException.class)) {
      return new SalesforceException(
          SalesforceErrorCode.TRANSPORT_UNAVAILABLE, "cannot connect to Salesforce: connection refused or unreachable (" + where + ")", failure);
    }
    return new SalesforceException(
        SalesforceErrorCode.TRANSPORT_UNAVAILABLE, "I/O error talking to Salesforce: " + detail + " (" + where + ")", failure);
  }

  /**
   * The calling thread was interrupted while waiting for {@code method uri}. Restores the
   * interrupt flag and returns a {@link SalesforceErrorCode#TRANSPORT_UNAVAILABLE} failure.
   */
  public static SalesforceException interrupted(String method, URI uri, InterruptedException failure) {
    Thread.currentThread().interrupt();
    return new SalesforceException(
        SalesforceErrorCode.TRANSPORT_UNAVAILABLE, "interrupted while waiting for Salesforce (" + method + " " + uri + ")", failure);
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
