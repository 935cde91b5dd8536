package dev.portcullis.deploy.pkg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Metadata XML in and out, safely. Parsing refuses any DOCTYPE ({@code disallow-doctype-decl}), so no
 * DTD is read and no entity, internal or external, is ever expanded; JAXP secure processing caps the
 * rest. Writing follows the layout the Salesforce CLI writes for recomposed files (UTF-8 declaration,
 * four-space indentation, one element per line), and {@link #canonical} gives the form in which two
 * files that differ only in layout compare equal.
 */
final class SafeXml {
  static final String METADATA_NS = "http://soap.sforce.com/2006/04/metadata";

  private static final DocumentBuilderFactory FACTORY = factory();

  private SafeXml() {}

  private static DocumentBuilderFactory factory() {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance(); // the JDK's, as for StAX
    try {
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser refuses the hardening features", e);
    }
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setNamespaceAware(true);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    return factory;
  }

  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(SafeXml::newBuilder);

  private static DocumentBuilder newBuilder() {
    try {
      return FACTORY.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final ErrorHandler STRICT = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  /** Parses {@code bytes}; errors name {@code where} (a file or zip entry) with line and column. */
  static Document parse(byte[] bytes, String where) {
    DocumentBuilder builder = BUILDER.get();
    builder.reset(); // a builder is reused per thread; reset() also clears the handlers, so set them each time
    builder.setErrorHandler(STRICT);
    builder.setEntityResolver((publicId, systemId) -> {
      throw new SAXException("external entity " + systemId + " refused");
    });
    try {
      return builder.parse(new ByteArrayInputStream(bytes));
    } catch (SAXParseException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("DOCTYPE")) {
        throw new PackageException(PackageErrorCode.XML_DOCTYPE, where + ":" + e.getLineNumber() + ":"
            + e.getColumnNumber() + ": a DOCTYPE declaration is refused (no DTDs or entities in metadata XML)");
      }
      throw new PackageException(PackageErrorCode.XML_MALFORMED,
          where + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": not well-formed XML: " + message);
    } catch (SAXException e) {
      throw new PackageException(PackageErrorCode.XML_MALFORMED, where + ": " + e.getMessage());
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, where + ": " + e.getMessage(), e);
    }
  }

  private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTITY = "<!ENTITY".getBytes(StandardCharsets.US_ASCII);

  /**
   * Whether {@code bytes} is XML in UTF-8 (or ASCII) that a byte scan shows has no DOCTYPE: true when it
   * can be copied without parsing. False (parse it instead, which refuses a DTD) when the bytes
   * {@code <!DOCTYPE} or {@code <!ENTITY} occur anywhere, or the file is in another encoding, where the ASCII bytes of
   * {@code <!DOCTYPE} need not appear: a UTF-16 or UTF-32 byte order mark or NUL bytes, or an XML
   * declaration naming an encoding other than UTF-8 or US-ASCII (UTF-7 could spell it {@code +ADw-!DOCTYPE}).
   */
  static boolean isPlainUtf8WithoutDoctype(byte[] bytes, String where) {
    int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
    if (bytes.length - start >= 2) {
      int b0 = bytes[start] & 0xff;
      int b1 = bytes[start + 1] & 0xff;
      if (b0 == 0 || b1 == 0 || b0 == 0xfe || b0 == 0xff || b0 == 0x4c) {
        return false;
      }
    }
    if (bytes.length - start >= 5 && bytes[start] == '<' && bytes[start + 1] == '?' && bytes[start + 2] == 'x') {
      int end = indexOf(bytes, "?>".getBytes(StandardCharsets.US_ASCII), start, Math.min(bytes.length, start + 200));
      if (end < 0) {
        return false;
      }
      String declaration = new String(bytes, start, end - start, StandardCharsets.US_ASCII);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("encoding\\s*=\\s*[\"']([^\"']*)[\"']").matcher(declaration);
      if (m.find() && !m.group(1).equalsIgnoreCase("UTF-8") && !m.group(1).equalsIgnoreCase("US-ASCII")) {
        return false;
      }
    }
    for (byte[] marker : new byte[][] {DOCTYPE, ENTITY}) {
      if (indexOf(bytes, marker, start, bytes.length) >= 0) {
        return false; // parsed instead: refused if it is a declaration, kept if it is text in a CDATA section
      }
    }
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      if (haystack[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The element children of {@code element}, in document order. */
  static List<Element> children(Element element) {
    List<Element> out = new ArrayList<>();
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The text of the first child element named {@code name}, or null. */
  static String childText(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getLocalName().equals(name)) {
        return e.getTextContent();
      }
    }
    return null;
  }

  /**
   * Writes a document the way the Salesforce CLI writes recomposed metadata: the XML declaration, the root
   * element with its namespace declarations, each element on its own line indented by four spaces per level,
   * text kept exactly as parsed.
   */
  static String write(Element root) {
    return write(root, List.of(), new int[0][]);
  }

  /**
   * As {@link #write(Element)}, and for each of {@code watched} (elements of the document, in document order) the
   * 1-based lines its start tag and its end tag are written on, into {@code lines[i] = {first, last}}.
   */
  static String write(Element root, List<Element> watched, int[][] lines) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    Map<Element, Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < watched.size(); i++) {
      index.put(watched.get(i), i);
    }
    int[][] offsets = new int[watched.size()][2];
    writeElement(root, 0, out, index, offsets);
    if (!watched.isEmpty()) { // offsets to lines in one pass; watched elements are written in order
      int line = 1;
      int at = 0;
      for (int i = 0; i < offsets.length; i++) {
        int[] span = new int[2];
        for (int end = 0; end < 2; end++) {
          for (; at < offsets[i][end]; at++) {
            if (out.charAt(at) == '\n') {
              line++;
            }
          }
          span[end] = line;
        }
        lines[i] = span;
      }
    }
    return out.toString();
  }

  private static void writeElement(Element element, int depth, StringBuilder out, Map<Element, Integer> watched,
      int[][] offsets) {
    Integer watchedAt = watched.isEmpty() ? null : watched.get(element);
    if (watchedAt != null) {
      offsets[watchedAt][0] = out.length();
    }
    writeTags(element, depth, out, watched, offsets);
    if (watchedAt != null) {
      offsets[watchedAt][1] = out.length() - 1; // the end tag's line, not the next one
    }
  }

  private static void writeTags(Element element, int depth, StringBuilder out, Map<Element, Integer> watched,
      int[][] offsets) {
    out.repeat("    ", depth).append('<').append(element.getTagName());
    NamedNodeMap attributes = element.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Attr a = (Attr) attributes.item(i);
      out.append(' ').append(a.getName()).append("=\"");
      escape(a.getValue(), true, out);
      out.append('"');
    }
    List<Element> kids = children(element);
    if (kids.isEmpty()) {
      String text = element.getTextContent();
      if (text.isEmpty()) {
        out.append("></").append(element.getTagName()).append(">\n");
        return;
      }
      out.append('>');
      escape(text, false, out);
      out.append("</").append(element.getTagName()).append(">\n");
      return;
    }
    out.append(">\n");
    for (Element kid : kids) {
      writeElement(kid, depth + 1, out, watched, offsets);
    }
    out.repeat("    ", depth).append("</").append(element.getTagName()).append(">\n");
  }

  private static void escape(String text, boolean attribute, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append(attribute ? "&quot;" : "\"");
        default -> out.append(c);
      }
    }
  }

  private static final XMLInputFactory STAX = staxFactory();

  private static XMLInputFactory staxFactory() {
    // The JDK's own implementation, whatever StAX provider (Aalto, Woodstox) another module puts on the
    // class path: its DTD handling is the one the tests pin down.
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    factory.setXMLResolver((publicId, systemId, base, ns) -> {
      throw new XMLStreamException("external entity " + systemId + " refused");
    });
    return factory;
  }

  /**
   * {@link #canonical(Document)} of {@code bytes}, computed in one streaming pass without building a tree
   * (the package identity hashes every metadata file). A DOCTYPE is refused as {@link #parse} refuses it.
   */
  static String canonical(byte[] bytes, String where) {
    StringBuilder out = new StringBuilder(bytes.length);
    XMLStreamReader reader = null;
    try {
      reader = STAX.createXMLStreamReader(new ByteArrayInputStream(bytes));
      // Per open element: whether it has element children, and text not yet known to be kept.
      java.util.ArrayDeque<boolean[]> hasChildren = new java.util.ArrayDeque<>();
      StringBuilder pending = new StringBuilder();
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.DTD -> throw new PackageException(PackageErrorCode.XML_DOCTYPE, where + ":"
              + reader.getLocation().getLineNumber() + ":" + reader.getLocation().getColumnNumber()
              + ": a DOCTYPE declaration is refused (no DTDs or entities in metadata XML)");
          case XMLStreamConstants.START_ELEMENT -> {
            if (!hasChildren.isEmpty()) {
              hasChildren.peek()[0] = true;
              flushText(pending, true, out);
            }
            hasChildren.push(new boolean[] {false});
            String name = qualified(reader.getPrefix(), reader.getLocalName());
            out.append('<').append(name);
            Map<String, String> sorted = new TreeMap<>();
            for (int i = 0; i < reader.getNamespaceCount(); i++) {
              String prefix = reader.getNamespacePrefix(i);
              sorted.put(prefix == null || prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix, reader.getNamespaceURI(i));
            }
            for (int i = 0; i < reader.getAttributeCount(); i++) {
              sorted.put(qualified(reader.getAttributePrefix(i), reader.getAttributeLocalName(i)), reader.getAttributeValue(i));
            }
            sorted.forEach((k, v) -> {
              out.append(' ').append(k).append("=\"");
              escape(v, true, out);
              out.append('"');
            });
            out.append('>');
          }
          case XMLStreamConstants.END_ELEMENT -> {
            boolean[] children = hasChildren.pop();
            flushText(pending, children[0], out);
            out.append("</").append(qualified(reader.getPrefix(), reader.getLocalName())).append('>');
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (!hasChildren.isEmpty()) {
              pending.append(reader.getText());
            }
          }
          default -> { }
        }
      }
      return out.toString();
    } catch (XMLStreamException e) {
      String message = String.valueOf(e.getMessage());
      javax.xml.stream.Location at = e.getLocation();
      String position = at == null ? "" : at.getLineNumber() + ":" + at.getColumnNumber() + ":";
      if (message.contains("DOCTYPE") || message.contains("DTD")) {
        throw new PackageException(PackageErrorCode.XML_DOCTYPE,
            where + ":" + position + " a DOCTYPE declaration is refused (no DTDs or entities in metadata XML)");
      }
      throw new PackageException(PackageErrorCode.XML_MALFORMED, where + ":" + position + " not well-formed XML: "
          + message.replaceFirst("(?s)^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", ""));
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // nothing held open: the input is a byte array
        }
      }
    }
  }

  private static void flushText(StringBuilder pending, boolean betweenElements, StringBuilder out) {
    if (pending.isEmpty()) {
      return;
    }
    String text = pending.toString();
    pending.setLength(0);
    if (!(betweenElements && text.isBlank())) {
      escape(text.replace("\r\n", "\n").replace('\r', '\n'), false, out);
    }
  }

  private static String qualified(String prefix, String local) {
    return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
  }

  /**
   * A canonical text of the document: no declaration, no comments, no whitespace-only text between
   * elements, attributes sorted by name, namespace declarations kept as attributes, text escaped one way.
   * Two metadata files that Salesforce reads the same way (layout, quoting, {@code <a/>} vs
   * {@code <a></a>}, CRLF) have the same canonical text.
   */
  static String canonical(Document document) {
    StringBuilder out = new StringBuilder(4096);
    canonicalElement(document.getDocumentElement(), out);
    return out.toString();
  }

  private static void canonicalElement(Element element, StringBuilder out) {
    out.append('<').append(element.getTagName());
    NamedNodeMap attributes = element.getAttributes();
    Map<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < attributes.getLength(); i++) {
      sorted.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
    }
    sorted.forEach((name, value) -> {
      out.append(' ').append(name).append("=\"");
      escape(value, true, out);
      out.append('"');
    });
    out.append('>');
    boolean hasElements = !children(element).isEmpty();
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      switch (n.getNodeType()) {
        case Node.ELEMENT_NODE -> canonicalElement((Element) n, out);
        case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
          String text = n.getNodeValue().replace("\r\n", "\n").replace('\r', '\n');
          if (!(hasElements && text.isBlank())) {
            escape(text, false, out);
          }
        }
        default -> { }
      }
    }
    out.append("</").append(element.getTagName()).append('>');
  }
}
