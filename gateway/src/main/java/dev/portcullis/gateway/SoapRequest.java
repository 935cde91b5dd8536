package dev.portcullis.gateway;

import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A SOAP call to Salesforce's Metadata ({@code /services/Soap/m/NN.0}), partner ({@code u}),
 * enterprise ({@code c}) or Tooling ({@code T}) API, read from its envelope (SOAP 1.1): the session
 * from {@code Header/SessionHeader/sessionId} (Metadata calls carry no {@code Authorization}
 * header: shared/reference/salesforce-clients.md), the operation from the first element of {@code
 * Body} (never from {@code SOAPAction}), and for partner calls the SOQL or the sObject types.
 * Parsed with StAX, DTDs and external entities off, depth and text bounded.
 */
final class SoapRequest {
  /** SOAP bodies are buffered up to this many bytes (a deploy's base64 zip included). */
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
  private static final Pattern PATH = Pattern.compile("/services/Soap/([mucT])/(\\d{2,3}\\.0)(/[A-Za-z0-9]{15,18})?/?");
  private static final int MAX_DEPTH = 64;

  private static final Map<String, String> METADATA = Map.ofEntries(
      Map.entry("deploy", "deploy"), Map.entry("deployRecentValidation", "deploy"),
      Map.entry("checkDeployStatus", "deploy_status"), Map.entry("cancelDeploy", "deploy_cancel"),
      Map.entry("retrieve", "retrieve"), Map.entry("checkRetrieveStatus", "retrieve_status"),
      Map.entry("listMetadata", "describe"), Map.entry("describeMetadata", "describe"),
      Map.entry("describeValueType", "describe"), Map.entry("readMetadata", "read"),
      Map.entry("createMetadata", "create"), Map.entry("updateMetadata", "update"),
      Map.entry("upsertMetadata", "upsert"), Map.entry("deleteMetadata", "delete"),
      Map.entry("renameMetadata", "update"));
  private static final Map<String, String> PARTNER = Map.ofEntries(
      Map.entry("query", "query"), Map.entry("queryAll", "query"), Map.entry("queryMore", "query_more"),
      Map.entry("describeSObject", "describe"), Map.entry("describeSObjects", "describe"),
      Map.entry("describeGlobal", "describe_global"), Map.entry("getUserInfo", "userinfo"),
      Map.entry("create", "create"), Map.entry("update", "update"), Map.entry("upsert", "upsert"),
      Map.entry("delete", "delete"), Map.entry("undelete", "undelete"), Map.entry("retrieve", "read"),
      Map.entry("search", "search"), Map.entry("getServerTimestamp", "server_time"));
  private static final Map<String, String> TOOLING = Map.of("executeAnonymous", "execute_anonymous",
      "query", "query", "queryAll", "query", "queryMore", "query_more");

  /** What the envelope says. */
  record Parsed(Optional<String> sessionId, String operationElement, Optional<String> soql, List<String> types) {}

  private SoapRequest() {}

  static boolean isSoap(String path) {
    return PATH.matcher(path).matches();
  }

  /** The API letter of a SOAP path: {@code m}, {@code u}, {@code c} or {@code T}. */
  static String apiLetter(String path) {
    Matcher matcher = PATH.matcher(path);
    return matcher.matches() ? matcher.group(1) : "";
  }

  /** Parses the envelope; empty when it is not a well-formed SOAP 1.1 envelope with one body element. */
  static Optional<Parsed> parse(byte[] body) {
    XMLStreamReader xml = null;
    try {
      xml = reader(body);
      List<String> path = new ArrayList<>();
      String sessionId = null;
      String operation = null;
      String soql = null;
      Set<String> types = new LinkedHashSet<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          return Optional.empty(); // no DTDs, no entities in a SOAP message (SOAP 1.1 section 3)
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          String name = xml.getLocalName();
          path.add(name);
          if (path.size() > MAX_DEPTH) {
            return Optional.empty();
          }
          if (path.size() == 1 && !(name.equals("Envelope") && ENVELOPE_NS.equals(xml.getNamespaceURI()))) {
            return Optional.empty();
          }
          if (path.size() == 3 && path.get(1).equals("Body")) {
            if (operation != null) {
              return Optional.empty(); // one operation per call
            }
            operation = name;
          }
          boolean inSessionId = path.size() == 4 && path.get(1).equals("Header") && path.get(2).equals("SessionHeader")
              && name.equals("sessionId");
          boolean inQuery = path.size() == 4 && path.get(1).equals("Body") && name.equals("queryString");
          boolean inType = path.size() == 5 && path.get(1).equals("Body") && path.get(3).equals("sObjects")
              && name.equals("type");
          if (inSessionId || inQuery || inType) {
            String text = xml.getElementText().strip(); // consumes the END_ELEMENT
            path.remove(path.size() - 1);
            if (inSessionId) {
              if (sessionId != null) {
                return Optional.empty(); // two sessions: ambiguous
              }
              sessionId = text;
            } else if (inQuery) {
              soql = text;
            } else {
              types.add(text);
            }
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          path.remove(path.size() - 1);
        }
      }
      if (operation == null) {
        return Optional.empty();
      }
      return Optional.of(new Parsed(Optional.ofNullable(sessionId), operation, Optional.ofNullable(soql),
          List.copyOf(types)));
    } catch (XMLStreamException | RuntimeException e) {
      return Optional.empty();
    } finally {
      close(xml);
    }
  }

  /**
   * A namespace-aware, coalescing StAX reader of {@code body} with DTDs and external entities off;
   * callers still refuse {@code DTD} and {@code ENTITY_REFERENCE} events.
   */
  static XMLStreamReader reader(byte[] body) throws XMLStreamException {
    // the JDK's own StAX, whatever else is on the class path (Aalto, for answers, registers itself too)
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    return factory.createXMLStreamReader(new ByteArrayInputStream(body));
  }

  static void close(XMLStreamReader xml) {
    if (xml != null) {
      try {
        xml.close();
      } catch (XMLStreamException e) {
        // nothing to release
      }
    }
  }

  /** What the call is, for policy; empty when the operation is not one the gateway knows. */
  static Optional<Classification> classify(String path, Parsed parsed) {
    String letter = apiLetter(path);
    Map<String, String> operations = switch (letter) {
      case "m" -> METADATA;
      case "T" -> TOOLING;
      default -> PARTNER;
    };
    String api = switch (letter) {
      case "m" -> "metadata";
      case "T" -> "tooling";
      default -> "soap";
    };
    String operation = operations.get(parsed.operationElement());
    if (operation == null) {
      return Optional.empty();
    }
    if (operation.equals("query")) {
      if (parsed.soql().isEmpty()) {
        return Optional.empty();
      }
      try {
        var query = SoqlParser.parse(parsed.soql().get());
        return Optional.of(new Classification(api, "query", query.from(),
            RequestClassifier.fields(dev.portcullis.salesforce.soql.AccessSummary.of(query))));
      } catch (SoqlException e) {
        return Optional.empty();
      }
    }
    String sobject = parsed.types().size() == 1 ? parsed.types().get(0) : "";
    if (parsed.types().size() > 1) {
      return Optional.empty(); // several types in one call: decided per type would need splitting it
    }
    return Optional.of(Classification.of(api, operation, sobject));
  }

  /** The body with the session token in {@code SessionHeader/sessionId} replaced by {@code upstream}. */
  static byte[] withSession(byte[] body, String sessionToken, String upstream) {
    String xml = new String(body, StandardCharsets.UTF_8);
    Pattern element = Pattern.compile("(<(?:[A-Za-z_][\\w.-]*:)?sessionId(?:\\s[^>]*)?>)\\s*" + Pattern.quote(sessionToken)
        + "\\s*(</(?:[A-Za-z_][\\w.-]*:)?sessionId>)");
    Matcher matcher = element.matcher(xml);
    if (!matcher.find()) {
      throw new IllegalStateException("the session header was not found again");
    }
    String replaced = xml.substring(0, matcher.start()) + matcher.group(1) + upstream + matcher.group(2)
        + xml.substring(matcher.end());
    return replaced.getBytes(StandardCharsets.UTF_8);
  }

  /** The body with the text of its (single) {@code queryString} element replaced by {@code soql}. */
  static byte[] withQuery(byte[] body, String soql) {
    String xml = new String(body, StandardCharsets.UTF_8);
    Matcher matcher = Pattern.compile("(<(?:[A-Za-z_][\\w.-]*:)?queryString(?:\\s[^>]*)?>)(.*?)(</(?:[A-Za-z_][\\w.-]*:)?queryString>)",
        Pattern.DOTALL).matcher(xml);
    if (!matcher.find()) {
      throw new IllegalStateException("the queryString element was not found again");
    }
    String replaced = xml.substring(0, matcher.start()) + matcher.group(1) + SalesforceErrors.escape(soql)
        + matcher.group(3) + xml.substring(matcher.end());
    return replaced.getBytes(StandardCharsets.UTF_8);
  }
}
