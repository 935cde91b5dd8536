package dev.portcullis.salesforce.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a retrieve is, and when done its zip (Metadata API Developer Guide, "RetrieveResult",
 * meta_retrieveresult.htm; returned by {@code checkRetrieveStatus()}, meta_checkretrievestatus.htm).
 *
 * <p>The zip's bytes are decoded but not opened: read them with the package reader's limits
 * (entry count, sizes, ratio, paths), as anything else from the network.
 *
 * @param zipFile the retrieved zip, present when done and asked for
 */
public record RetrieveResult(
    String id,
    Status status,
    boolean done,
    boolean success,
    String errorMessage,
    String errorStatusCode,
    List<FileProperties> fileProperties,
    List<RetrieveMessage> messages,
    Optional<byte[]> zipFile) {

  /** RetrieveStatus (meta_retrieveresult.htm, field {@code status}). */
  public enum Status {
    Pending, InProgress, Succeeded, Failed;

    public boolean isFinal() {
      return this == Succeeded || this == Failed;
    }
  }

  /** A problem with one file, e.g. "Entity of type 'ApexClass' named 'X' cannot be found" (RetrieveMessage). */
  public record RetrieveMessage(String fileName, String problem) {
    public RetrieveMessage {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(problem, "problem");
    }
  }

  public RetrieveResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(errorStatusCode, "errorStatusCode");
    fileProperties = List.copyOf(fileProperties);
    messages = List.copyOf(messages);
    Objects.requireNonNull(zipFile, "zipFile");
  }
}
