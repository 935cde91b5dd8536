package dev.portcullis.deploy.diff;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a Metadata API document into an {@link XmlElement} tree, safely.
 *
 * <p>Safety: DTD support and external entities are off in the factory, and a document that declares
 * a DTD anyway (a {@code DTD} event) or holds an entity reference is refused with {@link
 * DiffErrorCode#XML_DTD_REFUSED}, so nothing is expanded or fetched. Size and depth are capped.
 * Positions are StAX's: the line and column just after the start tag, which is what editors and
 * SARIF viewers land on. Every error names the component and the side (org or package).
 */
final class MetadataXml {
  /** Largest document accepted, in characters: the biggest real Admin profiles are a few MB. */
  static final int MAX_CHARS = 64 * 1024 * 1024;
  /** Deepest nesting accepted; Metadata API documents are a handful of levels deep. */
  static final int MAX_DEPTH = 64;

  private static final XMLInputFactory FACTORY = newFactory();

  private MetadataXml() {}

  private static XMLInputFactory newFactory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    return factory;
  }

  /** Parses {@code document}; {@code where} names it in errors ("Profile:Admin (package)"). */
  static XmlElement parse(String document, String where) throws DiffException {
    if (document.length() > MAX_CHARS) {
      throw new DiffException(DiffErrorCode.XML_TOO_LARGE,
          where + ": document of " + document.length() + " characters exceeds the limit of " + MAX_CHARS);
    }
    XMLStreamReader reader = null;
    try {
      synchronized (FACTORY) {
        reader = FACTORY.createXMLStreamReader(new StringReader(document));
      }
      return read(reader, where);
    } catch (XMLStreamException e) {
      Location location = e.getLocation();
      String at = location == null ? "" : ":" + location.getLineNumber() + ":" + location.getColumnNumber();
      throw new DiffException(DiffErrorCode.XML_MALFORMED, where + at + ": not well-formed XML: " + rootMessage(e), e);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // Nothing to release for a StringReader.
        }
      }
    }
  }

  private static XmlElement read(XMLStreamReader reader, String where) throws XMLStreamException, DiffException {
    Deque<Builder> open = new ArrayDeque<>();
    XmlElement root = null;
    while (reader.hasNext()) {
      int event = reader.next();
      switch (event) {
        case XMLStreamConstants.DTD -> throw new DiffException(DiffErrorCode.XML_DTD_REFUSED,
            where + ":" + reader.getLocation().getLineNumber() + ": a DOCTYPE declaration is refused"
                + " (Metadata API documents have none; DTDs and entities are never processed)");
        case XMLStreamConstants.ENTITY_REFERENCE -> throw new DiffException(DiffErrorCode.XML_DTD_REFUSED,
            where + ":" + reader.getLocation().getLineNumber() + ": entity reference &" + reader.getLocalName()
                + "; refused (DTDs and entities are never processed)");
        case XMLStreamConstants.START_ELEMENT -> {
          if (open.size() >= MAX_DEPTH) {
            throw new DiffException(DiffErrorCode.XML_TOO_LARGE,
                where + ":" + reader.getLocation().getLineNumber() + ": elements nested deeper than " + MAX_DEPTH);
          }
          SortedMap<String, String> attributes = new TreeMap<>();
          for (int i = 0; i < reader.getAttributeCount(); i++) {
            String prefix = reader.getAttributePrefix(i);
            String name = reader.getAttributeLocalName(i);
            attributes.put(prefix == null || prefix.isEmpty() ? name : prefix + ":" + name, reader.getAttributeValue(i));
          }
          Location location = reader.getLocation();
          open.push(new Builder(reader.getLocalName(), attributes, location.getLineNumber(), location.getColumnNumber()));
        }
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (!open.isEmpty()) {
            open.peek().text.append(reader.getText());
          }
        }
        case XMLStreamConstants.END_ELEMENT -> {
          XmlElement element = open.pop().build();
          if (open.isEmpty()) {
            root = element;
          } else {
            open.peek().children.add(element);
          }
        }
        default -> {
          // Comments, processing instructions and the document events carry no metadata.
        }
      }
    }
    if (root == null) {
      throw new DiffException(DiffErrorCode.XML_MALFORMED, where + ": the document has no root element");
    }
    return root;
  }

  private static String rootMessage(XMLStreamException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int index = message.lastIndexOf("Message: ");
    return index >= 0 ? message.substring(index + "Message: ".length()).trim() : message.trim();
  }

  private static final class Builder {
    final String name;
    final SortedMap<String, String> attributes;
    final int line;
    final int column;
    final StringBuilder text = new StringBuilder();
    final List<XmlElement> children = new ArrayList<>();

    Builder(String name, SortedMap<String, String> attributes, int line, int column) {
      this.name = name;
      this.attributes = attributes;
      this.line = line;
      this.column = column;
    }

    XmlElement build() {
      return new XmlElement(name, Collections.unmodifiableSortedMap(attributes), text.toString().strip(),
          List.copyOf(children), line, column);
    }
  }
}
