package dev.portcullis.deploy.pkg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads a package already in Metadata API format (a directory or the entries of a zip): the manifests
 * at its root, and each file assigned to a component by its folder and suffix. A zip whose files all
 * sit under one top folder holding {@code package.xml} (as retrieve results do) is read from that folder.
 * Children inside decomposed and embedded-child parents (fields of an object, sharing rules) are listed
 * as components of their own, pointing at the parent's file. Files of unknown types are kept and reported.
 */
final class MetadataDirectoryReader {
  private MetadataDirectoryReader() {}

  /** The files of {@code directory}, by '/'-separated relative path, sorted. */
  static Map<String, byte[]> files(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, directory + ": not a directory");
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path file : walk.filter(SourceConverter::regularNotLinked).sorted(Comparator.naturalOrder()).toList()) {
        out.put(directory.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, directory + ": " + e.getMessage(), e);
    }
    return out;
  }

  static MetadataPackage read(Map<String, byte[]> raw, String where) {
    Map<String, byte[]> files = stripCommonRoot(raw);
    MetadataRegistry registry = MetadataRegistry.standard();
    byte[] packageXmlBytes = files.get(MetadataPackage.PACKAGE_XML);
    if (packageXmlBytes == null) {
      throw new PackageException(PackageErrorCode.MANIFEST_INVALID, where + MetadataPackage.PACKAGE_XML
          + ": missing (a Metadata API package has package.xml at its root)");
    }
    Manifest packageXml = Manifest.parse(packageXmlBytes, where + MetadataPackage.PACKAGE_XML);
    Map<MetadataPackage.DestructivePhase, Manifest> destructive = new EnumMap<>(MetadataPackage.DestructivePhase.class);
    for (MetadataPackage.DestructivePhase phase : MetadataPackage.DestructivePhase.values()) {
      byte[] bytes = files.get(phase.fileName());
      if (bytes != null) {
        destructive.put(phase, Manifest.parse(bytes, where + phase.fileName()));
      }
    }
    SortedMap<String, byte[]> entries = new TreeMap<>();
    SortedMap<String, String> sources = new TreeMap<>();
    Map<String, MetadataPackage.Component> components = new LinkedHashMap<>();
    List<MetadataPackage.PackageFile> unknown = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String path = e.getKey();
      if (path.equals(MetadataPackage.PACKAGE_XML) || isDestructive(path)) {
        continue;
      }
      entries.put(path, e.getValue());
      sources.put(path, where + path);
      Optional<String[]> identity = identify(registry, path);
      if (identity.isEmpty()) {
        unknown.add(new MetadataPackage.PackageFile(path, where + path));
        continue;
      }
      String type = identity.get()[0];
      String name = identity.get()[1];
      components.merge(type + ":" + name, new MetadataPackage.Component(type, name, List.of(path), List.of(where + path)),
          (a, b) -> new MetadataPackage.Component(type, name, concat(a.files(), b.files()), concat(a.sources(), b.sources())));
      MetadataType t = registry.byXmlName(type).orElseThrow();
      if (!t.children().isEmpty() && path.endsWith("." + t.suffix())) {
        Document document = SafeXml.parse(e.getValue(), where + path);
        for (Element element : SafeXml.children(document.getDocumentElement())) {
          for (MetadataType child : t.children()) {
            if (child.listed() && child.xmlElement().orElse("").equals(element.getLocalName())) {
              String childName = SafeXml.childText(element, "fullName");
              if (childName != null) {
                String full = t.strategy() == MetadataType.Strategy.MERGED ? childName.trim() : name + "." + childName.trim();
                components.putIfAbsent(child.xmlName() + ":" + full, new MetadataPackage.Component(child.xmlName(), full,
                    List.of(path), List.of(where + path)));
              }
            }
          }
        }
      }
    }
    List<MetadataPackage.Component> list = new ArrayList<>(components.values());
    list.sort(Comparator.comparing(MetadataPackage.Component::type).thenComparing(MetadataPackage.Component::fullName));
    return new MetadataPackage(packageXml.version().orElse(SourceConverter.DEFAULT_API_VERSION), list, entries, sources,
        packageXml, destructive, unknown);
  }

  private static boolean isDestructive(String path) {
    for (MetadataPackage.DestructivePhase phase : MetadataPackage.DestructivePhase.values()) {
      if (phase.fileName().equals(path)) {
        return true;
      }
    }
    return false;
  }

  /** {@code [type, fullName]} of a Metadata API path, or empty for a file of an unknown type. */
  static Optional<String[]> identify(MetadataRegistry registry, String path) {
    int slash = path.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String directory = path.substring(0, slash);
    String rest = path.substring(slash + 1);
    Optional<MetadataType> folder = registry.folderType(directory);
    if (folder.isPresent() && (folder.get().strategy() == MetadataType.Strategy.BUNDLE
        || folder.get().strategy() == MetadataType.Strategy.MIXED_CONTENT)) {
      int next = rest.indexOf('/');
      if (next < 0 && folder.get().strategy() == MetadataType.Strategy.MIXED_CONTENT) {
        // the component's own NAME.SUFFIX-meta.xml beside its folder (experiences/Site1.site-meta.xml)
        String meta = "." + folder.get().suffix() + "-meta.xml";
        return rest.endsWith(meta) && rest.length() > meta.length()
            ? Optional.of(new String[] {folder.get().xmlName(), rest.substring(0, rest.length() - meta.length())})
            : Optional.empty();
      }
      return next <= 0 ? Optional.empty() : Optional.of(new String[] {folder.get().xmlName(), rest.substring(0, next)});
    }
    Optional<String[]> foldered = identifyInFolder(registry, directory, rest);
    if (foldered.isPresent() || rest.contains("/")) {
      return foldered;
    }
    String file = rest.endsWith("-meta.xml") ? rest.substring(0, rest.length() - "-meta.xml".length()) : rest;
    int dot = file.lastIndexOf('.');
    Optional<MetadataType> found = dot <= 0 ? Optional.empty() : registry.forMetadataFile(directory, file.substring(dot + 1));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    MetadataType t = found.get();
    boolean metaAllowed = t.strategy() == MetadataType.Strategy.CONTENT
        || t.strategy() == MetadataType.Strategy.STATIC_RESOURCE;
    if ((rest.endsWith("-meta.xml") && !metaAllowed) || !file.endsWith("." + t.suffix())) {
      return Optional.empty();
    }
    return Optional.of(new String[] {t.xmlName(), file.substring(0, file.length() - t.suffix().length() - 1)});
  }

  /**
   * {@code [type, fullName]} of a file in the directory of a type kept in folders, as the Metadata API
   * lays them out (Developer Guide, "Folder": a folder is {@code FolderName-meta.xml} beside its contents):
   * {@code Sales-meta.xml} is ReportFolder {@code Sales}, {@code Sales/Q1.report} is Report {@code Sales/Q1},
   * {@code Brand/logo.png} and {@code Brand/logo.png-meta.xml} are Document {@code Brand/logo}.
   */
  private static Optional<String[]> identifyInFolder(MetadataRegistry registry, String directory, String rest) {
    Optional<MetadataType> folderType = registry.byDirectory(directory).stream()
        .filter(t -> t.strategy() == MetadataType.Strategy.FOLDER).findFirst();
    if (folderType.isEmpty()) {
      return Optional.empty();
    }
    MetadataType content = registry.folderContentType(folderType.get()).orElseThrow();
    boolean meta = rest.endsWith("-meta.xml");
    String file = meta ? rest.substring(0, rest.length() - "-meta.xml".length()) : rest;
    int slash = file.lastIndexOf('/');
    String last = file.substring(slash + 1);
    if (file.isEmpty() || last.isEmpty() || file.startsWith("/") || file.contains("//")) {
      return Optional.empty();
    }
    if (meta && !last.contains(".")) {
      return Optional.of(new String[] {folderType.get().xmlName(), file});
    }
    if (slash < 0) {
      return Optional.empty();
    }
    String name = switch (content.strategy()) {
      case IN_FOLDER -> !meta && last.endsWith("." + content.suffix()) ? last.substring(0, last.length() - content.suffix().length() - 1) : null;
      case IN_FOLDER_CONTENT -> last.endsWith("." + content.suffix()) ? last.substring(0, last.length() - content.suffix().length() - 1) : null;
      case DOCUMENT -> last.indexOf('.') > 0 ? last.substring(0, last.indexOf('.')) : null;
      default -> null;
    };
    return name == null || name.isEmpty() ? Optional.empty()
        : Optional.of(new String[] {content.xmlName(), file.substring(0, slash + 1) + name});
  }

  private static Map<String, byte[]> stripCommonRoot(Map<String, byte[]> files) {
    if (files.containsKey(MetadataPackage.PACKAGE_XML)) {
      return files;
    }
    String root = null;
    for (String path : files.keySet()) {
      int slash = path.indexOf('/');
      String first = slash < 0 ? "" : path.substring(0, slash + 1);
      if (first.isEmpty() || (root != null && !root.equals(first))) {
        return files;
      }
      root = first;
    }
    if (root == null || !files.containsKey(root + MetadataPackage.PACKAGE_XML)) {
      return files;
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    String prefix = root;
    files.forEach((path, bytes) -> out.put(path.substring(prefix.length()), bytes));
    return out;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
