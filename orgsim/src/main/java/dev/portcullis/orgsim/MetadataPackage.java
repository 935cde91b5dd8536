package dev.portcullis.orgsim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A deploy zip read into components, as the Metadata API reads it (Metadata API Developer Guide,
 * "deploy()", meta_deploy.htm; "Deploying and Retrieving Metadata with the Zip File",
 * file_based_zip_file.htm; "Sample package.xml Manifest Files", manifest_samples.htm).
 *
 * <p>Design note: nothing here throws for bad content. Every problem becomes a {@link Problem}
 * naming the file, so that a deploy fails the way Salesforce fails it: with {@code
 * componentFailures}. The zip's root is the package when {@code singlePackage} is true ({@code
 * sf project deploy start --source-dir} zips so); otherwise each top-level folder holding a
 * {@code package.xml} is one ({@code --metadata-dir} zips under {@code zip/}). Only components
 * that {@code package.xml} names (or matches with {@code *}) are deployed; {@code
 * destructiveChanges.xml}, {@code destructiveChangesPre.xml} and {@code destructiveChangesPost.xml}
 * name components to delete. A component is refused when its folder belongs to no known type,
 * its file name does not end in the type's suffix, a content type lacks its {@code -meta.xml},
 * or an XML file is not well-formed or has another root element than its type.
 */
final class MetadataPackage {
  private static final List<String> DESTRUCTIVE = List.of("destructiveChangesPre.xml", "destructiveChanges.xml",
      "destructiveChangesPost.xml");

  /** A component ready to deploy: files keyed relative to its package root, and where it came from. */
  record Candidate(MetadataType type, String fullName, Map<String, byte[]> files, String fileName) {}

  /** A component to delete, and the manifest that named it. */
  record Deletion(MetadataType type, String fullName, String fileName) {}

  /**
   * A problem with one file, as a DeployMessage reports it.
   *
   * @param line the line of an XML error, 0 when not about a line
   */
  record Problem(String fileName, String fullName, String componentType, String problem, int line, int column) {
    static Problem of(String fileName, String fullName, String componentType, String problem) {
      return new Problem(fileName, fullName, componentType, problem, 0, 0);
    }
  }

  /** What the zip holds; {@code packageFiles} are the manifests read (for their own success lines). */
  record Contents(List<Candidate> components, List<Deletion> deletions, List<Problem> problems,
      List<String> packageFiles) {
    boolean hasApex() {
      return components.stream().anyMatch(c -> c.type().xmlName().equals("ApexClass")
          || c.type().xmlName().equals("ApexTrigger"));
    }
  }

  private MetadataPackage() {}

  /** Reads the entries of a deploy zip. */
  static Contents read(List<MetadataZip.Entry> entries, boolean singlePackage) {
    List<Candidate> components = new ArrayList<>();
    List<Deletion> deletions = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<String> packageFiles = new ArrayList<>();
    Map<String, byte[]> byName = new LinkedHashMap<>();
    entries.forEach(e -> byName.put(e.name(), e.content()));
    List<String> roots = new ArrayList<>();
    if (singlePackage) {
      roots.add("");
    } else {
      for (String name : byName.keySet()) {
        int slash = name.indexOf('/');
        if (slash > 0 && name.substring(slash + 1).equals("package.xml")) {
          roots.add(name.substring(0, slash + 1));
        }
      }
    }
    if (roots.isEmpty() || !byName.containsKey(roots.get(0) + "package.xml")) {
      problems.add(Problem.of("package.xml", "package.xml", "", "No package.xml found"));
      return new Contents(components, deletions, problems, packageFiles);
    }
    for (String name : byName.keySet()) {
      if (roots.stream().noneMatch(name::startsWith)) {
        problems.add(Problem.of(name, name, "", "the file is outside the package folder"
            + (singlePackage ? "" : "s " + roots) + "; with singlePackage false every file sits under a folder"
            + " holding a package.xml"));
      }
    }
    for (String root : roots) {
      readPackage(root, byName, components, deletions, problems);
      packageFiles.add(root + "package.xml");
    }
    return new Contents(components, deletions, problems, packageFiles);
  }

  private static void readPackage(String root, Map<String, byte[]> byName, List<Candidate> components,
      List<Deletion> deletions, List<Problem> problems) {
    Map<MetadataType, Set<String>> manifest = manifest(root + "package.xml", byName.get(root + "package.xml"), problems);
    for (String destructive : DESTRUCTIVE) {
      byte[] xml = byName.get(root + destructive);
      if (xml != null) {
        manifest(root + destructive, xml, problems).forEach((type, members) -> members.forEach(
            member -> deletions.add(new Deletion(type, member, root + destructive))));
      }
    }
    // Group the files under the root into components.
    Map<String, Candidate> found = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> file : byName.entrySet()) {
      String name = file.getKey();
      if (!name.startsWith(root)) {
        continue;
      }
      String path = name.substring(root.length());
      if (path.equals("package.xml") || DESTRUCTIVE.contains(path)) {
        continue;
      }
      String[] segments = path.split("/");
      Optional<MetadataType> type = MetadataType.inDirectory(segments[0]);
      if (type.isEmpty() || segments.length < 2) {
        problems.add(Problem.of(name, path, "", "Unknown folder '" + segments[0] + "': no metadata type the org"
            + " simulator knows stores its files there"));
        continue;
      }
      String fullName;
      if (type.get().bundle()) {
        fullName = segments[1];
        if (segments.length < 3) {
          problems.add(Problem.of(name, fullName, type.get().xmlName(), "a " + type.get().xmlName()
              + " is a folder of files: expected " + segments[0] + "/" + fullName + "/<file>"));
          continue;
        }
      } else {
        String leaf = segments[1];
        String bare = leaf.endsWith("-meta.xml") ? leaf.substring(0, leaf.length() - "-meta.xml".length()) : leaf;
        String suffix = "." + type.get().suffix();
        if (segments.length != 2 || !bare.endsWith(suffix) || bare.length() == suffix.length()) {
          problems.add(Problem.of(name, bare, type.get().xmlName(), "unexpected file in " + segments[0] + "/: a "
              + type.get().xmlName() + " is " + segments[0] + "/<name>" + suffix
              + (type.get().metaFile() ? " with " + segments[0] + "/<name>" + suffix + "-meta.xml" : "")));
          continue;
        }
        if (!type.get().metaFile() && leaf.endsWith("-meta.xml")) {
          problems.add(Problem.of(name, bare, type.get().xmlName(), "a " + type.get().xmlName()
              + " has no -meta.xml file in Metadata API format: expected " + segments[0] + "/" + bare));
          continue;
        }
        fullName = bare.substring(0, bare.length() - suffix.length());
      }
      String key = MetadataComponent.key(type.get().xmlName(), fullName);
      Candidate candidate = found.computeIfAbsent(key, k -> new Candidate(type.get(), fullName,
          new LinkedHashMap<>(), root + type.get().mainFile(fullName)));
      candidate.files().put(path, file.getValue());
    }
    // Keep what the manifest names; check what is named but missing.
    Set<String> wanted = new LinkedHashSet<>();
    manifest.forEach((type, members) -> {
      for (String member : members) {
        if (member.equals("*")) {
          continue;
        }
        String key = MetadataComponent.key(type.xmlName(), member);
        wanted.add(key);
        if (!found.containsKey(key)) {
          problems.add(Problem.of(root + "package.xml", member, type.xmlName(), "An object '" + member + "' of type "
              + type.xmlName() + " was named in package.xml, but was not found in zipped directory"));
        }
      }
    });
    for (Map.Entry<String, Candidate> entry : found.entrySet()) {
      Candidate candidate = entry.getValue();
      Set<String> members = manifest.getOrDefault(candidate.type(), Set.of());
      if (!wanted.contains(entry.getKey()) && !members.contains("*")) {
        continue; // not named in package.xml: not deployed (Salesforce deploys what the manifest lists)
      }
      Optional<Problem> problem = check(root, candidate);
      if (problem.isPresent()) {
        problems.add(problem.get());
      } else {
        components.add(candidate);
      }
    }
  }

  /** Reads a package.xml-shaped manifest: type → member names; problems for what is wrong. */
  private static Map<MetadataType, Set<String>> manifest(String fileName, byte[] xml, List<Problem> problems) {
    Map<MetadataType, Set<String>> manifest = new LinkedHashMap<>();
    Document document;
    try {
      document = MetadataXml.parse(xml);
    } catch (MetadataXml.MalformedXmlException e) {
      problems.add(new Problem(fileName, fileName, "", "Error parsing file: " + e.getMessage(), e.line, e.column));
      return manifest;
    }
    Element root = document.getDocumentElement();
    if (!"Package".equals(root.getLocalName())) {
      problems.add(Problem.of(fileName, fileName, "", "Error parsing file: the root element is '" + root.getLocalName()
          + "', not 'Package'"));
      return manifest;
    }
    for (Element types : MetadataXml.children(root, "types")) {
      String name = MetadataXml.text(types, "name").orElse("");
      Optional<MetadataType> type = MetadataType.named(name);
      if (type.isEmpty()) {
        problems.add(Problem.of(fileName, name, name, "Unknown type name '" + name + "' specified in package.xml"));
        continue;
      }
      manifest.computeIfAbsent(type.get(), t -> new LinkedHashSet<>()).addAll(MetadataXml.texts(types, "members"));
    }
    return manifest;
  }

  /** The first thing wrong with a component's files, if any. */
  private static Optional<Problem> check(String root, Candidate c) {
    MetadataType type = c.type();
    String main = type.mainFile(c.fullName());
    if (type.metaFile()) {
      if (!c.files().containsKey(main)) {
        return Optional.of(Problem.of(root + main + "-meta.xml", c.fullName(), type.xmlName(),
            "the content file " + main + " is missing for " + type.xmlName() + " " + c.fullName()));
      }
      if (!c.files().containsKey(main + "-meta.xml")) {
        return Optional.of(Problem.of(root + main, c.fullName(), type.xmlName(),
            "the metadata file " + main + "-meta.xml is missing for " + type.xmlName() + " " + c.fullName()));
      }
    }
    for (Map.Entry<String, byte[]> file : c.files().entrySet()) {
      String path = file.getKey();
      boolean xml = path.endsWith(".xml") || (!type.metaFile() && !type.bundle());
      if (!xml) {
        continue;
      }
      Document document;
      try {
        document = MetadataXml.parse(file.getValue());
      } catch (MetadataXml.MalformedXmlException e) {
        return Optional.of(new Problem(root + path, c.fullName(), type.xmlName(), "Error parsing file: " + e.getMessage(),
            e.line, e.column));
      }
      String expected = type.bundle() ? null : type.xmlName().equals("Settings") ? c.fullName() + "Settings" : type.xmlName();
      String actual = document.getDocumentElement().getLocalName();
      if (expected != null && !expected.equals(actual)) {
        return Optional.of(Problem.of(root + path, c.fullName(), type.xmlName(), "Error parsing file: the root element is '"
            + actual + "', expected '" + expected + "' in namespace " + MetadataXml.METADATA_NS));
      }
    }
    return Optional.empty();
  }
}
