package dev.portcullis.deploy.diff;

import java.util.Objects;

/**
 * One component as it is in the target org and as the package would leave it: the input of the diff.
 *
 * <p>{@code type} is the Metadata API type's {@code xmlName} as {@code package.xml} spells it
 * ({@code Profile}, {@code ApexClass}, {@code Settings}); {@code fullName} is the member name
 * ({@code Admin}, {@code Security} for {@code settings/Security.settings}). {@code before} is the
 * document retrieved from the org, {@code null} when the component is new; {@code after} is the
 * document from the package, {@code null} when {@code destructiveChanges} deletes it. Both are
 * Metadata API format XML, except for {@code ApexClass} and {@code ApexTrigger}, whose documents
 * are the Apex source ({@code .cls}, {@code .trigger}). {@code sourceFile} names the file the
 * {@code after} document came from (a path in the project or package, for SARIF), or the
 * destructive-changes manifest for a deletion; it may be {@code null}.
 */
public record ComponentVersions(String type, String fullName, String before, String after, String sourceFile) {

  public ComponentVersions {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fullName, "fullName");
  }

  /** A component the package adds: the org has no such component. */
  public static ComponentVersions added(String type, String fullName, String after, String sourceFile) {
    return new ComponentVersions(type, fullName, null, Objects.requireNonNull(after, "after"), sourceFile);
  }

  /** A component the package replaces. */
  public static ComponentVersions changed(
      String type, String fullName, String before, String after, String sourceFile) {
    return new ComponentVersions(
        type, fullName, Objects.requireNonNull(before, "before"), Objects.requireNonNull(after, "after"), sourceFile);
  }

  /** A component {@code destructiveChanges} deletes; {@code sourceFile} names the manifest, if known. */
  public static ComponentVersions deleted(String type, String fullName, String before, String sourceFile) {
    return new ComponentVersions(type, fullName, Objects.requireNonNull(before, "before"), null, sourceFile);
  }

  /** {@code Type:fullName}, as errors and messages name the component. */
  public String label() {
    return type + ":" + fullName;
  }
}
