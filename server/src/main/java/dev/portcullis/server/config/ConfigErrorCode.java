package dev.portcullis.server.config;

/** Stable codes for configuration problems; scripts and the CLI key on them. */
public enum ConfigErrorCode {
  /** The file cannot be read. */
  FILE_UNREADABLE,
  /** The file is not well-formed YAML. */
  YAML_SYNTAX,
  /** A field this version does not know. */
  UNKNOWN_FIELD,
  /** The same field twice in one mapping. */
  DUPLICATE_FIELD,
  /** A value of the wrong YAML type (a list where a mapping belongs, text where a number belongs). */
  WRONG_TYPE,
  /** A required field is absent or empty. */
  MISSING_FIELD,
  /** A value outside the allowed set or range (port, duration, format, level, environment). */
  INVALID_VALUE,
  /** Two orgs with the same alias. */
  DUPLICATE_ALIAS,
  /** A URL that does not parse or lacks a scheme or host. */
  BAD_URL,
  /** Plain http to a host that is not loopback. */
  INSECURE_URL,
  /** A login URL that belongs to the other kind of org (sandbox vs production). */
  ENVIRONMENT_MISMATCH,
  /** A {@code ${NAME}} reference to an environment variable that is not set. */
  UNSET_VARIABLE,
  /** A file named by the configuration does not exist or cannot be read. */
  FILE_NOT_FOUND,
  /** A file that is not what the field needs: a certificate instead of a key, an encrypted key, PKCS#1. */
  BAD_KEY_FILE,
  /** A secret written literally in the file instead of a {@code ${NAME}} reference (a warning). */
  LITERAL_SECRET
}
