package dev.portcullis.salesforce.metadata;

import java.util.Objects;
import java.util.Optional;

/**
 * One query of {@code listMetadata()}: a type, and for folder types (reports, dashboards, documents,
 * email templates) the folder (Metadata API Developer Guide, "listMetadata()", section
 * "ListMetadataQuery", meta_listmetadata.htm).
 */
public record ListMetadataQuery(String type, Optional<String> folder) {
  public ListMetadataQuery {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("a listMetadata query needs a type");
    }
    Objects.requireNonNull(folder, "folder");
  }

  /** A query for every component of {@code type}. */
  public static ListMetadataQuery of(String type) {
    return new ListMetadataQuery(type, Optional.empty());
  }
}
