package dev.portcullis.orgsim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.w3c.dom.Element;

/** Metadata API calls against the simulator, SOAP and REST, as sf and jsforce send them (salesforce-clients.md §1.7–1.9, §2). */
final class MetadataClient {
  static final String APEX_META = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ApexClass xmlns=\"http://soap.sforce.com/2006/04/"
      + "metadata\"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n";

  private final SimulatorClient http;
  private final URI base;
  private final String token;

  MetadataClient(SimulatorClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** A SOAP response: HTTP status and the body's first element ({@code …Response} or {@code Fault}). */
  record Soap(int status, String body, Element element) {
    String text(String path) {
      Element e = element;
      for (String name : path.split("/")) {
        e = MetadataXml.child(e, name).orElse(null);
        if (e == null) {
          return null;
        }
      }
      return e.getTextContent();
    }

    List<Element> all(String parent, String name) {
      Element e = element;
      for (String p : parent.split("/")) {
        e = MetadataXml.child(e, p).orElseThrow();
      }
      return MetadataXml.children(e, name);
    }
  }

  Soap soap(String operationXml) throws Exception {
    return soap(operationXml, token, "/services/Soap/m/62.0");
  }

  Soap soap(String operationXml, String session, String path) throws Exception {
    String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
        + "soap/envelope/\" xmlns=\"http://soap.sforce.com/2006/04/metadata\"><soapenv:Header><SessionHeader><sessionId>"
        + session + "</sessionId></SessionHeader></soapenv:Header><soapenv:Body>" + operationXml
        + "</soapenv:Body></soapenv:Envelope>";
    SimulatorClient.Reply reply = http.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "text/xml").header("SOAPAction", "\"\"")
        .POST(HttpRequest.BodyPublishers.ofString(envelope)).build());
    Element root = MetadataXml.parse(reply.body().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
    Element body = MetadataXml.child(root, "Body").orElseThrow();
    return new Soap(reply.status(), reply.body(), MetadataXml.children(body).get(0));
  }

  Soap deploy(byte[] zip, String options) throws Exception {
    return soap("<deploy><ZipFile>" + Base64.getEncoder().encodeToString(zip) + "</ZipFile><DeployOptions>" + options
        + "</DeployOptions></deploy>");
  }

  Soap check(String id) throws Exception {
    return soap("<checkDeployStatus><asyncProcessId>" + id + "</asyncProcessId><includeDetails>true</includeDetails>"
        + "</checkDeployStatus>");
  }

  /** Polls checkDeployStatus until done (at most 10 polls: each poll advances the simulated deploy). */
  Soap await(String id) throws Exception {
    for (int i = 0; i < 10; i++) {
      Soap status = check(id);
      if ("true".equals(status.text("result/done"))) {
        return status;
      }
    }
    throw new AssertionError("deploy " + id + " not done after 10 polls");
  }

  Soap retrieve(String request) throws Exception {
    return soap("<retrieve><request>" + request + "</request></retrieve>");
  }

  Soap awaitRetrieve(String id) throws Exception {
    for (int i = 0; i < 10; i++) {
      Soap status = soap("<checkRetrieveStatus><asyncProcessId>" + id + "</asyncProcessId></checkRetrieveStatus>");
      if ("true".equals(status.text("result/done"))) {
        return status;
      }
    }
    throw new AssertionError("retrieve " + id + " not done after 10 polls");
  }

  /** POST …/metadata/deployRequest as sf sends it: parts {@code file} (filename package.xml) and {@code jsonPart}. */
  SimulatorClient.Reply deployRest(byte[] zip, String jsonPart, String options) throws Exception {
    String boundary = "--------------------------5c3d2e1f0a9b8c7d6e5f4a3b";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"package.xml\"\r\n"
        + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(zip);
    body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + jsonPart + "\"\r\n"
        + "Content-Type: application/json\r\n\r\n{\"deployOptions\":" + options + "}\r\n--" + boundary + "--\r\n")
        .getBytes(StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(base.resolve("/services/data/v62.0/metadata/deployRequest"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
  }

  SimulatorClient.Reply rest(String method, String path, String json) throws Exception {
    return http.send(base, method, path, token, json);
  }

  /** A zip of name → text, in order. */
  static byte[] zip(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        out.putNextEntry(new ZipEntry(f.getKey()));
        out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** The files of a zip, name → text. */
  static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  static String packageXml(String type, String... members) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/"
        + "2006/04/metadata\"><types>");
    for (String m : members) {
      xml.append("<members>").append(m).append("</members>");
    }
    return xml.append("<name>").append(type).append("</name></types><version>62.0</version></Package>\n").toString();
  }

  /** The zip sf builds for {@code --source-dir} with one Apex class (singlePackage true). */
  static byte[] apexClass(String name, String source) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/" + name + ".cls", source);
    files.put("classes/" + name + ".cls-meta.xml", APEX_META);
    files.put("package.xml", packageXml("ApexClass", name));
    return zip(files);
  }
}
