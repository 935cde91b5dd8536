package dev.portcullis.orgsim;

import java.util.List;

/**
 * A REST failure, rendered as Salesforce's error body: a JSON array holding one
 * {@code {"message","errorCode","fields"?}} object (REST API Developer Guide, "Status Codes and
 * Error Responses", errorcodes.htm).
 */
final class ApiException extends RuntimeException {
  final int status;
  final ApiErrorCode errorCode;
  final List<String> fields;

  ApiException(int status, ApiErrorCode errorCode, String message) {
    this(status, errorCode, message, List.of());
  }

  ApiException(int status, ApiErrorCode errorCode, String message, List<String> fields) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = List.copyOf(fields);
  }

  static ApiException notFound() {
    return new ApiException(404, ApiErrorCode.NOT_FOUND, "The requested resource does not exist");
  }

  static ApiException invalidSession() {
    return new ApiException(401, ApiErrorCode.INVALID_SESSION_ID, "Session expired or invalid");
  }
}
