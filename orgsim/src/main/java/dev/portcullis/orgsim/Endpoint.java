package dev.portcullis.orgsim;

/** The endpoints the simulator counts requests for (see {@link Org#requestCount(Endpoint)}). */
public enum Endpoint {
  TOKEN,
  REVOKE,
  INTROSPECT,
  USERINFO,
  IDENTITY,
  VERSIONS,
  RESOURCES,
  LIMITS,
  DESCRIBE_GLOBAL,
  SOBJECT_INFO,
  DESCRIBE,
  CREATE,
  RETRIEVE,
  /** {@code GET …/sobjects/TYPE/ID/FIELD}: a base64 field's bytes. */
  BLOB,
  UPDATE,
  DELETE,
  QUERY,
  QUERY_ALL,
  QUERY_MORE,
  TOOLING,
  /** The Metadata API's SOAP binding, {@code /services/Soap/m/NN.0}. */
  METADATA_SOAP,
  /** The REST {@code …/metadata/deployRequest} resource. */
  DEPLOY_REQUEST,
  /** TEST ONLY: {@code POST /_orgsim/setup-audit-trail} records a change made by hand in Setup. */
  SETUP_CHANGE,
  UNKNOWN
}
