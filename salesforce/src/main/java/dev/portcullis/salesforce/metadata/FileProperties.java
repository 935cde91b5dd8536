package dev.portcullis.salesforce.metadata;

import java.time.Instant;
import java.util.Objects;

/**
 * One component of a retrieve or of {@code listMetadata()} (Metadata API Developer Guide,
 * "FileProperties", meta_fileproperties.htm). Absent text is empty, absent dates null.
 *
 * @param type e.g. {@code ApexClass}; {@code Package} for the manifest of a retrieve
 * @param fullName e.g. {@code AccountService}
 * @param fileName e.g. {@code unpackaged/classes/AccountService.cls}
 * @param manageableState e.g. {@code unmanaged}, {@code installed}
 */
public record FileProperties(
    String type,
    String fullName,
    String fileName,
    String id,
    String namespacePrefix,
    String manageableState,
    String createdById,
    String createdByName,
    Instant createdDate,
    String lastModifiedById,
    String lastModifiedByName,
    Instant lastModifiedDate) {
  public FileProperties {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespacePrefix, "namespacePrefix");
    Objects.requireNonNull(manageableState, "manageableState");
    Objects.requireNonNull(createdById, "createdById");
    Objects.requireNonNull(createdByName, "createdByName");
    Objects.requireNonNull(lastModifiedById, "lastModifiedById");
    Objects.requireNonNull(lastModifiedByName, "lastModifiedByName");
  }
}
