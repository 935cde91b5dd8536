package dev.portcullis.policy;

import java.util.Objects;

/**
 * One thing wrong in a policy bundle or a decision input, with its position.
 *
 * @param file the file, relative to the bundle directory (or as given for an input file)
 * @param line 1-based line, 0 when the problem concerns the whole file
 * @param column 1-based column, 0 when the problem concerns the whole file
 * @param code stable code for scripts
 * @param message what is wrong
 */
public record PolicyProblem(String file, int line, int column, PolicyErrorCode code, String message) {
  public PolicyProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** {@code FILE:LINE:COLUMN: message}, or {@code FILE: message} for the whole file. */
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
  }
}
