package dev.portcullis.deploy.pkg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A Metadata API manifest: {@code package.xml}, or one of {@code destructiveChanges.xml},
 * {@code destructiveChangesPre.xml}, {@code destructiveChangesPost.xml}, which share its {@code Package}
 * root (Metadata API Developer Guide, "Sample package.xml Manifest Files" and "Deleting Components from
 * an Organization"). Types and members are kept sorted, as the Salesforce CLI writes them.
 *
 * @param version the {@code <version>} (API version), if given
 * @param types members by type name; {@code *} is the wildcard
 */
public record Manifest(Optional<String> version, SortedMap<String, SortedSet<String>> types) {

  /** One {@code <members>} of one {@code <types>}. */
  public record Member(String type, String fullName) {}

  public Manifest {
    SortedMap<String, SortedSet<String>> copy = new TreeMap<>();
    types.forEach((type, members) -> copy.put(type, Collections.unmodifiableSortedSet(new TreeSet<>(members))));
    types = Collections.unmodifiableSortedMap(copy);
  }

  /** A manifest listing {@code members}. */
  public static Manifest of(Optional<String> version, List<Member> members) {
    SortedMap<String, SortedSet<String>> types = new TreeMap<>();
    for (Member member : members) {
      types.computeIfAbsent(member.type(), t -> new TreeSet<>()).add(member.fullName());
    }
    return new Manifest(version, types);
  }

  /** Every member, sorted by type then name. */
  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    types.forEach((type, members) -> members.forEach(m -> out.add(new Member(type, m))));
    return out;
  }

  /** Whether the manifest names the component, by name or by the {@code *} wildcard. */
  public boolean selects(String type, String fullName) {
    SortedSet<String> members = types.get(type);
    return members != null && (members.contains(fullName) || members.contains("*"));
  }

  /** Parses a manifest; {@code where} names the file or entry in errors. DOCTYPEs are refused. */
  public static Manifest parse(byte[] xml, String where) {
    Document document = SafeXml.parse(xml, where);
    Element root = document.getDocumentElement();
    if (!"Package".equals(root.getLocalName()) || !SafeXml.METADATA_NS.equals(root.getNamespaceURI())) {
      throw new PackageException(PackageErrorCode.MANIFEST_INVALID, where + ": the root element is <"
          + root.getTagName() + ">, not <Package xmlns=\"" + SafeXml.METADATA_NS + "\">");
    }
    SortedMap<String, SortedSet<String>> types = new TreeMap<>();
    Optional<String> version = Optional.empty();
    for (Element child : SafeXml.children(root)) {
      switch (child.getLocalName()) {
        case "types" -> {
          String name = SafeXml.childText(child, "name");
          if (name == null || name.isBlank()) {
            throw new PackageException(PackageErrorCode.MANIFEST_INVALID, where + ": a <types> without <name>");
          }
          SortedSet<String> members = types.computeIfAbsent(name.trim(), t -> new TreeSet<>());
          for (Element member : SafeXml.children(child)) {
            if (member.getLocalName().equals("members")) {
              members.add(member.getTextContent().trim());
            }
          }
        }
        case "version" -> version = Optional.of(child.getTextContent().trim());
        default -> { } // fullName, description, namespacePrefix…: not needed to select or delete components
      }
    }
    return new Manifest(version, types);
  }

  /** The manifest as the Salesforce CLI writes it: sorted, four-space indentation, UTF-8. */
  public byte[] toXml() {
    StringBuilder out = new StringBuilder();
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<Package xmlns=\"").append(SafeXml.METADATA_NS).append("\">\n");
    for (Map.Entry<String, SortedSet<String>> type : types.entrySet()) {
      out.append("    <types>\n");
      for (String member : type.getValue()) {
        out.append("        <members>").append(escape(member)).append("</members>\n");
      }
      out.append("        <name>").append(escape(type.getKey())).append("</name>\n");
      out.append("    </types>\n");
    }
    version.ifPresent(v -> out.append("    <version>").append(escape(v)).append("</version>\n"));
    out.append("</Package>\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The form hashed into the package identity: version and sorted {@code Type:member} lines. */
  String canonical() {
    StringBuilder out = new StringBuilder("version:").append(version.orElse("")).append('\n');
    for (Member member : members()) {
      out.append(member.type()).append(':').append(member.fullName()).append('\n');
    }
    return out.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
