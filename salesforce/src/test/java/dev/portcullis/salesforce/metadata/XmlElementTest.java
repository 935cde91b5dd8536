package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response parser against hostile documents, and round trips of arbitrary trees. */
class XmlElementTest {
  @TempDir Path dir;

  static byte[] bytes(String xml) {
    return xml.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEntityExpansionBombIsRefusedAtItsDoctype() {
    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>";
    assertThatThrownBy(() -> XmlElement.parse(bytes(bomb)))
        .isInstanceOf(XmlElement.MalformedXmlException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void anExternalEntityIsNeverRead() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><r>&x;</r>";
    assertThatThrownBy(() -> XmlElement.parse(bytes(xxe)))
        .isInstanceOf(XmlElement.MalformedXmlException.class)
        .hasMessageNotContaining("TOP-SECRET");
    String externalDtd = "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"" + secret.toUri() + "\"><r/>";
    assertThatThrownBy(() -> XmlElement.parse(bytes(externalDtd))).isInstanceOf(XmlElement.MalformedXmlException.class);
  }

  @Test
  void anUndeclaredEntityIsRefused() {
    assertThatThrownBy(() -> XmlElement.parse(bytes("<r>&nbsp;</r>"))).isInstanceOf(XmlElement.MalformedXmlException.class);
  }

  @Test
  void nestingDeeperThanTheCapIsRefused() throws Exception {
    int depth = XmlElement.MAX_DEPTH + 1;
    String deep = "<a>".repeat(depth) + "</a>".repeat(depth);
    assertThatThrownBy(() -> XmlElement.parse(bytes(deep))).hasMessageContaining("nested deeper than " + XmlElement.MAX_DEPTH);
    String ok = "<a>".repeat(XmlElement.MAX_DEPTH) + "</a>".repeat(XmlElement.MAX_DEPTH);
    assertThat(XmlElement.parse(bytes(ok)).name()).isEqualTo("a");
  }

  @Test
  void predefinedEntitiesCharacterReferencesAndCdataAreText() throws Exception {
    XmlElement r = XmlElement.parse(bytes("<r><v>a&amp;b&#13;&#x41;<![CDATA[<x>]]></v></r>"));
    assertThat(r.text("v")).contains("a&b\rA<x>");
  }

  @Test
  void notWellFormedIsRefused() {
    for (String bad : List.of("", "<r>", "<r></s>", "text", "<r a='1' a='2'/>", "<r/><r/>")) {
      assertThatThrownBy(() -> XmlElement.parse(bytes(bad))).as(bad).isInstanceOf(XmlElement.MalformedXmlException.class);
    }
  }

  /** Any bytes at all: parsed, or refused as malformed; nothing else escapes. */
  @Property(tries = 500)
  void arbitraryBytesAreParsedOrRefused(@ForAll("junk") byte[] junk) {
    try {
      XmlElement.parse(junk);
    } catch (XmlElement.MalformedXmlException expected) {
      // refused: fine
    }
  }

  /** A tree written as XML parses back to the same names, texts and children. */
  @Property(tries = 200)
  void writtenTreesParseBackEqual(@ForAll("trees") XmlElement tree) throws Exception {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    write(tree, xml, true);
    assertThat(XmlElement.parse(bytes(xml.toString()))).isEqualTo(tree);
  }

  static void write(XmlElement e, StringBuilder out, boolean root) {
    out.append('<').append(e.name());
    if (root) {
      out.append(" xmlns=\"").append(e.namespace()).append('"');
    }
    out.append('>');
    SoapEnvelope.escape(out, e.text(), e.name());
    e.children().forEach(c -> write(c, out, false));
    out.append("</").append(e.name()).append('>');
  }

  @Provide
  Arbitrary<byte[]> junk() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> xmlish = Arbitraries.of("<", ">", "</", "/>", "<!DOCTYPE x [", "<!ENTITY a \"b\">", "&a;", "]>", "<r>",
            "</r>", "<s:Envelope xmlns:s=\"" + SoapEnvelope.ENVELOPE_NS + "\">", "<![CDATA[", "]]>", "&#0;", "&#x10FFFF;",
            "<?xml version=\"1.0\"?>", "text", "\u00e9", "\"", "'", "=")
        .list().ofMaxSize(30).map(parts -> bytes(String.join("", parts)));
    return Arbitraries.oneOf(random, xmlish);
  }

  @Provide
  Arbitrary<XmlElement> trees() {
    return tree(3).map(t -> withNamespace(t, SoapEnvelope.METADATA_NS));
  }

  private Arbitrary<XmlElement> tree(int depth) {
    Arbitrary<String> names = Arbitraries.of("result", "done", "id", "details", "componentFailures", "problem", "x_1");
    Arbitrary<String> texts = Arbitraries.strings().withChars("ab &<>\"'\n\t\r\u00e9]").ofMaxLength(12);
    if (depth == 0) {
      return net.jqwik.api.Combinators.combine(names, texts).as((n, t) -> new XmlElement("", n, t, false, List.of()));
    }
    return net.jqwik.api.Combinators.combine(names, tree(depth - 1).list().ofMaxSize(3), texts)
        .as((n, children, t) -> new XmlElement("", n, children.isEmpty() ? t : "", false, children));
  }

  private static XmlElement withNamespace(XmlElement e, String ns) {
    List<XmlElement> children = new ArrayList<>();
    e.children().forEach(c -> children.add(withNamespace(c, ns)));
    return new XmlElement(ns, e.name(), e.text(), false, List.copyOf(children));
  }
}
