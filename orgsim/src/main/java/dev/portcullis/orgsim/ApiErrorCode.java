package dev.portcullis.orgsim;

/**
 * The REST {@code errorCode} values the simulator answers with, spelled as Salesforce spells them
 * (REST API Developer Guide, "Status Codes and Error Responses", errorcodes.htm; SOAP API
 * Developer Guide, "StatusCode" enum, sforce_api_calls_concepts_core_data_objects.htm).
 */
enum ApiErrorCode {
  INVALID_SESSION_ID,
  NOT_FOUND,
  INVALID_TYPE,
  INVALID_FIELD,
  INVALID_FIELD_FOR_INSERT_UPDATE,
  REQUIRED_FIELD_MISSING,
  MALFORMED_QUERY,
  MALFORMED_ID,
  JSON_PARSER_ERROR,
  ENTITY_IS_DELETED,
  INVALID_QUERY_LOCATOR,
  INSUFFICIENT_ACCESS_OR_READONLY,
  CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY,
  METHOD_NOT_ALLOWED,
  INVALID_OPERATION,
  INVALID_ID_FIELD,
  REQUEST_LIMIT_EXCEEDED,
  SERVER_UNAVAILABLE,
  UNKNOWN_EXCEPTION
}
