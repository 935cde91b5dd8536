package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgEnvironment;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The Metadata API's SOAP binding, {@code POST /services/Soap/m/NN.0[/orgId]} (Metadata API
 * Developer Guide, "Metadata API Calls"; WSDL service MetadataService). The session is read from
 * {@code Header/SessionHeader/sessionId} (there is no {@code Authorization} header on these
 * calls: salesforce-clients.md §0), the operation from the first element of {@code Body}.
 * Supported: {@code deploy}, {@code checkDeployStatus}, {@code cancelDeploy}, {@code
 * deployRecentValidation}, {@code retrieve}, {@code checkRetrieveStatus}, {@code listMetadata},
 * {@code describeMetadata}, {@code readMetadata}. Anything else is the fault Axis gives for it.
 */
final class MetadataSoapApi {
  /** What the binding answers: HTTP status and the SOAP message. */
  record Reply(int status, String xml) {
    static Reply ok(String xml) {
      return new Reply(200, xml);
    }
  }

  private final OrgState org;
  private final MetadataResults results;

  MetadataSoapApi(OrgState org) {
    this.org = org;
    this.results = new MetadataResults(org);
  }

  static Reply fault(String code, String message) {
    return new Reply(500, SoapXml.fault(code, message));
  }

  /** Answers one SOAP call to API {@code version} ({@code NN.0}). */
  Reply call(byte[] body, String version) {
    Document document;
    try {
      document = MetadataXml.parse(body);
    } catch (MetadataXml.MalformedXmlException e) {
      return fault("soapenv:Client", "The request is not well-formed XML (line " + e.line + ", column " + e.column + "): "
          + e.getMessage());
    }
    Element envelope = document.getDocumentElement();
    if (!"Envelope".equals(envelope.getLocalName()) || !MetadataXml.ENVELOPE_NS.equals(envelope.getNamespaceURI())) {
      return fault("soapenv:VersionMismatch", "the root element is not a SOAP 1.1 Envelope ({" + MetadataXml.ENVELOPE_NS
          + "}Envelope)");
    }
    Optional<Element> bodyElement = MetadataXml.child(envelope, "Body");
    List<Element> operations = bodyElement.map(MetadataXml::children).orElse(List.of());
    if (operations.size() != 1) {
      return fault("soapenv:Client", "the SOAP Body must hold exactly one operation element, it holds "
          + operations.size());
    }
    Element operation = operations.get(0);
    String sessionId = MetadataXml.child(envelope, "Header").flatMap(h -> MetadataXml.child(h, "SessionHeader"))
        .flatMap(h -> MetadataXml.text(h, "sessionId")).orElse("");
    Optional<SessionStore.Session> session = sessionId.isEmpty() ? Optional.empty() : org.sessions.use(sessionId);
    if (session.isEmpty()) {
      return fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session");
    }
    if (!RestApi.supportsVersion(version)) {
      return fault("UNSUPPORTED_API_VERSION", "Invalid Api version specified on URL: " + version);
    }
    String userId = session.get().userId;
    try {
      return switch (operation.getLocalName()) {
        case "deploy" -> deploy(operation, userId);
        case "checkDeployStatus" -> Reply.ok(SoapXml.response("checkDeployStatus", List.of(results.deployResult(
            org.deployments.check(text(operation, "asyncProcessId")), bool(operation, "includeDetails", false), false))));
        case "cancelDeploy" -> {
          Deployments.Request request = org.deployments.cancel(text(operation, "String"), userId);
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("done", request.status == Deployments.Status.Canceled);
          result.put("id", request.id);
          yield Reply.ok(SoapXml.response("cancelDeploy", List.of(result)));
        }
        case "deployRecentValidation" -> Reply.ok(SoapXml.response("deployRecentValidation", List.of(
            org.deployments.deployRecentValidation(text(operation, "validationId"), userId).id)));
        case "retrieve" -> retrieve(operation, version);
        case "checkRetrieveStatus" -> Reply.ok(SoapXml.response("checkRetrieveStatus", List.of(results.retrieveResult(
            org.retrievals.check(text(operation, "asyncProcessId")), bool(operation, "includeZip", true)))));
        case "listMetadata" -> listMetadata(operation);
        case "describeMetadata" -> Reply.ok(SoapXml.response("describeMetadata", List.of(describeMetadata())));
        case "readMetadata" -> readMetadata(operation);
        default -> fault("soapenv:Client", "No operation available for request {" + operation.getNamespaceURI() + "}"
            + operation.getLocalName());
      };
    } catch (Deployments.DeployException e) {
      return fault(e.code, e.getMessage());
    }
  }

  /** deploy(base64Binary ZipFile, DeployOptions) (meta_deploy.htm). */
  private Reply deploy(Element operation, String userId) {
    String zip = MetadataXml.text(operation, "ZipFile").orElse("");
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(zip);
    } catch (IllegalArgumentException e) {
      return fault("soapenv:Client", "ZipFile is not base64: " + e.getMessage());
    }
    Element options = MetadataXml.child(operation, "DeployOptions").orElse(operation.getOwnerDocument().createElement("x"));
    Deployments.Options parsed = new Deployments.Options(bool(options, "allowMissingFiles", false),
        bool(options, "autoUpdatePackage", false), bool(options, "checkOnly", false),
        bool(options, "ignoreWarnings", false), bool(options, "performRetrieve", false),
        bool(options, "purgeOnDelete", false), bool(options, "rollbackOnError", true),
        MetadataXml.texts(options, "runTests"), bool(options, "singlePackage", false),
        MetadataXml.text(options, "testLevel").orElse(null));
    Deployments.Request request = org.deployments.deploy(bytes, parsed, userId);
    return Reply.ok(SoapXml.response("deploy", List.of(MetadataResults.queued(request.id))));
  }

  /**
   * retrieve(RetrieveRequest) (meta_retrieve.htm). The WSDL names the element {@code
   * retrieveRequest}; jsforce and the sf CLI send {@code request} (salesforce-clients.md §1.9):
   * both are read.
   */
  private Reply retrieve(Element operation, String version) {
    Optional<Element> request = MetadataXml.child(operation, "retrieveRequest").or(() -> MetadataXml.child(operation, "request"));
    if (request.isEmpty()) {
      return fault("soapenv:Client", "retrieve needs a retrieveRequest element");
    }
    Element r = request.get();
    if (!MetadataXml.texts(r, "packageNames").isEmpty() || !MetadataXml.texts(r, "specificFiles").isEmpty()) {
      return fault("INVALID_OPERATION", "the org simulator retrieves only unpackaged components (types and members);"
          + " packageNames and specificFiles are not supported");
    }
    Map<String, List<String>> types = new LinkedHashMap<>();
    String packageVersion = null;
    Optional<Element> unpackaged = MetadataXml.child(r, "unpackaged");
    if (unpackaged.isPresent()) {
      for (Element t : MetadataXml.children(unpackaged.get(), "types")) {
        types.computeIfAbsent(MetadataXml.text(t, "name").orElse(""), k -> new ArrayList<>())
            .addAll(MetadataXml.texts(t, "members"));
      }
      packageVersion = MetadataXml.text(unpackaged.get(), "version").orElse(null);
    }
    String apiVersion = MetadataXml.text(r, "apiVersion").orElse(version);
    Retrievals.Request started = org.retrievals.retrieve(new Retrievals.Query(apiVersion, bool(r, "singlePackage", false),
        types, packageVersion));
    return Reply.ok(SoapXml.response("retrieve", List.of(MetadataResults.queued(started.id))));
  }

  /** listMetadata(ListMetadataQuery[] queries, double asOfVersion) (meta_listmetadata.htm): up to three queries. */
  private Reply listMetadata(Element operation) {
    List<Element> queries = MetadataXml.children(operation, "queries");
    if (queries.size() > 3) {
      return fault("INVALID_OPERATION", "listMetadata takes at most 3 queries, got " + queries.size());
    }
    List<Object> out = new ArrayList<>();
    for (Element query : queries) {
      String type = MetadataXml.text(query, "type").orElse("");
      if (MetadataType.named(type).isEmpty()) {
        return fault("INVALID_TYPE", "Unknown type: " + type);
      }
      org.metadata.ofType(type).forEach(c -> out.add(results.fileProperties(c)));
    }
    return Reply.ok(SoapXml.response("listMetadata", out));
  }

  /** DescribeMetadataResult (meta_describeMetadata.htm) of the types the simulator stores. */
  private Map<String, Object> describeMetadata() {
    Map<String, Object> result = new LinkedHashMap<>();
    List<Object> objects = new ArrayList<>();
    for (MetadataType type : MetadataType.all()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("childXmlNames", type.childXmlNames());
      m.put("directoryName", type.directoryName());
      m.put("inFolder", false);
      m.put("metaFile", type.metaFile());
      m.put("suffix", type.suffix());
      m.put("xmlName", type.xmlName());
      objects.add(m);
    }
    result.put("metadataObjects", objects);
    result.put("organizationNamespace", "");
    result.put("partialSaveAllowed", true);
    result.put("testRequired", org.spec.environment() == OrgEnvironment.PRODUCTION);
    return result;
  }

  /**
   * readMetadata(string type, string[] fullNames) (meta_readMetadata.htm): each component's XML
   * fields under {@code records xsi:type="Type"}; content types add their file as base64 {@code
   * content}. Names not found are left out, as Salesforce does.
   */
  private Reply readMetadata(Element operation) {
    String type = MetadataXml.text(operation, "type").orElse("");
    Optional<MetadataType> known = MetadataType.named(type);
    if (known.isEmpty()) {
      return fault("INVALID_TYPE", "Unknown type: " + type);
    }
    List<Object> records = new ArrayList<>();
    for (String fullName : MetadataXml.texts(operation, "fullNames")) {
      Optional<MetadataComponent> component = org.metadata.get(known.get().xmlName(), fullName);
      if (component.isEmpty() || known.get().bundle()) {
        continue;
      }
      MetadataComponent c = component.get();
      String main = c.type().mainFile(c.fullName());
      byte[] xml = c.type().metaFile() ? c.files().get(main + "-meta.xml") : c.files().get(main);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put(SoapXml.XSI_TYPE, c.type().xmlName());
      record.put("fullName", c.fullName());
      if (c.type().metaFile()) {
        record.put("content", Base64.getEncoder().encodeToString(c.files().get(main)));
      }
      record.put("fields", new SoapXml.RawXml(childrenXml(xml)));
      records.add(record);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("records", records);
    return Reply.ok(SoapXml.response("readMetadata", List.of(result)));
  }

  /** The child elements of a stored file's root, serialised (the file was checked well-formed when deployed). */
  private static String childrenXml(byte[] xml) {
    try {
      Element root = MetadataXml.parse(xml).getDocumentElement();
      TransformerFactory factory = TransformerFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      Transformer transformer = factory.newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      for (Element child : MetadataXml.children(root)) {
        transformer.transform(new DOMSource(child), new StreamResult(out));
      }
      return out.toString();
    } catch (MetadataXml.MalformedXmlException | TransformerException e) {
      throw new IllegalStateException("a stored component's XML could not be read back: " + e.getMessage(), e);
    }
  }

  private static String text(Element operation, String name) {
    return MetadataXml.text(operation, name).orElse(null);
  }

  private static boolean bool(Element parent, String name, boolean otherwise) {
    return MetadataXml.text(parent, name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(otherwise);
  }
}
