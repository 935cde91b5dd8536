package dev.portcullis.server.config;

import java.nio.file.Path;

/**
 * One thing wrong (or doubtful) in a configuration file, with its position.
 *
 * @param file the configuration file
 * @param line 1-based line, 0 when the problem concerns the whole file
 * @param column 1-based column, 0 when the problem concerns the whole file
 * @param severity {@link Severity#ERROR} stops the server from starting; a warning does not
 * @param code stable code for scripts
 * @param message what is wrong; never contains a secret value
 * @param suggestion how to fix it, or {@code null}
 */
public record Problem(
    Path file,
    int line,
    int column,
    Severity severity,
    ConfigErrorCode code,
    String message,
    String suggestion) {

  public enum Severity {
    ERROR,
    WARNING
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code FILE:LINE:COL: message (suggestion)}, prefixed with {@code warning: } for warnings. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(file);
    if (line > 0) {
      text.append(':').append(line).append(':').append(column);
    }
    text.append(": ");
    if (severity == Severity.WARNING) {
      text.append("warning: ");
    }
    text.append(message);
    if (suggestion != null && !suggestion.isEmpty()) {
      text.append(" (").append(suggestion).append(')');
    }
    return text.toString();
  }
}
