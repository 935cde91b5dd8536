package dev.portcullis.salesforce.metadata;

import java.time.Instant;
import java.util.Objects;

/**
 * One component line of a deploy's details: a success or a failure (Metadata API Developer Guide,
 * "DeployResult", section "DeployMessage", meta_deployresult.htm). Absent text is empty, an absent
 * line or column 0.
 *
 * @param componentType e.g. {@code ApexClass}; empty for {@code package.xml} and for zip-level problems
 * @param fullName e.g. {@code AccountService}
 * @param fileName the file in the zip, e.g. {@code classes/AccountService.cls}
 * @param id the component's id in the org, or empty
 * @param success whether this component deployed
 * @param created it did not exist before
 * @param changed it differs from what the org had
 * @param deleted it was deleted ({@code destructiveChanges.xml})
 * @param problem what was wrong, for a failure or a warning
 * @param problemType {@code Warning}, {@code Error} or {@code Info}; empty for a success
 * @param lineNumber where in the file, or 0
 * @param columnNumber where in the line, or 0
 * @param createdDate when the component was created, or null
 */
public record DeployMessage(
    String componentType,
    String fullName,
    String fileName,
    String id,
    boolean success,
    boolean created,
    boolean changed,
    boolean deleted,
    String problem,
    String problemType,
    int lineNumber,
    int columnNumber,
    Instant createdDate) {
  public DeployMessage {
    Objects.requireNonNull(componentType, "componentType");
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(problemType, "problemType");
  }

  /** {@code fileName:line:column: problem}, or as much of it as is known. */
  public String describe() {
    StringBuilder text = new StringBuilder(fileName.isEmpty() ? fullName : fileName);
    if (lineNumber > 0) {
      text.append(':').append(lineNumber);
      if (columnNumber > 0) {
        text.append(':').append(columnNumber);
      }
    }
    if (!problem.isEmpty()) {
      text.append(": ").append(problem);
    }
    return text.toString();
  }
}
