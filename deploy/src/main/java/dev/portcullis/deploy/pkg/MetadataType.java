package dev.portcullis.deploy.pkg;

import java.util.List;
import java.util.Optional;

/**
 * One metadata type as the registry ({@code metadata-types.tsv}) describes it: where its files live in
 * source format and in Metadata API format, and how one becomes the other.
 *
 * @param xmlName the name in {@code package.xml}, e.g. {@code ApexClass}
 * @param directory the Metadata API folder, e.g. {@code classes}; empty for embedded children
 * @param suffix the file suffix without dot, e.g. {@code cls}; empty for bundles and embedded children
 * @param strict whether source files are recognised only inside a folder named {@link #directory}
 * @param strategy how source format becomes Metadata API format
 * @param parent for children, the parent type's xmlName
 * @param xmlElement for children, the element that holds one child in the parent's XML
 * @param children child types (decomposed or embedded), filled in by the registry
 * @param listed whether a component of this type is a {@code package.xml} member; false only for children the
 *     CLI's registry marks not addressable (CustomFieldTranslation: merged into its parent, never listed)
 */
record MetadataType(
    String xmlName,
    String directory,
    String suffix,
    boolean strict,
    Strategy strategy,
    Optional<String> parent,
    Optional<String> xmlElement,
    List<MetadataType> children,
    boolean listed) {

  /** How a type's source files map to its Metadata API files (see the registry file's header). */
  enum Strategy {
    METADATA("metadata"),
    CONTENT("content"),
    BUNDLE("bundle"),
    MIXED_CONTENT("mixed-content"),
    STATIC_RESOURCE("static-resource"),
    DECOMPOSED("decomposed"),
    DECOMPOSED_CHILD("decomposed-child"),
    MERGED("merged"),
    EMBEDDED_CHILD("embedded-child"),
    FOLDER("folder"),
    IN_FOLDER("in-folder"),
    IN_FOLDER_CONTENT("in-folder-content"),
    DOCUMENT("document");

    /** Whether components of this strategy live inside folders of a {@link #FOLDER} type. */
    boolean inFolder() {
      return this == IN_FOLDER || this == IN_FOLDER_CONTENT || this == DOCUMENT;
    }

    private final String word;

    Strategy(String word) {
      this.word = word;
    }

    static Optional<Strategy> of(String word) {
      for (Strategy strategy : values()) {
        if (strategy.word.equals(word)) {
          return Optional.of(strategy);
        }
      }
      return Optional.empty();
    }
  }

  MetadataType {
    children = List.copyOf(children);
  }

  MetadataType withChildren(List<MetadataType> newChildren) {
    return new MetadataType(xmlName, directory, suffix, strict, strategy, parent, xmlElement, newChildren, listed);
  }

  /** The Metadata API file name of a component of this type, e.g. {@code Foo.cls}. */
  String metadataFileName(String name) {
    return name + "." + suffix;
  }
}
