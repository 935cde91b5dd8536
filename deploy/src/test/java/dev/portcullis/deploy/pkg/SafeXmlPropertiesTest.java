package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.ListArbitrary;
import org.junit.jupiter.api.Test;

/**
 * The XML layer: the streaming canonical form equals the tree one; layout (indentation, CRLF, the
 * declaration, {@code <a/>} vs {@code <a></a>}) never changes it; what {@link SafeXml#write} writes
 * reads back to the same canonical form; DOCTYPEs are refused by both parsers.
 */
class SafeXmlPropertiesTest {
  private static final String NS = "http://soap.sforce.com/2006/04/metadata";

  /** A metadata-like element tree: name, text or children. */
  record Node(String name, String text, List<Node> children) {
    String xml(String indent, String newline, boolean selfClose, String attributes) {
      if (children.isEmpty()) {
        if (text.isEmpty() && selfClose) {
          return indent + "<" + name + attributes + "/>" + newline;
        }
        return indent + "<" + name + attributes + ">" + escape(text) + "</" + name + ">" + newline;
      }
      StringBuilder s = new StringBuilder(indent + "<" + name + attributes + ">" + newline);
      children.forEach(c -> s.append(c.xml(indent + "    ", newline, selfClose, "")));
      return s.append(indent).append("</").append(name).append(">").append(newline).toString();
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Provide
  Arbitrary<Node> tree() {
    return node(3);
  }

  private Arbitrary<Node> node(int depth) {
    Arbitrary<String> names = Arbitraries.of("fields", "fullName", "label", "value", "userPermissions", "enabled", "name");
    Arbitrary<String> texts = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '€', '\n', '\t').ofMaxLength(20)
        .filter(t -> !t.isBlank() || t.isEmpty());
    if (depth == 0) {
      return Combinators.combine(names, texts).as((n, t) -> new Node(n, t, List.of()));
    }
    ListArbitrary<Node> kids = node(depth - 1).list().ofMaxSize(3);
    return Combinators.combine(names, texts, kids, Arbitraries.of(true, false))
        .as((n, t, k, leaf) -> leaf || k.isEmpty() ? new Node(n, t, List.of()) : new Node(n, "", k));
  }

  private static byte[] document(Node root, String newline, boolean declaration, boolean selfClose) {
    String body = root.xml("", newline, selfClose, " xmlns=\"" + NS + "\"");
    return ((declaration ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + newline : "") + body).getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 300)
  void streamingAndTreeCanonicalFormsAgreeAndLayoutDoesNotCount(@ForAll("tree") Node root, @ForAll boolean crlf,
      @ForAll boolean declaration, @ForAll boolean selfClose) {
    byte[] plain = document(root, "\n", true, false);
    byte[] other = document(root, crlf ? "\r\n" : "\n", declaration, selfClose);
    String canonical = SafeXml.canonical(SafeXml.parse(plain, "plain"));
    assertThat(SafeXml.canonical(plain, "plain")).isEqualTo(canonical);
    assertThat(SafeXml.canonical(other, "other")).isEqualTo(canonical);
    assertThat(SafeXml.canonical(SafeXml.parse(other, "other"))).isEqualTo(canonical);
    byte[] written = SafeXml.write(SafeXml.parse(other, "other").getDocumentElement()).getBytes(StandardCharsets.UTF_8);
    assertThat(SafeXml.canonical(written, "written")).isEqualTo(canonical);
  }

  @Property(tries = 200)
  void arbitraryBytesFailOnlyWithPackageExceptions(@ForAll byte[] bytes) {
    for (Runnable parse : List.<Runnable>of(() -> SafeXml.parse(bytes, "f.xml"), () -> SafeXml.canonical(bytes, "f.xml"))) {
      try {
        parse.run();
      } catch (PackageException e) {
        assertThat(e.getMessage()).startsWith("f.xml");
      }
    }
  }

  @Test
  void theByteScanSendsEveryDoctypeOrOtherEncodingToTheParser() {
    byte[] plain = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a xmlns=\"" + NS + "\">é</a>").getBytes(StandardCharsets.UTF_8);
    assertThat(SafeXml.isPlainUtf8WithoutDoctype(plain, "a.xml")).isTrue();
    String doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<a>&x;</a>";
    assertThat(SafeXml.isPlainUtf8WithoutDoctype(doctype.getBytes(StandardCharsets.UTF_8), "a.xml")).isFalse();
    assertThat(SafeXml.isPlainUtf8WithoutDoctype(doctype.getBytes(StandardCharsets.UTF_16), "a.xml")).isFalse();
    assertThat(SafeXml.isPlainUtf8WithoutDoctype(doctype.getBytes(StandardCharsets.UTF_16LE), "a.xml")).isFalse();
    assertThat(SafeXml.isPlainUtf8WithoutDoctype("<?xml version=\"1.0\" encoding=\"UTF-7\"?><a>+ADw-!DOCTYPE</a>"
        .getBytes(StandardCharsets.US_ASCII), "a.xml")).isFalse();
    // And the parser then refuses the real ones, in any encoding it reads.
    assertThatThrownBy(() -> SafeXml.canonical(doctype.getBytes(StandardCharsets.UTF_16), "a.xml"))
        .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.XML_DOCTYPE));
    // A DOCTYPE as text in a CDATA section is text: parsed and kept.
    byte[] cdata = ("<a xmlns=\"" + NS + "\"><![CDATA[<!DOCTYPE html>]]></a>").getBytes(StandardCharsets.UTF_8);
    assertThat(SafeXml.isPlainUtf8WithoutDoctype(cdata, "a.xml")).isFalse();
    assertThat(SafeXml.canonical(cdata, "a.xml")).contains("&lt;!DOCTYPE html&gt;");
  }

  @Test
  void bothParsersRefuseDoctypesNamingTheFile() {
    for (String doctype : List.of("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "<!DOCTYPE a SYSTEM \"http://127.0.0.1/x.dtd\">",
        "<!DOCTYPE a [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>")) {
      byte[] xml = ("<?xml version=\"1.0\"?>\n" + doctype + "\n<a>&x;</a>").getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> SafeXml.parse(xml, "evil.xml"))
          .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.XML_DOCTYPE))
          .hasMessageStartingWith("evil.xml:2:");
      assertThatThrownBy(() -> SafeXml.canonical(xml, "evil.xml"))
          .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.code()).isEqualTo(PackageErrorCode.XML_DOCTYPE))
          .hasMessageStartingWith("evil.xml:");
    }
  }
}
