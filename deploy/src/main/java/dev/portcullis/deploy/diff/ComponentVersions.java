package dev.portcullis.deploy.diff;

import java.util.List;
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
public record ComponentVersions(String type, String fullName, String before, String after, String sourceFile,
    List<ChildFile> childFiles) {

  public ComponentVersions {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fullName, "fullName");
    childFiles = childFiles == null ? List.of() : List.copyOf(childFiles);
  }

  /** A component whose {@code after} document is one source file. */
  public ComponentVersions(String type, String fullName, String before, String after, String sourceFile) {
    this(type, fullName, before, after, sourceFile, List.of());
  }

  /**
   * A source file inlined into the {@code after} document (a field's file in a recomposed object): the element on
   * lines {@code firstLine} to {@code lastLine} of {@code after} is the root element of {@code content} (the
   * file's bytes, UTF-8, decoded only when a change lands in it), so a
   * change inside it is located in {@code file} instead of {@link #sourceFile()}.
   */
  public record ChildFile(String file, int firstLine, int lastLine, byte[] content) {
    public ChildFile {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(content, "content");
    }
  }

  /** This component with the files inlined into its {@code after} document. */
  public ComponentVersions withChildFiles(List<ChildFile> files) {
    return new ComponentVersions(type, fullName, before, after, sourceFile, files);
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
