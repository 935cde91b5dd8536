package dev.portcullis.certs.inventory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Metadata XML read with DOCTYPEs refused (so no entity is ever expanded) and no external access. */
final class SafeXml {
  private SafeXml() {}

  private static final DocumentBuilderFactory FACTORY = factory();

  private static DocumentBuilderFactory factory() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be made safe: " + e.getMessage(), e);
    }
  }

  /** The root element of {@code xml}; {@code where} names the file in the error. */
  static Element parse(byte[] xml, String where) {
    try {
      DocumentBuilder builder = FACTORY.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
    } catch (SAXException | IOException | ParserConfigurationException e) {
      throw new InventoryException(InventoryException.Code.MALFORMED_METADATA,
          where + ": not well-formed XML (DOCTYPEs are refused): " + e.getMessage(), e);
    }
  }

  /** The child elements of {@code parent} with local name {@code name}. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  /** The trimmed text of the first child {@code name}, when present and not blank. */
  static Optional<String> text(Element parent, String name) {
    return children(parent, name).stream().findFirst().map(e -> e.getTextContent().strip()).filter(s -> !s.isEmpty());
  }
}
