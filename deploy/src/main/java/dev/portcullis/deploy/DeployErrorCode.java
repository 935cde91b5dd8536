package dev.portcullis.deploy;

/** Why a deployment step failed, as {@link DeployException#code()} names it. */
public enum DeployErrorCode {
  /** The target org's metadata could not be retrieved. */
  RETRIEVE_FAILED,
  /** A component could not be diffed (its XML is refused or malformed). */
  DIFF_FAILED,
  /** The policy's answer could not be read (an obligation of the wrong shape). */
  POLICY_FAILED
}
