package dev.portcullis.salesforce.metadata;

import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps SOAP 1.1 faults to exceptions. Salesforce answers a refused Metadata API call with HTTP 500
 * and {@code <soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID:
 * Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault>}, the code
 * qualified by a prefix bound to the metadata namespace (SOAP 1.1 §4.4; Metadata API Developer
 * Guide, "Error Handling"; shared/reference/salesforce-formats.md §3.1). A fault the SOAP stack raises
 * itself has a {@code soapenv:} code ({@code Client}, {@code Server}, …). The code's local part is
 * kept verbatim in {@link SalesforceException#errors()}.
 */
final class SoapFaults {
  private static final Pattern SALESFORCE_CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private SoapFaults() {}

  /** The fault in {@code envelope}'s body, if it holds one. */
  static Optional<XmlElement> find(XmlElement envelope) {
    if (!isEnvelope(envelope)) {
      return Optional.empty();
    }
    return envelope.child("Body").flatMap(body -> body.child("Fault"))
        .filter(fault -> SoapEnvelope.ENVELOPE_NS.equals(fault.namespace()));
  }

  static boolean isEnvelope(XmlElement root) {
    return "Envelope".equals(root.name()) && SoapEnvelope.ENVELOPE_NS.equals(root.namespace());
  }

  /**
   * The exception for {@code fault}.
   *
   * @param where the request, e.g. {@code POST https://…/services/Soap/m/66.0 (checkDeployStatus)}
   * @param secret text to blank out of the message (the session id), should a server echo it
   */
  static SalesforceException toException(XmlElement fault, int httpStatus, String where, String secret) {
    String qualified = fault.text("faultcode").map(String::strip).orElse("");
    String local = qualified.substring(qualified.indexOf(':') + 1);
    String faultString = scrub(fault.text("faultstring").orElse("").strip(), secret);
    boolean salesforce = SALESFORCE_CODE.matcher(local).matches();
    String errorCode = salesforce ? local : qualified.isEmpty() ? "soapenv:Server" : qualified;
    SalesforceErrorCode code = salesforce ? codeFor(local) : soapCodeFor(local);
    // Salesforce's faultstring already starts with "CODE: "; do not say it twice.
    boolean prefixed = faultString.startsWith(errorCode + ":");
    String message = prefixed ? faultString : errorCode + (faultString.isEmpty() ? "" : ": " + faultString);
    String errorMessage = prefixed ? faultString.substring(errorCode.length() + 1).strip() : faultString;
    return new SalesforceException(code, MetadataResponses.snippetLong(message) + " (" + where + ", HTTP " + httpStatus + ")",
        httpStatus, List.of(new SalesforceError(errorCode, errorMessage, List.of())), null);
  }

  static SalesforceErrorCode codeFor(String faultCode) {
    return switch (faultCode) {
      case "INVALID_SESSION_ID" -> SalesforceErrorCode.METADATA_INVALID_SESSION_ID;
      case "INVALID_ID_FIELD" -> SalesforceErrorCode.METADATA_INVALID_ID_FIELD;
      case "INVALID_OPERATION" -> SalesforceErrorCode.METADATA_INVALID_OPERATION;
      case "INVALID_TYPE" -> SalesforceErrorCode.METADATA_INVALID_TYPE;
      case "UNSUPPORTED_API_VERSION" -> SalesforceErrorCode.METADATA_UNSUPPORTED_API_VERSION;
      case "REQUEST_LIMIT_EXCEEDED" -> SalesforceErrorCode.METADATA_REQUEST_LIMIT_EXCEEDED;
      case "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY" -> SalesforceErrorCode.METADATA_INSUFFICIENT_ACCESS;
      case "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED" -> SalesforceErrorCode.METADATA_API_DISABLED;
      default -> SalesforceErrorCode.METADATA_OTHER;
    };
  }

  /** SOAP 1.1 §4.4.1 fault codes: the server's own failure is transient, the others are the request's. */
  private static SalesforceErrorCode soapCodeFor(String local) {
    return local.equals("Server") || local.isEmpty() ? SalesforceErrorCode.SERVER_ERROR : SalesforceErrorCode.METADATA_CLIENT_FAULT;
  }

  static String scrub(String text, String secret) {
    return secret == null || secret.isEmpty() ? text : text.replace(secret, "[session id]");
  }
}
