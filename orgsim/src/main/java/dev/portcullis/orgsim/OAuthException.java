package dev.portcullis.orgsim;

/**
 * An OAuth endpoint failure, rendered as {@code {"error","error_description"}} with HTTP 400
 * (Salesforce Help, "OAuth 2.0 Flow Errors", remoteaccess_oauth_flow_errors.htm; RFC 6749 §5.2).
 */
final class OAuthException extends RuntimeException {
  final String error;
  final String description;

  OAuthException(String error, String description) {
    super(error + ": " + description, null, false, false);
    this.error = error;
    this.description = description;
  }
}
