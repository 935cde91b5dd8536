package dev.portcullis.salesforce;

import java.util.List;
import java.util.Objects;

/**
 * One error as Salesforce reported it.
 *
 * <p>For REST, one element of the error array {@code [{"message","errorCode","fields"}]} (REST API
 * Developer Guide, "Status Codes and Error Responses"). For OAuth, {@code errorCode} is the {@code
 * error} value and {@code message} the {@code error_description}; {@code fields} is empty.
 *
 * @param errorCode Salesforce's code verbatim, e.g. {@code INVALID_FIELD} or {@code invalid_grant}
 * @param message Salesforce's message verbatim, or empty
 * @param fields the fields the error names, possibly empty
 */
public record SalesforceError(String errorCode, String message, List<String> fields) {
  public SalesforceError {
    Objects.requireNonNull(errorCode, "errorCode");
    message = message == null ? "" : message;
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  /** {@code errorCode: message [fields: a, b]}. */
  public String describe() {
    StringBuilder text = new StringBuilder(errorCode);
    if (!message.isEmpty()) {
      text.append(": ").append(message);
    }
    if (!fields.isEmpty()) {
      text.append(" [fields: ").append(String.join(", ", fields)).append(']');
    }
    return text.toString();
  }
}
