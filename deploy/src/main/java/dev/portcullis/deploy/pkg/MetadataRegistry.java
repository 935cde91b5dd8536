package dev.portcullis.deploy.pkg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata types Portcullis converts, read from the resource {@code metadata-types.tsv} (data, not
 * code, so a new type is one line; docs/DEPLOY.md lists them). Lookups by source suffix, by Metadata API
 * folder and by xmlName.
 */
final class MetadataRegistry {
  private static final String RESOURCE = "metadata-types.tsv";
  private static final MetadataRegistry STANDARD = load();

  private final Map<String, MetadataType> byXmlName;
  private final Map<String, MetadataType> bySuffix;
  private final Map<String, MetadataType> byDirectoryAndSuffix;
  private final Map<String, MetadataType> folderTypes;
  private final Map<String, List<MetadataType>> byDirectory;
  private final Map<String, MetadataType> folderContents;
  private final Map<String, MetadataType> inFoldersBySuffix;

  private MetadataRegistry(Map<String, MetadataType> byXmlName) {
    this.byXmlName = byXmlName;
    Map<String, MetadataType> suffixes = new LinkedHashMap<>();
    Map<String, MetadataType> directoryAndSuffix = new LinkedHashMap<>();
    Map<String, MetadataType> folders = new LinkedHashMap<>();
    Map<String, List<MetadataType>> directories = new LinkedHashMap<>();
    for (MetadataType type : byXmlName.values()) {
      if (type.parent().isPresent()) {
        continue;
      }
      // As the CLI resolves a file: a strict type only inside its folder, a loose one by suffix anywhere.
      if (!type.suffix().isEmpty() && !type.strict()) {
        MetadataType clash = suffixes.putIfAbsent(type.suffix(), type);
        if (clash != null) {
          throw new IllegalStateException(RESOURCE + ": loose types " + clash.xmlName() + " and " + type.xmlName()
              + " share the suffix " + type.suffix());
        }
      }
      directoryAndSuffix.putIfAbsent(type.directory() + "/" + type.suffix(), type);
      directories.computeIfAbsent(type.directory(), d -> new ArrayList<>()).add(type);
      switch (type.strategy()) {
        case BUNDLE, MIXED_CONTENT, DECOMPOSED, STATIC_RESOURCE -> folders.put(type.directory(), type);
        default -> { }
      }
    }
    this.bySuffix = Collections.unmodifiableMap(suffixes);
    this.byDirectoryAndSuffix = Collections.unmodifiableMap(directoryAndSuffix);
    this.folderTypes = Collections.unmodifiableMap(folders);
    this.byDirectory = Collections.unmodifiableMap(directories);
    // A folder type and the type kept in its folders share a directory (reportFolder and report in reports/),
    // as the CLI's registry pairs them by folderType and folderContentType.
    Map<String, MetadataType> contents = new LinkedHashMap<>();
    Map<String, MetadataType> foldered = new LinkedHashMap<>();
    for (MetadataType type : byXmlName.values()) {
      if (type.strategy().inFolder() || type.strategy() == MetadataType.Strategy.FOLDER) {
        foldered.put(type.suffix(), type);
      }
      if (type.strategy() == MetadataType.Strategy.FOLDER) {
        List<MetadataType> kept = directories.get(type.directory()).stream().filter(t -> t.strategy().inFolder()).toList();
        if (kept.size() != 1) {
          throw new IllegalStateException(RESOURCE + ": folder type " + type.xmlName() + " needs exactly one in-folder type in "
              + type.directory() + ", found " + kept.stream().map(MetadataType::xmlName).toList());
        }
        contents.put(type.xmlName(), kept.get(0));
      }
    }
    this.folderContents = Collections.unmodifiableMap(contents);
    this.inFoldersBySuffix = Collections.unmodifiableMap(foldered);
  }

  /** The registry that ships with Portcullis. */
  static MetadataRegistry standard() {
    return STANDARD;
  }

  Optional<MetadataType> byXmlName(String xmlName) {
    return Optional.ofNullable(byXmlName.get(xmlName));
  }

  /**
   * The type of a source file {@code NAME.SUFFIX-meta.xml} in folder {@code directory}: the type registered
   * for that folder and suffix, else the loose type with that suffix.
   */
  Optional<MetadataType> forSourceFile(String directory, String suffix) {
    MetadataType inFolder = byDirectoryAndSuffix.get(directory + "/" + suffix);
    return Optional.ofNullable(inFolder != null ? inFolder : bySuffix.get(suffix));
  }

  /** The type of a Metadata API file {@code directory/NAME.SUFFIX}. */
  Optional<MetadataType> forMetadataFile(String directory, String suffix) {
    return Optional.ofNullable(byDirectoryAndSuffix.get(directory + "/" + suffix));
  }

  /** The type whose components are folders, or folders of files, inside {@code directory}: lwc, objects… */
  Optional<MetadataType> folderType(String directory) {
    return Optional.ofNullable(folderTypes.get(directory));
  }

  /** The top-level types whose Metadata API folder is {@code directory}. */
  List<MetadataType> byDirectory(String directory) {
    return byDirectory.getOrDefault(directory, List.of());
  }

  /**
   * The folder type or type kept in folders with source suffix {@code suffix}, strict or not: such a file
   * may sit any depth below its type's directory ({@code documents/Brand/logo.document-meta.xml}).
   */
  Optional<MetadataType> forFolderFile(String suffix) {
    return Optional.ofNullable(inFoldersBySuffix.get(suffix));
  }

  /** For a folder type (ReportFolder), the type kept in its folders (Report); empty for any other type. */
  Optional<MetadataType> folderContentType(MetadataType folder) {
    return Optional.ofNullable(folderContents.get(folder.xmlName()));
  }

  Collection<MetadataType> types() {
    return byXmlName.values();
  }

  private static MetadataRegistry load() {
    try (InputStream in = MetadataRegistry.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the metadata type registry " + RESOURCE + " is missing from the jar");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }

  /** Parses registry lines; a malformed line is a packaging bug, reported with its number. */
  static MetadataRegistry parse(List<String> lines) {
    Map<String, MetadataType> types = new LinkedHashMap<>();
    Map<String, List<MetadataType>> children = new HashMap<>();
    int number = 0;
    for (String line : lines) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 7) {
        throw new IllegalStateException(RESOURCE + ":" + number + ": expected 7 tab-separated columns, got " + f.length);
      }
      int at = number;
      MetadataType.Strategy strategy = MetadataType.Strategy.of(f[4]).orElseThrow(
          () -> new IllegalStateException(RESOURCE + ":" + at + ": unknown strategy '" + f[4] + "'"));
      boolean unlisted = f[3].equals("unlisted");
      if (unlisted && strategy != MetadataType.Strategy.DECOMPOSED_CHILD) {
        throw new IllegalStateException(RESOURCE + ":" + number + ": only a decomposed-child can be unlisted");
      }
      MetadataType type = new MetadataType(f[0], dash(f[1]), dash(f[2]), f[3].equals("strict") || unlisted, strategy,
          Optional.of(dash(f[5])).filter(s -> !s.isEmpty()), Optional.of(dash(f[6])).filter(s -> !s.isEmpty()),
          List.of(), !unlisted);
      if (types.putIfAbsent(type.xmlName(), type) != null) {
        throw new IllegalStateException(RESOURCE + ":" + number + ": type " + type.xmlName() + " listed twice");
      }
      type.parent().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(type));
    }
    children.forEach((parent, list) -> {
      MetadataType p = types.get(parent);
      if (p == null) {
        throw new IllegalStateException(RESOURCE + ": child types " + list + " name an unknown parent " + parent);
      }
      types.put(parent, p.withChildren(list));
    });
    return new MetadataRegistry(Collections.unmodifiableMap(types));
  }

  private static String dash(String value) {
    return value.equals("-") ? "" : value;
  }
}
