package dev.portcullis.salesforce;

/**
 * Stable codes for every failure of the Salesforce clients. The ledger, the SIEM and users'
 * scripts key on these names: never rename one, only add.
 *
 * <p>{@code OAUTH_*} codes mirror the {@code error} value of Salesforce's OAuth error response
 * (help.salesforce.com "OAuth 2.0 Authorization Errors", RFC 6749 §5.2, RFC 7523 §3.1). {@code
 * REST_*} codes mirror the {@code errorCode} of the REST API's error array (REST API Developer
 * Guide, "Status Codes and Error Responses"). {@code METADATA_*} codes mirror the {@code faultcode} of
 * a Metadata API SOAP fault ({@code sf:INVALID_SESSION_ID}; Metadata API Developer Guide, "Error
 * Handling", meta_calls_intro.htm, and the SOAP API's "ExceptionCode" list).
 */
public enum SalesforceErrorCode {
  /** {@code invalid_grant}: the assertion was refused (signature, audience, expiry, user not approved). */
  OAUTH_INVALID_GRANT(Kind.OAUTH),
  /** {@code invalid_client_id}: the consumer key ({@code iss}) is unknown to the org. */
  OAUTH_INVALID_CLIENT_ID(Kind.OAUTH),
  /** {@code invalid_client} or {@code invalid_client_credentials}. */
  OAUTH_INVALID_CLIENT(Kind.OAUTH),
  /** {@code invalid_app_access}: the app is admin-approved but the user lacks a profile or permission set for it. */
  OAUTH_INVALID_APP_ACCESS(Kind.OAUTH),
  /** {@code unsupported_grant_type}: wrong {@code grant_type}, or the flow is disabled. */
  OAUTH_UNSUPPORTED_GRANT_TYPE(Kind.OAUTH),
  /** {@code invalid_request}: a parameter is missing or malformed. */
  OAUTH_INVALID_REQUEST(Kind.OAUTH),
  /** {@code inactive_user}: the integration user is deactivated. */
  OAUTH_INACTIVE_USER(Kind.OAUTH),
  /** {@code inactive_org}: the org is locked, closed or suspended. */
  OAUTH_INACTIVE_ORG(Kind.OAUTH),
  /** {@code rate_limit_exceeded}: too many token requests. */
  OAUTH_RATE_LIMIT_EXCEEDED(Kind.OAUTH),
  /** {@code invalid_token} from the revoke endpoint. */
  OAUTH_INVALID_TOKEN(Kind.OAUTH),
  /** {@code unsupported_token_type} from the revoke endpoint. */
  OAUTH_UNSUPPORTED_TOKEN_TYPE(Kind.OAUTH),
  /** Any other OAuth {@code error} value; the original value is in {@link SalesforceException#errors()}. */
  OAUTH_OTHER(Kind.OAUTH),

  /** {@code INVALID_SESSION_ID} (HTTP 401): the access token expired or was revoked; get a new one. */
  REST_INVALID_SESSION_ID(Kind.REST),
  /** {@code REQUEST_LIMIT_EXCEEDED} (HTTP 403): the org's API request limit is used up. */
  REST_REQUEST_LIMIT_EXCEEDED(Kind.REST),
  /** {@code MALFORMED_QUERY}: the SOQL does not parse. */
  REST_MALFORMED_QUERY(Kind.REST),
  /** {@code NOT_FOUND} (HTTP 404): no such resource or record. */
  REST_NOT_FOUND(Kind.REST),
  /** {@code INVALID_FIELD}: a field does not exist or is not visible. */
  REST_INVALID_FIELD(Kind.REST),
  /** {@code INVALID_TYPE}: the sObject type does not exist or is not visible. */
  REST_INVALID_TYPE(Kind.REST),
  /** {@code MALFORMED_ID}: an id has the wrong shape or key prefix. */
  REST_MALFORMED_ID(Kind.REST),
  /** {@code INVALID_QUERY_LOCATOR}: a {@code nextRecordsUrl} expired or was never issued. */
  REST_INVALID_QUERY_LOCATOR(Kind.REST),
  /** {@code ENTITY_IS_DELETED}: the record is in the recycle bin. */
  REST_ENTITY_IS_DELETED(Kind.REST),
  /** {@code INSUFFICIENT_ACCESS_OR_READONLY} and {@code INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY}. */
  REST_INSUFFICIENT_ACCESS(Kind.REST),
  /** {@code REQUIRED_FIELD_MISSING}. */
  REST_REQUIRED_FIELD_MISSING(Kind.REST),
  /** {@code DUPLICATE_VALUE}. */
  REST_DUPLICATE_VALUE(Kind.REST),
  /** {@code API_DISABLED_FOR_ORG} or {@code API_CURRENTLY_DISABLED}. */
  REST_API_DISABLED(Kind.REST),
  /** HTTP 410 or {@code UNSUPPORTED_API_VERSION}: the API version is retired. */
  REST_UNSUPPORTED_API_VERSION(Kind.REST),
  /** Any other REST {@code errorCode}; the original is in {@link SalesforceException#errors()}. */
  REST_OTHER(Kind.REST),

  /** {@code INVALID_SESSION_ID} fault: the session in the SessionHeader expired or was revoked. */
  METADATA_INVALID_SESSION_ID(Kind.METADATA),
  /** {@code INVALID_ID_FIELD} fault: no such deploy or retrieve id, a deploy already completed, a validation not quick-deployable. */
  METADATA_INVALID_ID_FIELD(Kind.METADATA),
  /** {@code INVALID_OPERATION} fault, e.g. {@code NoTestRun} in production or too many listMetadata queries. */
  METADATA_INVALID_OPERATION(Kind.METADATA),
  /** {@code INVALID_TYPE} fault: an unknown metadata type. */
  METADATA_INVALID_TYPE(Kind.METADATA),
  /** {@code UNSUPPORTED_API_VERSION} fault: the version in {@code /services/Soap/m/NN.0} is not served. */
  METADATA_UNSUPPORTED_API_VERSION(Kind.METADATA),
  /** {@code REQUEST_LIMIT_EXCEEDED} fault: the org's API request limit is used up. */
  METADATA_REQUEST_LIMIT_EXCEEDED(Kind.METADATA),
  /** {@code INSUFFICIENT_ACCESS} or {@code INSUFFICIENT_ACCESS_OR_READONLY} fault: the user lacks Modify Metadata. */
  METADATA_INSUFFICIENT_ACCESS(Kind.METADATA),
  /** {@code API_DISABLED_FOR_ORG} or {@code API_CURRENTLY_DISABLED} fault. */
  METADATA_API_DISABLED(Kind.METADATA),
  /** A SOAP {@code Client}, {@code VersionMismatch} or {@code MustUnderstand} fault: the server could not read the request. */
  METADATA_CLIENT_FAULT(Kind.METADATA),
  /** Any other fault code; the original is in {@link SalesforceException#errors()}. */
  METADATA_OTHER(Kind.METADATA),

  /** Salesforce answered HTTP 5xx without a Salesforce error body; retry later. */
  SERVER_ERROR(Kind.TRANSPORT),
  /** The connection failed: refused, reset, DNS, or the connect timeout passed. */
  TRANSPORT_UNAVAILABLE(Kind.TRANSPORT),
  /** The request was sent but no complete response came within the request timeout. */
  TRANSPORT_TIMEOUT(Kind.TRANSPORT),
  /** The TLS handshake failed, e.g. an untrusted or expired server certificate. */
  TRANSPORT_TLS(Kind.TRANSPORT),

  /** The response did not have the shape Salesforce documents (not JSON, a field missing, too large). */
  PROTOCOL_BAD_RESPONSE(Kind.PROTOCOL),

  /** The private key file does not exist or cannot be read. */
  KEY_FILE_MISSING(Kind.KEY),
  /** The private key file exists but does not hold a usable unencrypted PKCS#8 RSA key. */
  KEY_INVALID(Kind.KEY);

  /** Coarse grouping of the codes, e.g. for mapping to CLI exit codes. */
  public enum Kind {
    /** Salesforce's authorization server refused the request. */
    OAUTH,
    /** Salesforce's REST API refused the request. */
    REST,
    /** Salesforce's Metadata API answered with a SOAP fault. */
    METADATA,
    /** Salesforce could not be reached or failed; the same request may succeed later. */
    TRANSPORT,
    /** Salesforce (or whatever answered) broke the documented wire format. */
    PROTOCOL,
    /** Local configuration: the private key. */
    KEY
  }

  private final Kind kind;

  SalesforceErrorCode(Kind kind) {
    this.kind = kind;
  }

  /** The group this code belongs to. */
  public Kind kind() {
    return kind;
  }

  /** True when retrying the same request later may succeed ({@link Kind#TRANSPORT}). */
  public boolean isTransient() {
    return kind == Kind.TRANSPORT;
  }
}
