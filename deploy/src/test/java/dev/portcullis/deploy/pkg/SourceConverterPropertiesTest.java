package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the converter over generated projects (classes, decomposed objects with fields and list
 * views, labels split over files, folder and file static resources, files of unknown types):
 * every component lands in package.xml, nothing is dropped, the identity survives a round trip through
 * the Metadata API directory and zip forms, and line endings do not change it.
 */
class SourceConverterPropertiesTest {
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";

  /** A generated project: the files to write and the package.xml members expected. */
  record Project(Map<String, String> files, Set<String> members, int unknown) {}

  @Provide
  Arbitrary<String> identifier() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(10)
        .map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1));
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('\n', 'é', '€').ofMaxLength(60);
  }

  @Provide
  Arbitrary<Project> project() {
    Arbitrary<Set<String>> classes = identifier().set().ofMaxSize(5);
    Arbitrary<Map<String, Set<String>>> objects =
        Arbitraries.maps(identifier().map(s -> s + "__c"), identifier().map(s -> s + "__c").set().ofMaxSize(4)).ofMaxSize(3);
    Arbitrary<Set<String>> labels = identifier().set().ofMaxSize(6);
    Arbitrary<Set<String>> resources = identifier().set().ofMaxSize(3);
    Arbitrary<List<String>> bodies = text().list().ofSize(40);
    return Combinators.combine(classes, objects, labels, resources, bodies, Arbitraries.integers().between(0, 2))
        .as(SourceConverterPropertiesTest::build);
  }

  private static Project build(Set<String> classes, Map<String, Set<String>> objects, Set<String> labels,
      Set<String> resources, List<String> bodies, int unknown) {
    Map<String, String> files = new java.util.TreeMap<>();
    Set<String> members = new TreeSet<>();
    int b = 0;
    String d = "force-app/main/default/";
    for (String c : classes) {
      files.put(d + "classes/" + c + ".cls", "public class " + c + " {\n  // " + bodies.get(b++ % bodies.size()) + "\n}\n");
      files.put(d + "classes/" + c + ".cls-meta.xml", xml("ApexClass", "<apiVersion>62.0</apiVersion><status>Active</status>"));
      members.add("ApexClass:" + c);
    }
    boolean withParent = true;
    for (Map.Entry<String, Set<String>> o : objects.entrySet()) {
      String base = d + "objects/" + o.getKey() + "/";
      withParent = !withParent;
      if (withParent) {
        files.put(base + o.getKey() + ".object-meta.xml", xml("CustomObject", "<label>" + o.getKey() + "</label>"));
        members.add("CustomObject:" + o.getKey());
      }
      for (String f : o.getValue()) {
        files.put(base + "fields/" + f + ".field-meta.xml", xml("CustomField", "<fullName>" + f + "</fullName><label>"
            + escape(bodies.get(b++ % bodies.size())) + "</label><type>Text</type>"));
        members.add("CustomField:" + o.getKey() + "." + f);
      }
      files.put(base + "listViews/All.listView-meta.xml", xml("ListView", "<fullName>All</fullName><filterScope>Everything</filterScope>"));
      members.add("ListView:" + o.getKey() + ".All");
    }
    List<String> labelList = new ArrayList<>(labels);
    for (int part = 0; part < 2 && !labelList.isEmpty(); part++) {
      StringBuilder body = new StringBuilder();
      for (int i = part; i < labelList.size(); i += 2) {
        body.append("<labels><fullName>").append(labelList.get(i)).append("</fullName><language>en_US</language><value>")
            .append(escape(bodies.get(b++ % bodies.size()))).append("</value></labels>");
        members.add("CustomLabel:" + labelList.get(i));
      }
      files.put((part == 0 ? d : "second-app/") + "labels/Part" + part + ".labels-meta.xml", xml("CustomLabels", body.toString()));
      members.add("CustomLabels:CustomLabels");
    }
    boolean folder = false;
    for (String r : resources) {
      folder = !folder;
      files.put(d + "staticresources/" + r + ".resource-meta.xml", xml("StaticResource", "<contentType>"
          + (folder ? "application/zip" : "text/plain") + "</contentType>"));
      if (folder) {
        files.put(d + "staticresources/" + r + "/js/app.js", bodies.get(b++ % bodies.size()));
        files.put(d + "staticresources/" + r + "/index.html", bodies.get(b++ % bodies.size()));
      } else {
        files.put(d + "staticresources/" + r + ".txt", bodies.get(b++ % bodies.size()));
      }
      members.add("StaticResource:" + r);
    }
    for (int i = 0; i < unknown; i++) {
      files.put(d + "gadgets/G" + i + ".gadget-meta.xml", xml("Gadget", "<n>" + i + "</n>"));
    }
    return new Project(files, members, unknown);
  }

  private static String xml(String root, String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + NS + "\">\n" + body + "\n</" + root + ">\n";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static Path write(Project project, boolean crlf) throws IOException {
    Path root = Files.createTempDirectory("pkgprop");
    Files.createDirectories(root.resolve("force-app"));
    Files.createDirectories(root.resolve("second-app"));
    for (Map.Entry<String, String> f : project.files().entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, crlf ? f.getValue().replace("\n", "\r\n") : f.getValue());
    }
    return root;
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static MetadataPackage convert(Path root) {
    return MetadataPackage.fromSource(List.of(root.resolve("force-app"), root.resolve("second-app")), Optional.empty());
  }

  @Property(tries = 60)
  void everyComponentIsListedAndNothingIsDropped(@ForAll("project") Project project) throws IOException {
    Path root = write(project, false);
    try {
      MetadataPackage pkg = convert(root);
      assertThat(pkg.packageXml().members()).extracting(m -> m.type() + ":" + m.fullName())
          .containsExactlyElementsOf(project.members());
      assertThat(pkg.unknownFiles()).hasSize(project.unknown());
      // Every source file is the source of some package file.
      Set<String> sources = new TreeSet<>();
      pkg.components().forEach(c -> sources.addAll(c.sources()));
      pkg.unknownFiles().forEach(f -> sources.add(f.source()));
      pkg.files().keySet().forEach(path -> pkg.sourceOf(path).ifPresent(sources::add));
      for (String file : project.files().keySet()) {
        if (!file.contains("/staticresources/") || file.endsWith("-meta.xml")) {
          assertThat(sources).as(file).contains(root.resolve(file).toString());
        }
      }
    } finally {
      delete(root);
    }
  }

  @Property(tries = 40)
  void identitySurvivesMetadataFormZipAndLineEndings(@ForAll("project") Project project) throws IOException {
    Path root = write(project, false);
    Path crlfRoot = write(project, true);
    Path out = Files.createTempDirectory("pkgout");
    try {
      MetadataPackage pkg = convert(root);
      String id = pkg.sha256();
      assertThat(convert(root).sha256()).as("deterministic").isEqualTo(id);
      assertThat(convert(crlfRoot).sha256()).as("CRLF source").isEqualTo(id);
      pkg.writeTo(out.resolve("mdapi"));
      assertThat(MetadataPackage.fromMetadataDirectory(out.resolve("mdapi")).sha256()).as("MDAPI directory").isEqualTo(id);
      ByteArrayOutputStream zip = new ByteArrayOutputStream();
      pkg.writeZip(zip);
      MetadataPackage fromZip = MetadataPackage.fromZip(new ByteArrayInputStream(zip.toByteArray()), "p.zip");
      assertThat(fromZip.sha256()).as("zip").isEqualTo(id);
      assertThat(fromZip.packageXml()).isEqualTo(pkg.packageXml());
      assertThat(new String(fromZip.packageXml().toXml(), StandardCharsets.UTF_8)).startsWith("<?xml version=\"1.0\"");
    } finally {
      delete(root);
      delete(crlfRoot);
      delete(out);
    }
  }
}
