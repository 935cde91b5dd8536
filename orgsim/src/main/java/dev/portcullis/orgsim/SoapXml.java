package dev.portcullis.orgsim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes Metadata API SOAP 1.1 messages: a response envelope whose body elements are in the
 * metadata namespace, from the trees {@link MetadataResults} builds (a map is an element with
 * children, a list repeats its element, {@code null} is left out, a key {@code "xsi:type"} becomes
 * the attribute), and faults as Salesforce answers them: HTTP 500, {@code faultcode} {@code
 * sf:CODE} with {@code sf} bound to the metadata namespace, {@code faultstring} {@code "CODE:
 * message"} (salesforce-formats.md §3.1; jsforce keys on {@code
 * <faultcode>[a-zA-Z]+:INVALID_SESSION_ID</faultcode>}).
 */
final class SoapXml {
  static final String XSI_TYPE = "xsi:type";

  private SoapXml() {}

  /** The envelope answering {@code operation} with {@code results}, each written as a {@code result} element. */
  static String response(String operation, List<?> results) {
    StringBuilder xml = new StringBuilder(256);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"")
        .append(MetadataXml.ENVELOPE_NS).append("\" xmlns=\"").append(MetadataXml.METADATA_NS)
        .append("\" xmlns:xsi=\"").append(MetadataXml.XSI_NS).append("\"><soapenv:Body><").append(operation)
        .append("Response>");
    for (Object result : results) {
      element(xml, "result", result);
    }
    xml.append("</").append(operation).append("Response></soapenv:Body></soapenv:Envelope>");
    return xml.toString();
  }

  /** A fault; {@code code} is a Salesforce status code ({@code sf:} is added) or already qualified ({@code soapenv:Client}). */
  static String fault(String code, String message) {
    boolean qualified = code.contains(":");
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"" + MetadataXml.ENVELOPE_NS
        + "\" xmlns:sf=\"" + MetadataXml.METADATA_NS + "\"><soapenv:Body><soapenv:Fault><faultcode>"
        + (qualified ? code : "sf:" + code) + "</faultcode><faultstring>"
        + MetadataXml.escape(qualified ? message : code + ": " + message)
        + "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  }

  static void element(StringBuilder xml, String name, Object value) {
    switch (value) {
      case null -> {}
      case List<?> list -> list.forEach(item -> element(xml, name, item));
      case Map<?, ?> map -> {
        xml.append('<').append(name);
        if (map.get(XSI_TYPE) instanceof String type) {
          xml.append(" xsi:type=\"").append(MetadataXml.escape(type)).append('"');
        }
        xml.append('>');
        map.forEach((k, v) -> {
          if (v instanceof RawXml raw) {
            xml.append(raw.xml());
          } else if (!XSI_TYPE.equals(k)) {
            element(xml, k.toString(), v);
          }
        });
        xml.append("</").append(name).append('>');
      }
      case Instant instant -> simple(xml, name, MetadataResults.soapDate(instant));
      default -> simple(xml, name, value.toString());
    }
  }

  private static void simple(StringBuilder xml, String name, String text) {
    xml.append('<').append(name).append('>').append(MetadataXml.escape(text)).append("</").append(name).append('>');
  }

  /** Already serialised XML, written as is inside its map's element, whatever its key (readMetadata's copied elements). */
  record RawXml(String xml) {}
}
