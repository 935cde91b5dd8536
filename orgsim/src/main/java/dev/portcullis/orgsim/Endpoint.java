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
  UPDATE,
  DELETE,
  QUERY,
  QUERY_ALL,
  QUERY_MORE,
  TOOLING,
  UNKNOWN
}
