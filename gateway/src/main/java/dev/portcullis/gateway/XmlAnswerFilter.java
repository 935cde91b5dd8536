package dev.portcullis.gateway;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Filters a Salesforce XML answer (SOAP partner, enterprise and Tooling APIs; REST with {@code
 * Accept: application/xml}) as the bytes arrive: redacts the fields of a {@code redact_fields}
 * obligation and rewrites text nodes that are absolute links on the org's instance ({@code
 * serverUrl}, {@code metadataServerUrl}, …; {@link InstanceUrlRewriter}). Aalto's non-blocking
 * (push) parser reads each chunk, with DTDs refused and no entities but XML's own five; the bytes
 * pass through an {@link AnswerSplicer}, so whatever is not changed goes out byte for byte.
 *
 * <h2>Design</h2>
 *
 * <p>Records and their types, as Salesforce writes them:
 *
 * <ul>
 *   <li>enterprise API: {@code <records xsi:type="sf:Contact">} with {@code sf} bound to {@code
 *       urn:sobject.enterprise.soap.sforce.com}; the type is the {@code xsi:type}'s local name;
 *   <li>partner API: {@code <records xsi:type="sf:sObject"><sf:type>Contact</sf:type>…} ({@code
 *       urn:sobject.partner.soap.sforce.com}); the type is the text of the first {@code type} child
 *       (SOAP API Developer Guide, "Queries and the Partner WSDL", shows these records);
 *   <li>REST: {@code <records type="Contact" url="…">}, a {@code type} attribute without namespace.
 * </ul>
 *
 * <p>The same holds for relationship records ({@code <sf:Account xsi:type="sf:sObject">}) and the
 * records of subquery results, each redacted by its own type, and for the results of {@code
 * retrieve} and {@code search}. The fields of a record are its child elements, by local name,
 * compared case-insensitively. An element whose type is not known (no type, or a partner record
 * before its {@code type}) has every child redacted whose name is redacted on any object, as the
 * JSON filter does. A redacted element becomes {@code <sf:SSN__c xsi:nil="true"/>}: its tag and the
 * namespaces it declares, no content, {@code xsi:nil} as Salesforce marks a null field ("The
 * QueryResult always contains all of the fields specified in the fieldList, even if some of the
 * fields contain no data (null)"; the guide's partner example shows a null {@code <sf:Id
 * xsi:nil="true"/>}), {@code xsi} declared on the element when no prefix is bound to it.
 *
 * <p>Where an event is in the bytes: Aalto reports where each event ends (exact when every chunk is
 * fed as its own array from offset 0, as here); an event's bytes run from the previous event's end.
 * A start tag begins at the first {@code <} after the whitespace before it.
 *
 * <p>A text node is rewritten only when it is an element's whole content (no child elements,
 * comments or processing instructions) and starts with {@code http}; such text is held until its
 * element ends, at most {@value #MAX_URL_CHARS} characters (beyond that it is passed on as it is).
 *
 * <p>Fails closed when fields are redacted: malformed or truncated XML, a DTD, an encoding other
 * than UTF-8 or nesting deeper than {@value #MAX_DEPTH} is an {@link IOException}. Without fields
 * to redact, an answer the parser cannot read passes on unchanged from where it gave up.
 */
final class XmlAnswerFilter extends AnswerFilter {
  private static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
  /** The namespaces of sObject types: {@code urn:sobject.partner.soap.sforce.com}, {@code …enterprise…}, {@code …tooling…}. */
  private static final String SOBJECT_NAMESPACE_PREFIX = "urn:sobject.";
  static final int MAX_URL_CHARS = 8192;
  static final int MAX_DEPTH = 1000;
  private static final String XML_WHITESPACE = " \t\r\n";
  private static final AsyncXMLInputFactory XML = factory();

  private static AsyncXMLInputFactory factory() {
    AsyncXMLInputFactory factory = new InputFactoryImpl();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    return factory;
  }

  /** An open element. */
  private static final class Frame {
    /** The record type, when known. */
    String type;
    /** A partner sObject: its type comes from its {@code type} child. */
    boolean awaitingType;
    /** This is the {@code type} child of that partner record: its text is the record's type. */
    Frame typeOf;
    final StringBuilder text = new StringBuilder();
    /** Its content so far is one text node that may be a link on the instance. */
    boolean linkCandidate = true;
    /** Where its content starts (after the start tag). */
    final long contentStart;

    Frame(long contentStart) {
      this.contentStart = contentStart;
    }
  }

  private final InstanceUrlRewriter urls;
  private final AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
  private final Deque<Frame> frames = new ArrayDeque<>();
  /** The offset just after the last event read. */
  private long eventEnd;
  /** Depth inside a redacted element being dropped; 0 when not dropping. */
  private int skipping;
  private boolean ended;
  private boolean sawElement;

  /**
   * @param fields what to redact ({@link RedactedFields#isEmpty()}: nothing)
   * @param urls how links on the instance move to the gateway
   */
  XmlAnswerFilter(RedactedFields fields, InstanceUrlRewriter urls) {
    super(fields);
    this.urls = urls;
    this.reader = XML.createAsyncForByteArray();
  }

  @Override
  void parse(byte[] chunk) throws IOException {
    if (ended) {
      throw new IOException("the XML answer goes on after its document ended");
    }
    try {
      reader.getInputFeeder().feedInput(chunk, 0, chunk.length); // Aalto's offsets are exact for arrays fed from 0
      drain();
    } catch (XMLStreamException | RuntimeException e) {
      throw new IOException("the XML answer is not well-formed: " + e.getClass().getSimpleName());
    }
  }

  @Override
  void end() throws IOException {
    try {
      reader.getInputFeeder().endOfInput();
      drain();
    } catch (XMLStreamException | RuntimeException e) {
      throw new IOException("the XML answer is not well-formed: " + e.getClass().getSimpleName());
    }
    if (sawElement && !ended || skipping > 0) {
      throw new IOException("the XML answer ended before its document was complete");
    }
  }

  @Override
  long settled() {
    Frame open = frames.peek();
    return skipping == 0 && open != null && open.linkCandidate && open.text.length() > 0 ? open.contentStart
        : eventEnd; // a text node that may be a link is held until its element ends
  }

  @Override
  boolean dropping() {
    return skipping > 0;
  }

  private void drain() throws XMLStreamException, IOException {
    while (!ended) {
      int event = reader.next();
      if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
        return;
      }
      long start = eventEnd;
      eventEnd = reader.getLocationInfo().getEndingByteOffset();
      process(event, start);
    }
  }

  /** @param start where this event's bytes start (the previous event's end) */
  private void process(int event, long start) throws IOException {
    switch (event) {
      case XMLStreamConstants.START_DOCUMENT -> {
        String declared = reader.getCharacterEncodingScheme();
        if (declared != null && !declared.equalsIgnoreCase("UTF-8") && !declared.equalsIgnoreCase("UTF8")) {
          throw new IOException("the XML answer declares the encoding " + declared + "; only UTF-8 is read");
        }
      }
      case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_DECLARATION, XMLStreamConstants.NOTATION_DECLARATION ->
          throw new IOException("the XML answer has a DTD, which is refused");
      case XMLStreamConstants.ENTITY_REFERENCE -> // without a DTD only XML's own five exist: what would this be?
          throw new IOException("the XML answer refers to an entity other than XML's own");
      case XMLStreamConstants.START_ELEMENT -> startElement(start);
      case XMLStreamConstants.END_ELEMENT -> endElement(start);
      case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text();
      case XMLStreamConstants.END_DOCUMENT -> ended = true;
      default -> { // comments, processing instructions: kept; an element holding one is no link
        if (skipping == 0 && !frames.isEmpty()) {
          frames.peek().linkCandidate = false;
        }
      }
    }
  }

  private void startElement(long start) throws IOException {
    sawElement = true;
    if (skipping > 0) {
      skipping++;
      return;
    }
    Frame parent = frames.peek();
    String name = reader.getLocalName();
    boolean typeChild = parent != null && parent.awaitingType && name.equals("type");
    if (parent != null) {
      parent.linkCandidate = false; // it has element content
      if (!typeChild && fields.redacts(Optional.ofNullable(parent.type), name)) {
        long tag = bytes.skip(start, XML_WHITESPACE);
        if (tag >= eventEnd || bytes.at(tag) != '<') {
          throw new IOException("the XML answer's start tag of " + name + " could not be located");
        }
        bytes.replace(tag, eventEnd, nilElement());
        skipping = 1;
        return;
      }
    }
    if (frames.size() >= MAX_DEPTH) {
      throw new IOException("the XML answer nests deeper than " + MAX_DEPTH + " elements");
    }
    Frame frame = new Frame(eventEnd);
    if (typeChild) {
      frame.typeOf = parent;
      frame.linkCandidate = false;
    }
    recordType(frame);
    frames.push(frame);
  }

  /** Sets the frame's record type from the element's {@code xsi:type} or REST {@code type} attribute. */
  private void recordType(Frame frame) {
    String xsiType = reader.getAttributeValue(XSI, "type");
    if (xsiType != null) {
      int colon = xsiType.indexOf(':');
      String prefix = colon < 0 ? "" : xsiType.substring(0, colon);
      String local = xsiType.substring(colon + 1).strip();
      String namespace = reader.getNamespaceContext().getNamespaceURI(prefix);
      if (namespace != null && namespace.startsWith(SOBJECT_NAMESPACE_PREFIX)) {
        if (local.equals("sObject")) {
          frame.awaitingType = true;
        } else {
          frame.type = local;
        }
      }
      return;
    }
    for (int i = 0; i < reader.getAttributeCount(); i++) {
      String namespace = reader.getAttributeNamespace(i);
      if ((namespace == null || namespace.isEmpty()) && reader.getAttributeLocalName(i).equals("type")) {
        frame.type = reader.getAttributeValue(i).strip();
      }
    }
  }

  private void text() {
    if (skipping > 0 || frames.isEmpty()) {
      return;
    }
    Frame frame = frames.peek();
    if (frame.typeOf != null) {
      if (frame.text.length() < 256) {
        frame.text.append(reader.getText());
      }
      return;
    }
    if (!frame.linkCandidate) {
      return;
    }
    frame.text.append(reader.getText());
    if (frame.text.length() > MAX_URL_CHARS || !startsLikeUrl(frame.text)) {
      frame.linkCandidate = false;
      frame.text.setLength(0);
    }
  }

  private static boolean startsLikeUrl(StringBuilder text) {
    String http = "http";
    for (int i = 0; i < Math.min(text.length(), http.length()); i++) {
      if ((text.charAt(i) | 0x20) != http.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void endElement(long start) {
    if (skipping > 0) {
      skipping--;
      bytes.dropTo(eventEnd);
      return;
    }
    Frame frame = frames.pop();
    if (frame.typeOf != null) {
      frame.typeOf.type = frame.text.toString().strip();
      frame.typeOf.awaitingType = false;
      return;
    }
    if (frame.linkCandidate && frame.text.length() > 0) {
      Optional<String> moved = urls.rewrite(frame.text.toString());
      if (moved.isPresent()) {
        bytes.replace(frame.contentStart, start, escaped(moved.get()).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** The redacted element: its name and namespace declarations as written, {@code xsi:nil="true"}, no content. */
  private byte[] nilElement() {
    String prefix = reader.getPrefix();
    StringBuilder tag = new StringBuilder("<");
    if (prefix != null && !prefix.isEmpty()) {
      tag.append(prefix).append(':');
    }
    tag.append(reader.getLocalName());
    for (int i = 0; i < reader.getNamespaceCount(); i++) {
      String declared = reader.getNamespacePrefix(i);
      tag.append(" xmlns").append(declared == null || declared.isEmpty() ? "" : ":" + declared).append("=\"")
          .append(escaped(reader.getNamespaceURI(i))).append('"');
    }
    String xsi = reader.getNamespaceContext().getPrefix(XSI);
    if (xsi == null || xsi.isEmpty()) {
      xsi = "xsi";
      while (reader.getNamespaceContext().getNamespaceURI(xsi) != null
          && !reader.getNamespaceContext().getNamespaceURI(xsi).isEmpty()) {
        xsi = xsi + "_"; // "xsi" is bound to something else here
      }
      tag.append(" xmlns:").append(xsi).append("=\"").append(XSI).append('"');
    }
    tag.append(' ').append(xsi).append(":nil=\"true\"/>");
    return tag.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code text} escaped for XML content and double-quoted attribute values. */
  private static String escaped(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
