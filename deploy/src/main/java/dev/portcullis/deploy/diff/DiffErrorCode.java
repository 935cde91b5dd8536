package dev.portcullis.deploy.diff;

/**
 * Stable codes for every failure of the semantic diff. The ledger, the SIEM and users' scripts key
 * on these names: never rename one, only add.
 */
public enum DiffErrorCode {
  /** A document declares a DTD ({@code <!DOCTYPE ...>}); refused so no entity can be expanded or fetched. */
  XML_DTD_REFUSED,
  /** A document is not well-formed XML. */
  XML_MALFORMED,
  /** A document is larger or deeper than the diff accepts. */
  XML_TOO_LARGE,
  /** A component is described inconsistently: no type or name, or neither a before nor an after document. */
  INVALID_COMPONENT,
  /** The dangerous-permission list (the built-in resource or a given file) is unreadable or malformed. */
  DANGEROUS_PERMISSIONS_INVALID
}
