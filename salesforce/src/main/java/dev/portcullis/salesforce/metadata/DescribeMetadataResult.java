package dev.portcullis.salesforce.metadata;

import java.util.List;
import java.util.Objects;

/**
 * The metadata types an org serves (Metadata API Developer Guide, "describeMetadata()", section
 * "DescribeMetadataResult", meta_describeMetadata.htm).
 *
 * @param organizationNamespace the org's namespace prefix, or empty
 * @param partialSaveAllowed whether a deploy may save some components when others fail
 * @param testRequired whether deploys must run tests (production)
 */
public record DescribeMetadataResult(
    List<DescribeMetadataObject> metadataObjects, String organizationNamespace, boolean partialSaveAllowed, boolean testRequired) {
  public DescribeMetadataResult {
    metadataObjects = List.copyOf(metadataObjects);
    Objects.requireNonNull(organizationNamespace, "organizationNamespace");
  }

  /**
   * One type (DescribeMetadataObject).
   *
   * @param xmlName e.g. {@code ApexClass}
   * @param directoryName the zip folder, e.g. {@code classes}
   * @param suffix the file suffix without the dot, e.g. {@code cls}; empty for none
   * @param inFolder whether components live in folders
   * @param metaFile whether each component has a {@code -meta.xml} beside it
   * @param childXmlNames types that live inside this one's files, e.g. {@code CustomField}
   */
  public record DescribeMetadataObject(
      String xmlName, String directoryName, String suffix, boolean inFolder, boolean metaFile, List<String> childXmlNames) {
    public DescribeMetadataObject {
      Objects.requireNonNull(xmlName, "xmlName");
      Objects.requireNonNull(directoryName, "directoryName");
      Objects.requireNonNull(suffix, "suffix");
      childXmlNames = List.copyOf(childXmlNames);
    }
  }
}
