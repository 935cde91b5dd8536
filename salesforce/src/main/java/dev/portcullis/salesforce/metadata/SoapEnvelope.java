package dev.portcullis.salesforce.metadata;

import java.util.List;

/**
 * Writes Metadata API request envelopes, byte for byte the same for the same call: SOAP 1.1 (the
 * binding of Salesforce's {@code metadata.wsdl}), the metadata namespace as the default namespace
 * so the header and the operation are qualified as the WSDL's {@code elementFormDefault="qualified"}
 * requires, the session in {@code Header/SessionHeader/sessionId} (Metadata API Developer Guide,
 * "SessionHeader", meta_sessionheader.htm), then the operation's parameters in the WSDL's sequence
 * order:
 *
 * <pre>{@code
 * <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 *  xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>…</sessionId>
 *  </SessionHeader></soapenv:Header><soapenv:Body><checkDeployStatus><asyncProcessId>0Af…</asyncProcessId>
 *  <includeDetails>true</includeDetails></checkDeployStatus></soapenv:Body></soapenv:Envelope>
 * }</pre>
 *
 * (one line, no whitespace between elements). Every text value is escaped; a character XML 1.0
 * cannot carry is refused with the parameter's name, never dropped.
 */
final class SoapEnvelope {
  static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String METADATA_NS = "http://soap.sforce.com/2006/04/metadata";

  private final StringBuilder xml = new StringBuilder(512);

  private SoapEnvelope() {}

  /** An envelope whose body holds {@code operation}, opened and ready for its parameters. */
  static SoapEnvelope open(String sessionId, String operation) {
    SoapEnvelope envelope = new SoapEnvelope();
    envelope.xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<soapenv:Envelope xmlns:soapenv=\"").append(ENVELOPE_NS).append("\" xmlns=\"").append(METADATA_NS).append("\">")
        .append("<soapenv:Header><SessionHeader>");
    envelope.element("sessionId", sessionId);
    envelope.xml.append("</SessionHeader></soapenv:Header><soapenv:Body><").append(operation).append('>');
    return envelope;
  }

  /** An empty writer, for a piece of a body (the deploy's tail after the streamed zip). */
  static SoapEnvelope fragment() {
    return new SoapEnvelope();
  }

  /** The closing tags after {@code operation}'s parameters. */
  static String close(String operation) {
    return "</" + operation + "></soapenv:Body></soapenv:Envelope>";
  }

  SoapEnvelope start(String name) {
    xml.append('<').append(name).append('>');
    return this;
  }

  SoapEnvelope end(String name) {
    xml.append("</").append(name).append('>');
    return this;
  }

  /** {@code <name>escaped value</name>}. */
  SoapEnvelope element(String name, String value) {
    start(name);
    escape(xml, value, name);
    return end(name);
  }

  SoapEnvelope element(String name, boolean value) {
    return element(name, Boolean.toString(value));
  }

  /** One {@code <name>} per value, in order (an unbounded WSDL element). */
  SoapEnvelope elements(String name, List<String> values) {
    values.forEach(v -> element(name, v));
    return this;
  }

  /** The text written so far (without the closing tags). */
  String opened() {
    return xml.toString();
  }

  /** The whole envelope for {@code operation}. */
  String closed(String operation) {
    return xml + close(operation);
  }

  /**
   * Appends {@code value} as XML character data: {@code & < >} as entities, carriage returns as
   * {@code &#13;} (a literal one would be normalised away by the reader), everything else as is.
   *
   * @throws IllegalArgumentException when {@code value} holds a character XML 1.0 cannot carry (a
   *     control character other than tab, line feed and carriage return, a lone surrogate, U+FFFE or
   *     U+FFFF)
   */
  static void escape(StringBuilder out, String value, String what) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\r' -> out.append("&#13;");
        case '\t', '\n' -> out.append(c);
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i));
          } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
            throw new IllegalArgumentException(
                what + " holds the character U+" + String.format("%04X", (int) c) + " at index " + i + ", which XML 1.0 cannot carry");
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
