package dev.portcullis.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.content.ByteBufferContentSource;

/**
 * The Metadata API deployments a client sends through the gateway, read for {@link DeployGate}: the
 * package and the options of a SOAP {@code deploy} (Metadata API Developer Guide, "deploy()": {@code
 * ZipFile} base64, {@code DeployOptions}), of a SOAP {@code deployRecentValidation} ({@code
 * validationId}), of a REST {@code POST …/metadata/deployRequest} ("Deploy Metadata with Apex
 * Testing Using REST", meta_rest_deploy.htm: multipart, the zip in part {@code file}, the options as
 * JSON {@code {"deployOptions": {…}}} in part {@code entity_content} or {@code json}) and of a REST
 * quick deploy ({@code POST …/deployRequest/<id>} with {@code {"validatedDeployRequestId": id}});
 * and the deployment id in Salesforce's answer to each. What cannot be read is refused with a message
 * naming what was wrong: a deployment is never forwarded ungoverned.
 */
final class DeployCalls {
  /** The most of an answer kept to find the deployment id in it (the answer is a few hundred bytes). */
  static final int ANSWER_BYTES = 64 * 1024;
  private static final Pattern DEPLOY_ID = Pattern.compile("0Af[0-9A-Za-z]{12}([0-9A-Za-z]{3})?");
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final int MAX_DEPTH = 64;

  /** A deployment that could not be read; the message names what was wrong. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** What a deployment call carries. */
  record Call(byte[] zip, DeployGate.Options options) {}

  private DeployCalls() {}

  /** Whether a SOAP operation of the Metadata API is a deployment the gate governs. */
  static boolean isSoapDeploy(String operation) {
    return operation.equals("deploy") || operation.equals("deployRecentValidation");
  }

  /** The package and options of a SOAP {@code deploy} or {@code deployRecentValidation} envelope. */
  static Call fromSoap(byte[] envelope) throws Unreadable {
    XMLStreamReader xml = null;
    try {
      xml = SoapRequest.reader(envelope);
      List<String> path = new ArrayList<>();
      String operation = null;
      String zip = null;
      String testLevel = null;
      List<String> runTests = new ArrayList<>();
      boolean checkOnly = false;
      boolean purgeOnDelete = false;
      String validationId = null;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          throw new Unreadable("the SOAP envelope has a DTD or an entity reference");
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          String name = xml.getLocalName();
          path.add(name);
          if (path.size() > MAX_DEPTH) {
            throw new Unreadable("the SOAP envelope nests deeper than " + MAX_DEPTH + " elements");
          }
          if (path.size() == 3 && path.get(1).equals("Body")) {
            operation = name;
          }
          String text = null;
          if (path.size() == 4 && path.get(1).equals("Body")) {
            if (name.equals("ZipFile") || name.equals("validationId")) {
              text = xml.getElementText();
              if (name.equals("ZipFile")) {
                if (zip != null) {
                  throw new Unreadable("the deploy call has two ZipFile elements");
                }
                zip = text;
              } else {
                validationId = text.strip();
              }
            }
          } else if (path.size() == 5 && path.get(1).equals("Body") && path.get(3).equals("DeployOptions")) {
            text = xml.getElementText().strip();
            switch (name) {
              case "testLevel" -> testLevel = text;
              case "runTests" -> runTests.add(text);
              case "checkOnly" -> checkOnly = bool(text, "checkOnly");
              case "purgeOnDelete" -> purgeOnDelete = bool(text, "purgeOnDelete");
              default -> { }
            }
          }
          if (text != null) {
            path.remove(path.size() - 1); // getElementText consumed the END_ELEMENT
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          path.remove(path.size() - 1);
        }
      }
      if ("deployRecentValidation".equals(operation)) {
        if (validationId == null || !DEPLOY_ID.matcher(validationId).matches()) {
          throw new Unreadable("deployRecentValidation needs a validationId that is a deployment id (0Af…)");
        }
        return new Call(new byte[0], new DeployGate.Options(Optional.empty(), List.of(), false, false,
            Optional.of(validationId)));
      }
      if (!"deploy".equals(operation)) {
        throw new Unreadable("the SOAP call is not a deploy");
      }
      if (zip == null || zip.isBlank()) {
        throw new Unreadable("the deploy call has no ZipFile");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(withoutWhitespace(zip)); // xsd:base64Binary: whitespace only may sit between
      } catch (IllegalArgumentException e) {
        throw new Unreadable("the deploy call's ZipFile is not base64");
      }
      return new Call(bytes, new DeployGate.Options(Optional.ofNullable(testLevel), runTests, checkOnly,
          purgeOnDelete, Optional.empty()));
    } catch (XMLStreamException | RuntimeException e) {
      throw new Unreadable("the deploy call's SOAP envelope could not be read");
    } finally {
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException ignored) {
          // nothing held
        }
      }
    }
  }

  /** The package and options of a REST {@code deployRequest} (multipart/form-data). */
  static Call fromRestMultipart(String contentType, byte[] body) throws Unreadable {
    String boundary = contentType == null ? null
        : MultiPart.extractBoundary(contentType);
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")
        || boundary == null || boundary.isEmpty()) {
      throw new Unreadable("a REST deployRequest is multipart/form-data with a boundary (parts file and"
          + " entity_content or json)");
    }
    MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
    parser.setMaxParts(8);
    parser.setMaxLength(body.length);
    parser.setMaxMemoryFileSize(body.length + 1L); // all in memory: the body is in memory already
    MultiPartFormData.Parts parts;
    try {
      java.util.concurrent.CompletableFuture<MultiPartFormData.Parts> parsed = new java.util.concurrent.CompletableFuture<>();
      parser.parse(new ByteBufferContentSource(ByteBuffer.wrap(body)),
          org.eclipse.jetty.util.Promise.Invocable.toPromise(parsed));
      parts = parsed.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new Unreadable("the deployRequest body is not valid multipart/form-data");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreadable("interrupted while reading the deployRequest body");
    }
    try (parts) {
      List<MultiPart.Part> files = parts.getAll("file");
      if (files.size() != 1) {
        throw new Unreadable("a deployRequest has exactly one part named file (the zip); it has " + files.size());
      }
      byte[] zip = bytes(files.get(0));
      List<MultiPart.Part> options = new ArrayList<>(parts.getAll("entity_content"));
      options.addAll(parts.getAll("json"));
      if (options.size() > 1) {
        throw new Unreadable("a deployRequest has at most one options part (entity_content or json)");
      }
      if (options.isEmpty()) {
        return new Call(zip, new DeployGate.Options(Optional.empty(), List.of(), false, false, Optional.empty()));
      }
      JsonNode json = json(bytes(options.get(0)), "the deployRequest's options part");
      JsonNode deployOptions = json.path("deployOptions");
      if (!deployOptions.isMissingNode() && !deployOptions.isObject()) {
        throw new Unreadable("deployOptions is not a JSON object");
      }
      return new Call(zip, restOptions(deployOptions, Optional.empty()));
    }
  }

  /** A REST quick deploy: {@code POST …/deployRequest/<id>} with {@code {"validatedDeployRequestId": …}}. */
  static Call fromRestQuickDeploy(String pathId, byte[] body) throws Unreadable {
    String id = pathId;
    if (body.length > 0) {
      JsonNode json = json(body, "the quick deploy's body");
      JsonNode named = json.path("validatedDeployRequestId");
      if (named.isTextual()) {
        id = named.asText();
      }
    }
    if (id == null || !DEPLOY_ID.matcher(id).matches()) {
      throw new Unreadable("a quick deploy names the validated deployment (validatedDeployRequestId, 0Af…)");
    }
    return new Call(new byte[0], new DeployGate.Options(Optional.empty(), List.of(), false, false, Optional.of(id)));
  }

  /** The deployment id in a SOAP answer ({@code deployResponse/result/id}, {@code deployRecentValidationResponse/result}). */
  static Optional<String> deployIdFromSoap(byte[] answer) {
    XMLStreamReader xml = null;
    try {
      xml = SoapRequest.reader(answer);
      List<String> path = new ArrayList<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          return Optional.empty();
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          path.add(xml.getLocalName());
          if (path.size() > MAX_DEPTH) {
            return Optional.empty();
          }
          boolean deploy = path.size() == 5 && path.get(2).equals("deployResponse") && path.get(3).equals("result")
              && path.get(4).equals("id");
          boolean quick = path.size() == 4 && path.get(2).equals("deployRecentValidationResponse")
              && path.get(3).equals("result");
          if (deploy || quick) {
            String id = xml.getElementText().strip();
            return DEPLOY_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          path.remove(path.size() - 1);
        }
      }
      return Optional.empty();
    } catch (XMLStreamException | RuntimeException e) {
      return Optional.empty();
    } finally {
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException ignored) {
          // nothing held
        }
      }
    }
  }

  /** The deployment id in a REST answer ({@code {"id": "0Af…", …}}). */
  static Optional<String> deployIdFromRest(byte[] answer) {
    try {
      JsonNode id = JSON.readTree(answer).path("id");
      return id.isTextual() && DEPLOY_ID.matcher(id.asText()).matches() ? Optional.of(id.asText()) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static DeployGate.Options restOptions(JsonNode options, Optional<String> validatedId) throws Unreadable {
    JsonNode level = options.path("testLevel");
    if (!level.isMissingNode() && !level.isNull() && !level.isTextual()) {
      throw new Unreadable("deployOptions.testLevel is not a string");
    }
    List<String> tests = new ArrayList<>();
    JsonNode runTests = options.path("runTests");
    if (runTests.isArray()) {
      for (JsonNode test : runTests) {
        if (!test.isTextual()) {
          throw new Unreadable("deployOptions.runTests holds something other than class names");
        }
        tests.add(test.asText());
      }
    } else if (!runTests.isMissingNode() && !runTests.isNull()) {
      throw new Unreadable("deployOptions.runTests is not an array");
    }
    return new DeployGate.Options(level.isTextual() ? Optional.of(level.asText()) : Optional.empty(), tests,
        jsonBool(options.path("checkOnly"), "checkOnly"), jsonBool(options.path("purgeOnDelete"), "purgeOnDelete"),
        validatedId);
  }

  private static String withoutWhitespace(String text) {
    StringBuilder kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        kept.append(c);
      }
    }
    return kept.toString();
  }

  private static boolean jsonBool(JsonNode node, String name) throws Unreadable {
    if (node.isMissingNode() || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new Unreadable("deployOptions." + name + " is not true or false");
    }
    return node.asBoolean();
  }

  private static boolean bool(String text, String name) throws Unreadable {
    return switch (text) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new Unreadable("DeployOptions " + name + " is not a boolean (xsd:boolean)");
    };
  }

  private static JsonNode json(byte[] bytes, String what) throws Unreadable {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new Unreadable(what + " is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new Unreadable(what + " is not valid JSON");
    } catch (IOException e) {
      throw new Unreadable(what + " could not be read");
    }
  }

  private static byte[] bytes(MultiPart.Part part) throws Unreadable {
    try {
      ByteBuffer content = org.eclipse.jetty.io.Content.Source.asByteBuffer(part.getContentSource());
      byte[] bytes = new byte[content.remaining()];
      content.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("the deployRequest part " + part.getName() + " could not be read");
    }
  }
}
