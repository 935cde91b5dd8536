package dev.portcullis.deploy;

/** Why a deployment step failed, as {@link DeployException#code()} names it. */
public enum DeployErrorCode {
  /** The target org's metadata could not be retrieved. */
  RETRIEVE_FAILED,
  /** A component could not be diffed (its XML is refused or malformed). */
  DIFF_FAILED,
  /** The policy's answer could not be read (an obligation of the wrong shape). */
  POLICY_FAILED,
  /** No deployment, validation or snapshot of that id. */
  NOT_FOUND,
  /** The deployment is not in a state that allows the step (started twice, finished before it started …). */
  WRONG_STATE,
  /** A snapshot could not be written or read back intact. */
  SNAPSHOT_FAILED,
  /** A step could not be stored or recorded in the ledger. */
  NOT_RECORDED
}
