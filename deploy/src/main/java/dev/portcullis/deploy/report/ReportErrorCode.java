package dev.portcullis.deploy.report;

/**
 * Stable codes for every failure of the findings report. Users' scripts and the CLI key on these
 * names: never rename one, only add.
 */
public enum ReportErrorCode {
  /** {@code --fail-on} names no severity the report knows (a usage error: exit code 2). */
  FAIL_ON_INVALID
}
