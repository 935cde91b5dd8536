package dev.portcullis.salesforce.metadata;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One element of a parsed SOAP response: its namespace, local name, character data and child
 * elements. Attributes are dropped except {@code xsi:nil}, which marks an element that stands for
 * "no value".
 *
 * <h2>Design note: parsing untrusted XML</h2>
 *
 * Responses come from the network, so the parser is the JDK's own StAX reader ({@link
 * XMLInputFactory#newDefaultFactory()}, never whatever a class path provides) with DTD support and
 * external entities off, and a document that carries a DOCTYPE at all is refused: no entity is ever
 * declared, so none is ever expanded, and nothing is fetched. Depth is capped so a pathological
 * nesting cannot exhaust memory; size is capped before parsing by the caller. Mixed content does not
 * occur in Metadata API messages: an element's text is the concatenation of its own character data.
 */
record XmlElement(String namespace, String name, String text, boolean nil, List<XmlElement> children) {
  static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
  /** Far deeper than any Metadata API result (DeployResult → details → runTestResult → codeCoverage → locationsNotCovered). */
  static final int MAX_DEPTH = 64;

  /** The XML could not be read as a safe, well-formed document. */
  static final class MalformedXmlException extends Exception {
    MalformedXmlException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses {@code xml} (a whole document) into its root element. */
  static XmlElement parse(byte[] xml) throws MalformedXmlException {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
      throw new XMLStreamException("external entity '" + systemId + "' refused");
    });
    XMLStreamReader reader = null;
    try {
      reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
      Deque<Builder> open = new ArrayDeque<>();
      XmlElement root = null;
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.DTD -> throw new MalformedXmlException(
              "a DOCTYPE is not allowed in a SOAP message (line " + reader.getLocation().getLineNumber() + ")", null);
          case XMLStreamConstants.ENTITY_REFERENCE -> throw new MalformedXmlException(
              "entity reference &" + reader.getLocalName() + "; is not allowed (line " + reader.getLocation().getLineNumber() + ")", null);
          case XMLStreamConstants.START_ELEMENT -> {
            if (open.size() >= MAX_DEPTH) {
              throw new MalformedXmlException("elements nested deeper than " + MAX_DEPTH, null);
            }
            String nil = reader.getAttributeValue(XSI_NS, "nil");
            String ns = reader.getNamespaceURI();
            open.push(new Builder(ns == null ? "" : ns, reader.getLocalName(), "true".equals(nil) || "1".equals(nil)));
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (!open.isEmpty()) {
              open.peek().text.append(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            XmlElement done = open.pop().build();
            if (open.isEmpty()) {
              root = done;
            } else {
              open.peek().children.add(done);
            }
          }
          default -> { }
        }
      }
      if (root == null) {
        throw new MalformedXmlException("no root element", null);
      }
      return root;
    } catch (XMLStreamException | RuntimeException e) {
      // The JDK parser reports some malformations as unchecked exceptions.
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
      throw new MalformedXmlException("not well-formed XML: " + message, e);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // nothing to release beyond the byte array
        }
      }
    }
  }

  /** The first child named {@code name} (any namespace), unless it is {@code xsi:nil}. */
  Optional<XmlElement> child(String name) {
    for (XmlElement c : children) {
      if (c.name.equals(name)) {
        return c.nil ? Optional.empty() : Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Every child named {@code name} that is not {@code xsi:nil}, in document order. */
  List<XmlElement> all(String name) {
    List<XmlElement> out = new ArrayList<>();
    for (XmlElement c : children) {
      if (c.name.equals(name) && !c.nil) {
        out.add(c);
      }
    }
    return out;
  }

  /** The text of the first child named {@code name}; empty when absent or nil. */
  Optional<String> text(String name) {
    return child(name).map(XmlElement::text);
  }

  private static final class Builder {
    final String namespace;
    final String name;
    final boolean nil;
    final StringBuilder text = new StringBuilder();
    final List<XmlElement> children = new ArrayList<>();

    Builder(String namespace, String name, boolean nil) {
      this.namespace = namespace;
      this.name = name;
      this.nil = nil;
    }

    XmlElement build() {
      return new XmlElement(namespace, name, text.toString(), nil, List.copyOf(children));
    }
  }
}
