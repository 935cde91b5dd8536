package dev.portcullis.policy;

/** Stable codes for everything wrong with a policy bundle, a decision input or a policy test. */
public enum PolicyErrorCode {
  /** A file or directory could not be read. */
  FILE_UNREADABLE,
  /** The bundle directory holds no policy file. */
  NO_POLICY_FILES,
  /** Not valid YAML (or JSON). */
  YAML_SYNTAX,
  /** A field the format does not know. */
  UNKNOWN_FIELD,
  /** A required field is absent. */
  MISSING_FIELD,
  /** A field is present twice in one mapping. */
  DUPLICATE_FIELD,
  /** A value of the wrong kind or outside its range. */
  INVALID_VALUE,
  /** Two rules share an id. */
  DUPLICATE_RULE_ID,
  /** Two files define the same parameter. */
  DUPLICATE_PARAM,
  /** A {@code when} expression is not valid CEL syntax. */
  CEL_SYNTAX,
  /** A {@code when} expression does not type-check: unknown variable, field or function, or not a bool. */
  CEL_TYPE,
  /** An obligation the enforcement point does not know, or with arguments of the wrong shape. */
  INVALID_OBLIGATION,
  /** A rule's condition failed while it was evaluated (recorded in the decision, never thrown). */
  EVALUATION_ERROR
}
