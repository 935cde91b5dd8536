package dev.portcullis.deploy.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A metadata package in Metadata API format: its components, the files they are made of (each with the
 * source file it came from, for findings that point at a line), its {@code package.xml}, its
 * destructive-changes manifests, its API version, and the files of types Portcullis does not know
 * (carried through untouched and reported, never dropped).
 *
 * <p>Read one with {@link #fromSource}, {@link #fromProject}, {@link #fromMetadataDirectory} or
 * {@link #fromZip}; each refuses unsafe input (DOCTYPEs, zip bombs, {@code ../} paths, duplicate entries)
 * with a {@link PackageException} naming the file or entry.
 *
 * <p>The package's identity, {@link #sha256()}, is the SHA-256 of a canonical form described in
 * docs/DEPLOY.md: it does not change when the package is re-zipped, when line endings change, or when
 * a metadata XML file is laid out differently, and a project converted by Portcullis or by
 * {@code sf project convert source} has the same identity.
 */
public final class MetadataPackage {
  /** The files a deployment zip may carry beside the components (Metadata API Developer Guide, "deploy()"). */
  public static final String PACKAGE_XML = "package.xml";

  /** Which destructive-changes manifest: deletions before, at the default point, or after the deploy. */
  public enum DestructivePhase {
    PRE("destructiveChangesPre.xml"),
    DEFAULT("destructiveChanges.xml"),
    POST("destructiveChangesPost.xml");

    private final String fileName;

    DestructivePhase(String fileName) {
      this.fileName = fileName;
    }

    public String fileName() {
      return fileName;
    }
  }

  /**
   * One file of the package.
   *
   * @param path its path in Metadata API format, e.g. {@code objects/Account.object}
   * @param source the file it was read or converted from (a source-format file, an MDAPI file, or
   *     {@code zip!entry}), for line mapping; for a recomposed parent, the parent's own source file
   */
  public record PackageFile(String path, String source) {}

  /**
   * One component, as {@code package.xml} names it.
   *
   * @param type the type's xmlName, e.g. {@code CustomField}
   * @param fullName e.g. {@code Account.Tier__c}
   * @param files the package files the component is in; a child (a field) is in its parent's file
   * @param sources the source files the component was converted from
   */
  public record Component(String type, String fullName, List<String> files, List<String> sources) {
    public Component {
      files = List.copyOf(files);
      sources = List.copyOf(sources);
    }
  }

  private final String apiVersion;
  private final List<Component> components;
  private final SortedMap<String, byte[]> entries;
  private final SortedMap<String, String> sources;
  private final Manifest packageXml;
  private final Map<DestructivePhase, Manifest> destructive;
  private final List<PackageFile> unknown;

  MetadataPackage(String apiVersion, List<Component> components, SortedMap<String, byte[]> entries,
      SortedMap<String, String> sources, Manifest packageXml, Map<DestructivePhase, Manifest> destructive,
      List<PackageFile> unknown) {
    this.apiVersion = apiVersion;
    this.components = List.copyOf(components);
    this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    this.sources = Collections.unmodifiableSortedMap(new TreeMap<>(sources));
    this.packageXml = packageXml;
    this.destructive = Map.copyOf(destructive);
    this.unknown = List.copyOf(unknown);
  }

  /**
   * Converts source-format directories (SFDX {@code --source-dir}s) to a package, as
   * {@code sf project convert source} does. The project's {@code sfdx-project.json} (found above the
   * first directory) gives the API version and {@code .forceignore}; a manifest, when given, selects the
   * components and its {@code <version>} wins.
   */
  public static MetadataPackage fromSource(List<Path> sourceDirectories, Optional<Manifest> manifest) {
    return new SourceConverter(MetadataRegistry.standard()).convert(sourceDirectories, manifest, Optional.empty());
  }

  /** As {@link #fromSource(List, Optional)} with an explicit API version for {@code package.xml}. */
  public static MetadataPackage fromSource(List<Path> sourceDirectories, Optional<Manifest> manifest,
      Optional<String> apiVersion) {
    return new SourceConverter(MetadataRegistry.standard()).convert(sourceDirectories, manifest, apiVersion);
  }

  /** Converts every package directory listed in the project's {@code sfdx-project.json}. */
  public static MetadataPackage fromProject(Path projectDirectory) {
    return fromProject(projectDirectory, Optional.empty());
  }

  /** As {@link #fromProject(Path)}, the components selected by a manifest (as {@code sf … --manifest}). */
  public static MetadataPackage fromProject(Path projectDirectory, Optional<Manifest> manifest) {
    SfdxProject project = SfdxProject.read(projectDirectory);
    return fromSource(project.packageDirectories(), manifest);
  }

  /** Reads a directory already in Metadata API format (with its {@code package.xml}). */
  public static MetadataPackage fromMetadataDirectory(Path directory) {
    return MetadataDirectoryReader.read(MetadataDirectoryReader.files(directory), directory.toString() + "/");
  }

  /** Reads a Metadata API zip (entries capped, paths checked); {@code where} names it in errors. */
  public static MetadataPackage fromZip(InputStream zip, String where) {
    return MetadataDirectoryReader.read(SafeZip.read(zip, SafeZip.Limits.DEFAULT, where), where + "!");
  }

  /** Reads a Metadata API zip file. */
  public static MetadataPackage fromZip(Path zip) {
    try (InputStream in = Files.newInputStream(zip)) {
      return fromZip(in, zip.toString());
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, zip + ": " + e.getMessage(), e);
    }
  }

  /** The API version of {@code package.xml}. */
  public String apiVersion() {
    return apiVersion;
  }

  /** Every component named in {@code package.xml}, sorted by type then name. */
  public List<Component> components() {
    return components;
  }

  public Manifest packageXml() {
    return packageXml;
  }

  /** The destructive-changes manifest of that phase, if the package has one. */
  public Optional<Manifest> destructiveChanges(DestructivePhase phase) {
    return Optional.ofNullable(destructive.get(phase));
  }

  /** The components a destructive-changes manifest deletes. */
  public List<Manifest.Member> deletions(DestructivePhase phase) {
    return destructiveChanges(phase).map(Manifest::members).orElse(List.of());
  }

  /** Files of types Portcullis does not know, carried through untouched. */
  public List<PackageFile> unknownFiles() {
    return unknown;
  }

  /** The package's files (not the manifests), by Metadata API path, sorted. */
  public SortedMap<String, byte[]> files() {
    return entries;
  }

  /** The source file each package file came from. */
  public Optional<String> sourceOf(String path) {
    return Optional.ofNullable(sources.get(path));
  }

  /** Every entry of the deployment zip: the files, {@code package.xml} and the destructive manifests. */
  public SortedMap<String, byte[]> zipEntries() {
    SortedMap<String, byte[]> all = new TreeMap<>(entries);
    all.put(PACKAGE_XML, packageXml.toXml());
    destructive.forEach((phase, manifest) -> all.put(phase.fileName(), manifest.toXml()));
    return all;
  }

  /** Writes the package in Metadata API format into {@code directory} (created if missing). */
  public void writeTo(Path directory) {
    SortedMap<String, byte[]> all = zipEntries();
    Path root = directory.toAbsolutePath().normalize();
    java.util.Set<Path> folders = new java.util.TreeSet<>();
    for (String path : all.keySet()) {
      SafeZip.checkPath(path, directory.toString());
      Path target = root.resolve(path).normalize();
      if (!target.startsWith(root)) {
        throw new PackageException(PackageErrorCode.UNSAFE_PATH, directory + ": entry " + path + " escapes it");
      }
      folders.add(target.getParent());
    }
    // In parallel, like the files: creating a directory is kernel work as costly as creating a file, and a
    // large package has thousands (one per bundle). Two threads reaching the same parent is fine:
    // createDirectories accepts a directory that appeared meanwhile.
    folders.parallelStream().forEach(folder -> {
      try {
        Files.createDirectories(folder);
      } catch (IOException e) {
        throw new PackageException(PackageErrorCode.FILE_UNREADABLE, "writing " + directory + ": " + e.getMessage(), e);
      }
    });
    all.entrySet().parallelStream().forEach(e -> {
      try {
        Files.write(root.resolve(e.getKey()), e.getValue());
      } catch (IOException x) {
        throw new PackageException(PackageErrorCode.FILE_UNREADABLE, "writing " + directory + "/" + e.getKey() + ": "
            + x.getMessage(), x);
      }
    });
  }

  /**
   * A deployment zip of {@code entries} (Metadata API paths, {@code package.xml} among them): entries sorted, fixed
   * timestamps, so the same entries give the same bytes.
   */
  public static byte[] zip(SortedMap<String, byte[]> entries) {
    return SafeZip.write(entries);
  }

  /** Writes the deployment zip: entries sorted, fixed timestamps, so the same package gives the same bytes. */
  public void writeZip(OutputStream out) throws IOException {
    SafeZip.write(zipEntries(), out);
  }

  /** The package identity: lowercase hex SHA-256 of the canonical form (docs/DEPLOY.md, "Package identity"). */
  public String sha256() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    PackageHash.update(digest, "manifest", PACKAGE_XML, packageXml.canonical().getBytes(StandardCharsets.UTF_8));
    for (DestructivePhase phase : DestructivePhase.values()) {
      Manifest manifest = destructive.get(phase);
      if (manifest != null) {
        PackageHash.update(digest, "manifest", phase.fileName(), manifest.canonical().getBytes(StandardCharsets.UTF_8));
      }
    }
    MetadataRegistry registry = MetadataRegistry.standard();
    List<List<PackageHash.Record>> records = entries.entrySet().parallelStream()
        .map(e -> PackageHash.records(e.getKey(), e.getValue(), registry, sources.getOrDefault(e.getKey(), e.getKey())))
        .toList(); // encounter (path) order is kept
    records.forEach(list -> list.forEach(r -> PackageHash.update(digest, r)));
    return HexFormat.of().formatHex(digest.digest());
  }
}
