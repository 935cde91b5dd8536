package dev.portcullis.orgsim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * XML in and out for the Metadata API: SOAP envelopes, {@code package.xml} and component files.
 * Parsing is namespace-aware with DTDs refused outright ({@code disallow-doctype-decl}), so no
 * entity, internal or external, is ever expanded, and JAXP's secure processing limits apply.
 * Writing escapes text for element content with Jetty's {@code StringUtil}.
 */
final class MetadataXml {
  /** The Metadata API namespace (Metadata API Developer Guide; WSDL targetNamespace). */
  static final String METADATA_NS = "http://soap.sforce.com/2006/04/metadata";
  static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

  /** XML that is not well-formed, with where: line and column as the parser saw them (0 if unknown). */
  static final class MalformedXmlException extends Exception {
    final int line;
    final int column;

    MalformedXmlException(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  private static final DocumentBuilderFactory FACTORY = factory();

  private MetadataXml() {}

  private static DocumentBuilderFactory factory() {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
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

  /** Parses {@code xml}; a DOCTYPE, an entity or anything not well-formed is refused. */
  static Document parse(byte[] xml) throws MalformedXmlException {
    try {
      DocumentBuilder builder;
      synchronized (FACTORY) {
        builder = FACTORY.newDocumentBuilder();
      }
      builder.setErrorHandler(new ErrorHandler() {
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
      });
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are refused: " + systemId);
      });
      return builder.parse(new ByteArrayInputStream(xml));
    } catch (SAXParseException e) {
      throw new MalformedXmlException(e.getMessage(), e.getLineNumber(), e.getColumnNumber());
    } catch (SAXException | IOException e) {
      throw new MalformedXmlException(String.valueOf(e.getMessage()), 0, 0);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The child elements of {@code parent}, in order. */
  static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The child elements of {@code parent} with local name {@code name}, in order. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Element e : children(parent)) {
      if (name.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  static Optional<Element> child(Element parent, String name) {
    List<Element> all = children(parent, name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** The trimmed text of the first child named {@code name}, if there is one. */
  static Optional<String> text(Element parent, String name) {
    return child(parent, name).map(e -> e.getTextContent().strip());
  }

  /** The trimmed texts of every child named {@code name}. */
  static List<String> texts(Element parent, String name) {
    return children(parent, name).stream().map(e -> e.getTextContent().strip()).toList();
  }

  /**
   * {@code text} escaped for element content and attribute values (Jetty's {@code
   * StringUtil.sanitizeXmlString}: the five predefined entities, control characters as '?').
   */
  static String escape(String text) {
    return org.eclipse.jetty.util.StringUtil.sanitizeXmlString(text);
  }

}
