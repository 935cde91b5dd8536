package dev.portcullis.deploy.pkg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Converts SFDX source format to Metadata API format, producing what {@code sf project convert source}
 * writes for the same files (same paths, same {@code package.xml} members, XML equal after
 * canonicalisation).
 *
 * <p>Design. Every file under the source directories (less {@code .forceignore}d ones) is classified
 * once, by path: a file inside a bundle folder ({@code lwc/NAME/…}) belongs to that bundle; inside
 * {@code objects/NAME/} to that decomposed object (its own {@code NAME.object-meta.xml}, or a child whose
 * suffix the registry lists); inside {@code staticresources/} to the resource named by its first path
 * segment; a file of a type kept in folders (reports, dashboards, email templates, documents) or of one
 * of their folders to the component named by its path below the type's directory ({@code Sales/Pipeline});
 * a {@code NAME.SUFFIX-meta.xml} elsewhere to the type registered for SUFFIX (and, for
 * content types, the {@code NAME.SUFFIX} beside it). What is left is unknown: copied through untouched
 * at its path inside the source directory and reported. Then each component is emitted:
 * metadata-only files are copied byte for byte under their new name (as the CLI does); decomposed
 * objects are recomposed (the parent's elements, then each child under its element name, in path
 * order, which is the CLI's order); merged types (CustomLabels) are merged from every file and sorted by
 * {@code fullName}; directory-form static resources are zipped deterministically.
 *
 * <p>Invariants: no file is dropped (it is converted, ignored by {@code .forceignore}, or passed through
 * as unknown); two inputs never silently become one output (a clash is a {@link PackageErrorCode#DUPLICATE_ENTRY}
 * naming both); all XML that is parsed is parsed with DTDs refused.
 */
final class SourceConverter {
  /** The API version written when neither the manifest, the caller nor sfdx-project.json gives one. */
  static final String DEFAULT_API_VERSION = "65.0";

  private static final String META = "-meta.xml";

  /**
   * The opt-in source layout with one {@code NAME.label-meta.xml} (root {@code <CustomLabel>}) per label
   * (source-deploy-retrieve's presets of that name; set in sfdx-project.json's sourceBehaviorOptions).
   */
  static final Set<String> DECOMPOSED_LABELS =
      Set.of("decomposeCustomLabels", "decomposeCustomLabelsBeta", "decomposeCustomLabelsBeta2");

  /** The folder types whose package.xml member ends with '/' (see {@link #packageMember}). */
  private static final Set<String> FOLDERS_NAMED_WITH_SLASH = Set.of("DashboardFolder", "ReportFolder", "EmailTemplateFolder");

  private final MetadataRegistry registry;
  private boolean decomposedLabels;

  SourceConverter(MetadataRegistry registry) {
    this.registry = registry;
  }

  /** One source file: where it is and its path inside its source directory. */
  private record SourceFile(Path path, String relative, int order, byte[] bytes) {
    String[] segments() {
      return relative.split("/");
    }

    String name() {
      return path.getFileName().toString();
    }
  }

  /** A component being assembled. */
  private static final class Draft {
    final MetadataType type;
    final String name;
    SourceFile main;
    /** For types kept in folders: the Metadata API paths of the main file and (documents) of its -meta.xml. */
    String path;
    String metaPath;
    boolean folderForm;
    final List<SourceFile> content = new ArrayList<>();
    final List<SourceFile> children = new ArrayList<>();

    Draft(MetadataType type, String name) {
      this.type = type;
      this.name = name;
    }
  }

  MetadataPackage convert(List<Path> directories, Optional<Manifest> manifest, Optional<String> apiVersion) {
    if (directories.isEmpty()) {
      throw new PackageException(PackageErrorCode.PROJECT_INVALID, "no source directory given");
    }
    Optional<SfdxProject> project = SfdxProject.enclosing(directories.get(0));
    ForceIgnore ignore = project.map(SfdxProject::ignore).orElse(ForceIgnore.none());
    record Found(Path file, String relative) {}
    List<Found> found = new ArrayList<>();
    for (Path directory : directories) {
      if (!Files.isDirectory(directory)) {
        throw new PackageException(PackageErrorCode.FILE_UNREADABLE, directory + ": not a directory");
      }
      Path absolute = directory.toAbsolutePath().normalize();
      Path base = project.map(SfdxProject::root).orElse(directory).toAbsolutePath().normalize();
      String prefix = absolute.equals(base) ? "" : base.relativize(absolute).toString().replace('\\', '/') + "/";
      for (Found f : list(directory).stream().map(p -> new Found(p.file(), p.relative())).toList()) {
        if (!ignore.ignores(prefix + f.relative())) {
          found.add(f);
        }
      }
    }
    // Reading is most of the work for large projects: files are read in parallel, kept in walk order.
    List<SourceFile> files = java.util.stream.IntStream.range(0, found.size()).parallel()
        .mapToObj(i -> new SourceFile(found.get(i).file(), found.get(i).relative(), i, readBytes(found.get(i).file())))
        .toList();
    Map<String, Draft> drafts = new LinkedHashMap<>();
    List<SourceFile> unknown = new ArrayList<>();
    decomposedLabels = project.map(p -> p.sourceBehaviorOptions().stream().anyMatch(DECOMPOSED_LABELS::contains))
        .orElse(false);
    classify(files, drafts, unknown);

    String version = manifest.flatMap(Manifest::version).or(() -> apiVersion)
        .or(() -> project.flatMap(SfdxProject::sourceApiVersion)).orElse(DEFAULT_API_VERSION);
    return emit(drafts, unknown, manifest, version);
  }

  /** A file found under a source directory, with its '/'-separated path relative to it. */
  private record Listed(Path file, String relative) {}

  /**
   * The files under {@code directory}, sorted by relative path (the CLI's walk order for children). One
   * {@code lstat} per entry: the walk's own attributes say whether it is a regular file or a link.
   */
  private static List<Listed> list(Path directory) {
    List<Listed> listed = new ArrayList<>();
    // The walk names each file by resolving against `directory`, so its relative path is a suffix of
    // that name (Path.relativize, kept for anything else, costs more than the rest of the visit).
    String prefix = directory.toString().isEmpty() ? "" : directory + directory.getFileSystem().getSeparator();
    try {
      Files.walkFileTree(directory, new java.nio.file.SimpleFileVisitor<>() {
        @Override
        public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isSymbolicLink()) { // links are not followed, so a linked folder is seen here too
            throw linked(file);
          }
          if (attributes.isRegularFile()) {
            String name = file.toString();
            String relative = name.startsWith(prefix) ? name.substring(prefix.length()) : directory.relativize(file).toString();
            listed.add(new Listed(file, relative.replace('\\', '/')));
          }
          return java.nio.file.FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, directory + ": " + e.getMessage(), e);
    }
    listed.sort(Comparator.comparing(Listed::relative));
    return listed;
  }

  private void classify(List<SourceFile> files, Map<String, Draft> drafts, List<SourceFile> unknown) {
    Map<Path, SourceFile> byPath = new HashMap<>();
    files.forEach(f -> byPath.put(f.path(), f));
    Map<Path, List<SourceFile>> byParent = new HashMap<>();
    files.forEach(f -> byParent.computeIfAbsent(f.path().getParent(), k -> new ArrayList<>()).add(f));
    Set<Path> claimed = new HashSet<>();
    List<SourceFile> candidates = new ArrayList<>();
    for (SourceFile file : files) {
      if (claimed.contains(file.path())) {
        continue;
      }
      String[] seg = file.segments();
      if (placedInFolder(file, seg, drafts)) {
        claimed.add(file.path());
        continue;
      }
      String name = file.name();
      if (!name.endsWith(META)) {
        candidates.add(file);
        continue;
      }
      String base = name.substring(0, name.length() - META.length());
      int dot = base.lastIndexOf('.');
      String folder = seg.length >= 2 ? seg[seg.length - 2] : "";
      if (decomposedLabels && base.endsWith(".label") && dot > 0) {
        MetadataType labels = registry.byXmlName("CustomLabels").orElseThrow();
        draft(drafts, labels, labels.xmlName(), null).children.add(file);
        claimed.add(file.path());
        continue;
      }
      Optional<MetadataType> type = dot <= 0 ? Optional.empty() : registry.forSourceFile(folder, base.substring(dot + 1))
          .or(() -> registry.forFolderFile(base.substring(dot + 1)));
      if (type.isPresent() && (type.get().strategy().inFolder() || type.get().strategy() == MetadataType.Strategy.FOLDER)) {
        if (!placedInTypeFolder(file, seg, base, type.get(), drafts, byPath, byParent, claimed)) {
          unknown.add(file);
        }
        claimed.add(file.path());
        continue;
      }
      if (type.isEmpty() || (type.get().strict() && !folder.equals(type.get().directory()))) {
        unknown.add(file);
        claimed.add(file.path());
        continue;
      }
      MetadataType t = type.get();
      String fullName = base.substring(0, dot);
      switch (t.strategy()) {
        case METADATA, DECOMPOSED, MIXED_CONTENT -> draft(drafts, t, fullName, file).main = file;
        case MERGED -> draft(drafts, t, t.xmlName(), null).children.add(file);
        case CONTENT -> {
          Draft d = draft(drafts, t, fullName, file);
          d.main = file;
          SourceFile content = byPath.get(file.path().resolveSibling(base));
          if (content == null) {
            throw new PackageException(PackageErrorCode.COMPONENT_INVALID,
                file.path() + ": the content file " + base + " is missing beside it");
          }
          d.content.add(content);
          claimed.add(content.path());
        }
        default -> unknown.add(file);
      }
      claimed.add(file.path());
    }
    for (SourceFile candidate : candidates) {
      if (!claimed.contains(candidate.path())) {
        unknown.add(candidate);
      }
    }
    unknown.sort(Comparator.comparingInt(SourceFile::order));
  }

  /**
   * A file of a type kept in folders (Report, Dashboard, EmailTemplate, Document) or of one of those folders,
   * named as source-deploy-retrieve 12.37.2 names it: the path below the last segment equal to the type's
   * directory, each segment a folder, the file's name up to its first dot (utils/path.js parseNestedFullName),
   * so {@code reports/Sales/Europe/Q1.report-meta.xml} is Report {@code Sales/Europe/Q1}. Metadata API
   * paths keep that folder structure (utils/path.js trimUntil); a folder's file drops its suffix
   * ({@code reports/Sales.reportFolder-meta.xml} -> {@code reports/Sales-meta.xml}) and a document's
   * {@code -meta.xml} takes its content file's extension ({@code logo.document-meta.xml} -> {@code logo.png-meta.xml})
   * (convert/transformers/defaultMetadataTransformer.js getXmlDestination). Documents live one folder deep
   * (Metadata API Developer Guide, "Document": "All documents must be in a document folder, for example
   * sampleFolder/TestDocument"; document folders do not nest), so a deeper document is left unknown.
   *
   * @return false if the file is not inside the type's directory (it is then passed through as unknown)
   */
  private boolean placedInTypeFolder(SourceFile file, String[] seg, String base, MetadataType t, Map<String, Draft> drafts,
      Map<Path, SourceFile> byPath, Map<Path, List<SourceFile>> byParent, Set<Path> claimed) {
    int top = -1;
    for (int i = seg.length - 2; i >= 0; i--) {
      if (seg[i].equals(t.directory())) {
        top = i;
        break;
      }
    }
    if (top < 0) {
      return false;
    }
    List<String> folders = List.of(seg).subList(top + 1, seg.length - 1);
    String name = baseName(base);
    if (name.isEmpty() || (t.strategy() == MetadataType.Strategy.DOCUMENT && folders.size() != 1)) {
      return false;
    }
    String directory = String.join("/", concat(List.of(t.directory()), folders));
    String fullName = String.join("/", concat(folders, List.of(name)));
    Draft d = draft(drafts, t, fullName, file);
    if (d.main != null) {
      throw duplicate(d.main, file);
    }
    d.main = file;
    switch (t.strategy()) {
      case FOLDER -> d.path = directory + "/" + name + META;
      case IN_FOLDER -> d.path = directory + "/" + base;
      case IN_FOLDER_CONTENT -> {
        SourceFile content = byPath.get(file.path().resolveSibling(base));
        if (content == null) {
          throw new PackageException(PackageErrorCode.COMPONENT_INVALID,
              file.path() + ": the content file " + base + " is missing beside it");
        }
        d.content.add(content);
        claimed.add(content.path());
        d.path = directory + "/" + base;
        d.metaPath = d.path + META;
      }
      case DOCUMENT -> {
        List<SourceFile> contents = byParent.getOrDefault(file.path().getParent(), List.of()).stream()
            .filter(f -> !f.name().endsWith(META) && baseName(f.name()).equals(name)).toList();
        if (contents.size() != 1) {
          throw new PackageException(PackageErrorCode.COMPONENT_INVALID, file.path() + ": a document needs one content file "
              + name + ".EXT beside it, found " + (contents.isEmpty() ? "none" : contents.stream().map(SourceFile::name).toList()));
        }
        SourceFile content = contents.get(0);
        d.content.add(content);
        claimed.add(content.path());
        d.path = directory + "/" + content.name();
        d.metaPath = directory + "/" + name + "." + extension(content.name()) + META;
      }
      default -> throw new IllegalStateException("not a type kept in folders: " + t);
    }
    return true;
  }

  /** source-deploy-retrieve's extName: the text after the last dot, empty without one (utils/path.js). */
  private static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Files whose component is given by a folder: bundles, decomposed objects, static resources. */
  private boolean placedInFolder(SourceFile file, String[] seg, Map<String, Draft> drafts) {
    for (int i = seg.length - 3; i >= 0; i--) {
      Optional<MetadataType> type = registry.folderType(seg[i]);
      if (type.isEmpty()) {
        continue;
      }
      MetadataType t = type.get();
      if (t.strategy() == MetadataType.Strategy.BUNDLE || t.strategy() == MetadataType.Strategy.MIXED_CONTENT) {
        Draft d = draft(drafts, t, seg[i + 1], null);
        d.content.add(file);
        return true;
      }
      if (t.strategy() == MetadataType.Strategy.DECOMPOSED) {
        String object = seg[i + 1];
        String name = file.name();
        if (i + 2 == seg.length - 1 && name.equals(object + "." + t.suffix() + META)) {
          Draft d = draft(drafts, t, object, file);
          if (d.main != null) {
            throw duplicate(d.main, file);
          }
          d.main = file;
          return true;
        }
        for (MetadataType child : t.children()) {
          if (name.endsWith("." + child.suffix() + META)) {
            draft(drafts, t, object, null).children.add(file);
            return true;
          }
        }
        return false;
      }
      if (t.strategy() == MetadataType.Strategy.STATIC_RESOURCE) {
        break;
      }
    }
    for (int i = seg.length - 2; i >= 0; i--) {
      Optional<MetadataType> type = registry.folderType(seg[i]);
      if (type.isPresent() && type.get().strategy() == MetadataType.Strategy.STATIC_RESOURCE) {
        MetadataType t = type.get();
        String first = seg[i + 1];
        String metaName = "." + t.suffix() + META;
        if (i + 2 == seg.length && first.endsWith(metaName)) {
          Draft d = draft(drafts, t, first.substring(0, first.length() - metaName.length()), file);
          if (d.main != null) {
            throw duplicate(d.main, file);
          }
          d.main = file;
        } else {
          String resource = i + 2 == seg.length ? baseName(first) : first;
          Draft d = draft(drafts, t, resource, null);
          d.content.add(file);
          d.folderForm |= i + 2 < seg.length;
        }
        return true;
      }
    }
    return false;
  }

  /** The Salesforce CLI's base name of a file (utils/path.js baseName): up to the first dot. */
  private static String baseName(String fileName) {
    int dot = fileName.indexOf('.');
    return dot < 0 ? fileName : fileName.substring(0, dot);
  }

  private static Draft draft(Map<String, Draft> drafts, MetadataType type, String name, SourceFile claimant) {
    String key = type.xmlName() + ":" + name;
    Draft d = drafts.computeIfAbsent(key, k -> new Draft(type, name));
    if (claimant != null && d.main != null && d.main != claimant
        && (type.strategy() == MetadataType.Strategy.METADATA || type.strategy() == MetadataType.Strategy.CONTENT
            || type.strategy() == MetadataType.Strategy.MIXED_CONTENT)) {
      throw duplicate(d.main, claimant);
    }
    return d;
  }

  private static PackageException duplicate(SourceFile first, SourceFile second) {
    return new PackageException(PackageErrorCode.DUPLICATE_ENTRY,
        second.path() + ": the same component as " + first.path() + " (two sources for one package file)");
  }

  private MetadataPackage emit(Map<String, Draft> drafts, List<SourceFile> unknown, Optional<Manifest> manifest,
      String version) {
    SortedMap<String, byte[]> entries = new TreeMap<>();
    SortedMap<String, String> sources = new TreeMap<>();
    List<MetadataPackage.Component> components = new ArrayList<>();
    Map<String, SourceFile> origins = new HashMap<>();
    // The children inlined into each recomposed file, by its Metadata API path.
    Map<String, List<MetadataPackage.ChildSource>> childSources = new HashMap<>();

    for (Draft d : drafts.values()) {
      MetadataType t = d.type;
      switch (t.strategy()) {
        case METADATA -> {
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          String path = t.directory() + "/" + t.metadataFileName(d.name);
          byte[] bytes = read(d.main);
          put(entries, sources, origins, path, bytes, d.main);
          components.add(component(t.xmlName(), d.name, path, d.main));
          if (!t.children().isEmpty()) {
            embeddedChildren(t, d.name, SafeXml.parse(bytes, d.main.path().toString()), path, d.main, components);
          }
        }
        case CONTENT -> {
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          String path = t.directory() + "/" + t.metadataFileName(d.name);
          put(entries, sources, origins, path, read(d.content.get(0)), d.content.get(0));
          put(entries, sources, origins, path + META, read(d.main), d.main);
          components.add(new MetadataPackage.Component(t.xmlName(), d.name, List.of(path, path + META),
              List.of(d.main.path().toString(), d.content.get(0).path().toString())));
        }
        case BUNDLE, MIXED_CONTENT -> {
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          List<String> paths = new ArrayList<>();
          List<String> from = new ArrayList<>();
          if (d.main != null) { // mixed content: NAME.SUFFIX-meta.xml beside the folder, kept as it is (ExperienceBundle)
            String path = t.directory() + "/" + t.metadataFileName(d.name) + META;
            put(entries, sources, origins, path, read(d.main), d.main);
            paths.add(path);
            from.add(d.main.path().toString());
          }
          for (SourceFile f : d.content) {
            String rel = "/" + f.relative();
            int at = rel.lastIndexOf("/" + t.directory() + "/" + d.name + "/");
            String path = rel.substring(at + 1);
            put(entries, sources, origins, path, read(f), f);
            paths.add(path);
          }
          d.content.forEach(f -> from.add(f.path().toString()));
          components.add(new MetadataPackage.Component(t.xmlName(), d.name, paths, from));
        }
        case STATIC_RESOURCE -> {
          if (d.main == null) {
            throw new PackageException(PackageErrorCode.COMPONENT_INVALID, d.content.get(0).path()
                + ": static resource content without " + d.name + "." + t.suffix() + META);
          }
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          if (d.content.isEmpty()) {
            throw new PackageException(PackageErrorCode.COMPONENT_INVALID,
                d.main.path() + ": the static resource has no content file or folder beside it");
          }
          String path = t.directory() + "/" + t.metadataFileName(d.name);
          put(entries, sources, origins, path, staticResourceContent(d), d.content.get(0));
          put(entries, sources, origins, path + META, read(d.main), d.main);
          components.add(new MetadataPackage.Component(t.xmlName(), d.name, List.of(path, path + META),
              List.of(d.main.path().toString())));
        }
        case FOLDER, IN_FOLDER -> {
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          put(entries, sources, origins, d.path, read(d.main), d.main);
          components.add(component(t.xmlName(), d.name, d.path, d.main));
        }
        case IN_FOLDER_CONTENT, DOCUMENT -> {
          if (!selected(manifest, t, d.name)) {
            continue;
          }
          SourceFile content = d.content.get(0);
          put(entries, sources, origins, d.path, read(content), content);
          put(entries, sources, origins, d.metaPath, read(d.main), d.main);
          components.add(new MetadataPackage.Component(t.xmlName(), d.name, List.of(d.path, d.metaPath),
              List.of(d.main.path().toString(), content.path().toString())));
        }
        case DECOMPOSED -> recompose(d, manifest, entries, sources, origins, components, childSources);
        case MERGED -> merge(d, manifest, entries, sources, origins, components);
        case DECOMPOSED_CHILD, EMBEDDED_CHILD -> throw new IllegalStateException("child type drafted: " + t);
      }
    }
    List<MetadataPackage.PackageFile> passed = new ArrayList<>();
    for (SourceFile f : unknown) {
      put(entries, sources, origins, f.relative(), read(f), f);
      passed.add(new MetadataPackage.PackageFile(f.relative(), f.path().toString()));
    }
    components.sort(Comparator.comparing(MetadataPackage.Component::type)
        .thenComparing(MetadataPackage.Component::fullName));
    // With a manifest, package.xml is that manifest (wildcards kept, folders named as below), as the CLI
    // writes it; without, every component.
    Manifest packageXml = manifest.map(m -> Manifest.of(Optional.of(version), m.members().stream()
            .map(member -> member.fullName().equals("*") ? member : packageMember(member.type(), member.fullName())).toList()))
        .orElseGet(() -> Manifest.of(Optional.of(version),
            components.stream().map(c -> packageMember(c.type(), c.fullName())).toList()));
    return new MetadataPackage(version, components, entries, sources, packageXml,
        new EnumMap<>(MetadataPackage.DestructivePhase.class), passed, childSources);
  }

  private boolean selected(Optional<Manifest> manifest, MetadataType type, String name) {
    if (manifest.isEmpty()) {
      return true;
    }
    Manifest m = manifest.get();
    // A folder is named in a manifest under its own type or, as the CLI writes it, under its contents' type.
    return m.selects(type.xmlName(), name) || registry.folderContentType(type)
        .map(content -> m.selects(content.xmlName(), name) || m.selects(content.xmlName(), name + "/")).orElse(false);
  }

  /**
   * The {@code package.xml} member of a component (or of a manifest's member). As the CLI writes it (source-deploy-retrieve 12.37.2,
   * collections/componentSet.js getObject and constructFullName), a folder is listed under the type kept
   * in it, and a ReportFolder, DashboardFolder or EmailTemplateFolder gets a trailing {@code /} "so the
   * metadata API can identify it as a folder": ReportFolder {@code Sales} is Report {@code Sales/},
   * EmailFolder {@code Support} is EmailTemplate {@code Support}.
   */
  private Manifest.Member packageMember(String typeName, String fullName) {
    Optional<MetadataType> content = registry.byXmlName(typeName).flatMap(registry::folderContentType);
    if (content.isEmpty()) {
      return new Manifest.Member(typeName, fullName);
    }
    boolean slash = FOLDERS_NAMED_WITH_SLASH.contains(typeName) && !fullName.endsWith("/");
    return new Manifest.Member(content.get().xmlName(), fullName + (slash ? "/" : ""));
  }

  private static MetadataPackage.Component component(String type, String name, String path, SourceFile source) {
    return new MetadataPackage.Component(type, name, List.of(path), List.of(source.path().toString()));
  }

  private void embeddedChildren(MetadataType t, String parentName, Document document, String path, SourceFile source,
      List<MetadataPackage.Component> components) {
    for (Element element : SafeXml.children(document.getDocumentElement())) {
      for (MetadataType child : t.children()) {
        if (child.xmlElement().orElse("").equals(element.getLocalName())) {
          String childName = SafeXml.childText(element, "fullName");
          if (childName != null) {
            components.add(component(child.xmlName(), parentName + "." + childName.trim(), path, source));
          }
        }
      }
    }
  }

  private void recompose(Draft d, Optional<Manifest> manifest, SortedMap<String, byte[]> entries,
      SortedMap<String, String> sources, Map<String, SourceFile> origins, List<MetadataPackage.Component> components,
      Map<String, List<MetadataPackage.ChildSource>> childSources) {
    MetadataType t = d.type;
    boolean parentSelected = selected(manifest, t, d.name);
    String path = t.directory() + "/" + t.metadataFileName(d.name);
    Document out;
    Element root;
    // With a manifest that names only some children, the CLI still writes the parent's own elements.
    if (d.main != null) {
      out = SafeXml.parse(read(d.main), d.main.path().toString());
      root = out.getDocumentElement();
    } else {
      out = SafeXml.parse(("<" + t.xmlName() + " xmlns=\"" + SafeXml.METADATA_NS + "\"/>")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), path);
      root = out.getDocumentElement();
    }
    List<MetadataPackage.Component> childComponents = new ArrayList<>();
    List<Element> inlined = new ArrayList<>();
    List<SourceFile> inlinedFrom = new ArrayList<>();
    d.children.sort(Comparator.comparingInt(SourceFile::order));
    for (SourceFile file : d.children) {
      MetadataType child = t.children().stream()
          .filter(c -> file.name().endsWith("." + c.suffix() + META)).findFirst().orElseThrow();
      String childName = file.name().substring(0, file.name().length() - child.suffix().length() - 1 - META.length());
      String fullName = d.name + "." + childName;
      // a child that is no package.xml member (CustomFieldTranslation) goes wherever its parent goes
      if (!parentSelected && (!child.listed() || !manifest.map(m -> m.selects(child.xmlName(), fullName)).orElse(true))) {
        continue;
      }
      Element childRoot = SafeXml.parse(read(file), file.path().toString()).getDocumentElement();
      Element element = out.createElementNS(SafeXml.METADATA_NS, child.xmlElement().orElseThrow());
      for (Node n = childRoot.getFirstChild(); n != null; n = n.getNextSibling()) {
        element.appendChild(out.importNode(n, true));
      }
      root.appendChild(element);
      inlined.add(element);
      inlinedFrom.add(file);
      if (child.listed()) {
        childComponents.add(component(child.xmlName(), fullName, path, file));
      }
    }
    if (!parentSelected && childComponents.isEmpty()) {
      return;
    }
    SourceFile origin = d.main != null ? d.main : d.children.get(0);
    // Where each child landed in the recomposed file, so findings inside it can point at the child's own file.
    int[][] lines = new int[inlined.size()][];
    put(entries, sources, origins, path,
        SafeXml.write(root, inlined, lines).getBytes(java.nio.charset.StandardCharsets.UTF_8), origin);
    List<MetadataPackage.ChildSource> spans = new ArrayList<>(inlined.size());
    for (int i = 0; i < lines.length; i++) {
      SourceFile from = inlinedFrom.get(i);
      spans.add(new MetadataPackage.ChildSource(from.path().toString(), lines[i][0], lines[i][1], from.bytes()));
    }
    if (!spans.isEmpty()) {
      childSources.put(path, List.copyOf(spans));
    }
    if (d.main != null && parentSelected) {
      components.add(component(t.xmlName(), d.name, path, d.main));
    }
    // Without its own NAME.object-meta.xml (a standard object's fields), the object is only their
    // container: its file is written but it is not a member of package.xml, as with the CLI.
    components.addAll(childComponents);
  }

  private void merge(Draft d, Optional<Manifest> manifest, SortedMap<String, byte[]> entries,
      SortedMap<String, String> sources, Map<String, SourceFile> origins, List<MetadataPackage.Component> components) {
    MetadataType t = d.type;
    MetadataType child = t.children().get(0);
    boolean parentSelected = selected(manifest, t, t.xmlName());
    String path = t.directory() + "/" + t.metadataFileName(t.xmlName());
    Document out = SafeXml.parse(("<" + t.xmlName() + " xmlns=\"" + SafeXml.METADATA_NS + "\"/>")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8), path);
    TreeMap<String, Element> byName = new TreeMap<>();
    Map<String, SourceFile> from = new HashMap<>();
    d.children.sort(Comparator.comparingInt(SourceFile::order));
    for (SourceFile file : d.children) {
      Document document = SafeXml.parse(read(file), file.path().toString());
      Element fileRoot = document.getDocumentElement();
      // Decomposed layout: the file is one label, <CustomLabel>…</CustomLabel>, which becomes <labels>…</labels>.
      boolean single = fileRoot.getLocalName().equals(child.xmlName());
      for (Element element : single ? List.of(fileRoot) : SafeXml.children(fileRoot)) {
        if (!single && !element.getLocalName().equals(child.xmlElement().orElseThrow())) {
          continue;
        }
        String name = String.valueOf(SafeXml.childText(element, "fullName")).trim();
        if (!parentSelected && !manifest.map(m -> m.selects(child.xmlName(), name)).orElse(true)) {
          continue;
        }
        if (byName.containsKey(name)) {
          throw new PackageException(PackageErrorCode.DUPLICATE_ENTRY,
              file.path() + ": " + child.xmlName() + " " + name + " is also defined in " + from.get(name).path());
        }
        Element imported = out.createElementNS(SafeXml.METADATA_NS, child.xmlElement().orElseThrow());
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
          imported.appendChild(out.importNode(n, true));
        }
        byName.put(name, imported);
        from.put(name, file);
      }
    }
    if (byName.isEmpty() && !parentSelected) {
      return;
    }
    Element root = out.getDocumentElement();
    byName.values().forEach(root::appendChild);
    put(entries, sources, origins, path, SafeXml.write(root).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        d.children.get(0));
    if (!decomposedLabels) { // in the decomposed layout the CLI lists only the labels
      components.add(new MetadataPackage.Component(t.xmlName(), t.xmlName(), List.of(path),
          d.children.stream().map(f -> f.path().toString()).toList()));
    }
    byName.keySet().forEach(name -> components.add(component(child.xmlName(), name, path, from.get(name))));
  }

  private static byte[] staticResourceContent(Draft d) {
    if (!d.folderForm) {
      if (d.content.size() > 1) {
        throw new PackageException(PackageErrorCode.COMPONENT_INVALID, d.main.path() + ": more than one content file ("
            + d.content.get(0).name() + ", " + d.content.get(1).name() + ")");
      }
      return read(d.content.get(0));
    }
    SortedMap<String, byte[]> zipEntries = new TreeMap<>();
    String folder = d.type.directory() + "/" + d.name + "/";
    for (SourceFile f : d.content) {
      String rel = "/" + f.relative();
      int at = rel.lastIndexOf("/" + folder);
      if (at < 0) {
        throw new PackageException(PackageErrorCode.COMPONENT_INVALID, f.path() + ": the static resource " + d.name
            + " has both a content file and a content folder");
      }
      zipEntries.put(rel.substring(at + folder.length() + 1), read(f));
    }
    return SafeZip.write(zipEntries);
  }

  private static void put(SortedMap<String, byte[]> entries, SortedMap<String, String> sources,
      Map<String, SourceFile> origins, String path, byte[] bytes, SourceFile source) {
    SafeZip.checkPath(path, source.path().toString());
    if (entries.putIfAbsent(path, bytes) != null) {
      throw new PackageException(PackageErrorCode.DUPLICATE_ENTRY,
          source.path() + ": becomes " + path + ", which " + origins.get(path).path() + " already became");
    }
    sources.put(path, source.path().toString());
    origins.put(path, source);
  }

  /**
   * Whether {@code path} is a regular file; a symbolic link is refused, since it could pull a file from
   * outside the project (a key, /etc/passwd) into a package that leaves for Salesforce.
   */
  static boolean regularNotLinked(Path path) {
    if (Files.isSymbolicLink(path)) {
      throw linked(path);
    }
    return Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static PackageException linked(Path path) {
    return new PackageException(PackageErrorCode.UNSAFE_PATH, path
        + ": a symbolic link (refused: it could bring a file from outside the project into the package)");
  }

  private static byte[] read(SourceFile file) {
    return file.bytes();
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, file + ": " + e.getMessage(), e);
    }
  }
}
