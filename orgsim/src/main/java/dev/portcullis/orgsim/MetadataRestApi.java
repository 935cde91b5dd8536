package dev.portcullis.orgsim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.orgsim.OrgHandler.Reply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The REST {@code deployRequest} resource (Metadata API Developer Guide: "Deploy Metadata with
 * Apex Testing Using REST", meta_rest_deploy.htm; "Check the Status of Your Deployment Using REST
 * Resources", meta_rest_deploy_checkstatus.htm; "Cancel a Deployment in Progress Using REST",
 * meta_rest_deploy_cancel.htm; "Deploy a Recently Validated Component Set Without Tests",
 * meta_rest_deploy_recentvalidation.htm), over the same {@link Deployments} as SOAP.
 *
 * <ul>
 *   <li>{@code POST …/metadata/deployRequest}, {@code multipart/form-data}: the zip in part {@code
 *       file}, {@code {"deployOptions":{…}}} in a part named {@code json} (the docs) or {@code
 *       entity_content} (jsforce and the sf CLI, salesforce-clients.md §1.8) → 201. A JSON body
 *       {@code {"validatedDeployRequestId":"0Af…"}} (jsforce's quick deploy) is a quick deploy.
 *   <li>{@code GET …/deployRequest/<id>[?includeDetails=true]} → 200; {@code deployResult.details}
 *       is always there (sf reads {@code details.componentFailures} without checking).
 *   <li>{@code PATCH …/deployRequest/<id>} with {@code {"deployResult":{"status":"Canceling"}}} → 202.
 *   <li>{@code POST …/deployRequest/<validatedId>} → 201, a quick deploy of that validation.
 * </ul>
 *
 * Multipart bodies are parsed by Jetty's {@link MultiPartFormData}, in memory, at most {@link
 * #MAX_BODY_BYTES}.
 */
final class MetadataRestApi {
  static final long MAX_BODY_BYTES = 64L << 20;
  private static final MultiPartConfig MULTIPART = new MultiPartConfig.Builder()
      .maxParts(8).maxSize(MAX_BODY_BYTES).maxPartSize(MAX_BODY_BYTES).maxMemoryPartSize(MAX_BODY_BYTES)
      .maxHeadersSize(8192).useFilesForPartsWithoutFileName(false).build();

  private final OrgState org;
  private final MetadataResults results;

  MetadataRestApi(OrgState org) {
    this.org = org;
    this.results = new MetadataResults(org);
  }

  /** Routes {@code …/metadata/<parts[1]>[/<parts[2]>]}. */
  Reply handle(Request request, String method, String version, String[] parts, String includeDetails,
      SessionStore.Session session) throws IOException {
    if (parts.length < 2 || !parts[1].equals("deployRequest") || parts.length > 3) {
      throw ApiException.notFound();
    }
    try {
      if (parts.length == 2) {
        if (!method.equals("POST")) {
          throw methodNotAllowed(method, "POST");
        }
        return deploy(request, version, session);
      }
      String id = parts[2];
      return switch (method) {
        case "GET" -> {
          boolean details = "true".equalsIgnoreCase(includeDetails);
          yield Reply.ok(body(org.deployments.check(id), version, details));
        }
        case "PATCH" -> cancel(request, version, id, session);
        case "POST" -> new Reply(201, body(org.deployments.deployRecentValidation(id, session.userId), version, false));
        default -> throw methodNotAllowed(method, "GET,PATCH,POST");
      };
    } catch (Deployments.DeployException e) {
      if (e.unknownId) {
        throw ApiException.notFound();
      }
      throw new ApiException(400, ApiErrorCode.valueOf(e.code), e.getMessage());
    }
  }

  private Reply deploy(Request request, String version, SessionStore.Session session) throws IOException {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mime = contentType == null ? "" : MimeTypes.getContentTypeWithoutCharset(contentType).strip();
    if (mime.equalsIgnoreCase("application/json")) {
      JsonNode json = readJson(Content.Source.asString(request, StandardCharsets.UTF_8));
      String validated = json.path("validatedDeployRequestId").asText("");
      if (validated.isEmpty()) {
        throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "a JSON deployRequest must name"
            + " validatedDeployRequestId; a deploy is multipart/form-data with a 'file' part");
      }
      return new Reply(201, body(org.deployments.deployRecentValidation(validated, session.userId), version, false));
    }
    if (!mime.regionMatches(true, 0, "multipart/form-data", 0, "multipart/form-data".length())) {
      throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "a deployRequest is multipart/form-data (a 'file'"
          + " part with the zip and a 'json' or 'entity_content' part with deployOptions), not '" + mime + "'");
    }
    String boundary = MultiPart.extractBoundary(contentType);
    if (boundary == null) {
      throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "the multipart/form-data Content-Type names no boundary");
    }
    MultiPartFormData.Parts parts;
    try {
      parts = MultiPartFormData.getParts(request, request, contentType, MULTIPART);
    } catch (RuntimeException e) {
      throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "the multipart body could not be read: "
          + rootMessage(e));
    }
    try (parts) {
      MultiPart.Part file = parts.getFirst("file");
      MultiPart.Part json = parts.getFirst("json") != null ? parts.getFirst("json") : parts.getFirst("entity_content");
      if (file == null) {
        throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "the deployRequest has no 'file' part with the zip");
      }
      JsonNode options = json == null ? readJson("{}") : readJson(json.getContentAsString(StandardCharsets.UTF_8));
      Deployments.Request started = org.deployments.deploy(bytes(file), options(options.path("deployOptions")),
          session.userId);
      return new Reply(201, body(started, version, false));
    }
  }

  private Reply cancel(Request request, String version, String id, SessionStore.Session session) throws IOException {
    JsonNode json = readJson(Content.Source.asString(request, StandardCharsets.UTF_8));
    if (!"Canceling".equals(json.path("deployResult").path("status").asText())) {
      throw new ApiException(400, ApiErrorCode.INVALID_OPERATION, "a PATCH of a deployRequest cancels it: the body is"
          + " {\"deployResult\":{\"status\":\"Canceling\"}}");
    }
    return new Reply(202, body(org.deployments.cancel(id, session.userId), version, false));
  }

  /** The resource's JSON: id, validatedDeployRequestId, deployOptions, deployResult, url. */
  private Object body(Deployments.Request r, String version, boolean includeDetails) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id);
    m.put("validatedDeployRequestId", r.validatedDeployRequestId);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("allowMissingFiles", r.options.allowMissingFiles());
    options.put("autoUpdatePackage", r.options.autoUpdatePackage());
    options.put("checkOnly", r.options.checkOnly());
    options.put("ignoreWarnings", r.options.ignoreWarnings());
    options.put("performRetrieve", r.options.performRetrieve());
    options.put("purgeOnDelete", r.options.purgeOnDelete());
    options.put("rollbackOnError", r.options.rollbackOnError());
    options.put("runTests", r.options.runTests());
    options.put("singlePackage", r.options.singlePackage());
    options.put("testLevel", r.options.testLevel());
    m.put("deployOptions", options);
    m.put("deployResult", results.deployResult(r, includeDetails, true));
    m.put("url", org.url() + "/services/data/v" + version + "/metadata/deployRequest/" + r.id
        + (includeDetails ? "?includeDetails=true" : ""));
    return MetadataResults.json(m);
  }

  private static Deployments.Options options(JsonNode o) {
    List<String> runTests = new ArrayList<>();
    o.path("runTests").forEach(t -> runTests.add(t.asText()));
    return new Deployments.Options(o.path("allowMissingFiles").asBoolean(false), o.path("autoUpdatePackage").asBoolean(false),
        o.path("checkOnly").asBoolean(false), o.path("ignoreWarnings").asBoolean(false),
        o.path("performRetrieve").asBoolean(false), o.path("purgeOnDelete").asBoolean(false),
        o.path("rollbackOnError").asBoolean(true), runTests, o.path("singlePackage").asBoolean(false),
        o.hasNonNull("testLevel") ? o.get("testLevel").asText() : null);
  }

  private static byte[] bytes(MultiPart.Part part) throws IOException {
    ByteBuffer buffer = Content.Source.asByteBuffer(part.getContentSource());
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static JsonNode readJson(String text) {
    try {
      return OrgHandler.JSON.readTree(text.isBlank() ? "{}" : text);
    } catch (IOException e) {
      throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, "the JSON could not be parsed: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static ApiException methodNotAllowed(String method, String allowed) {
    return new ApiException(405, ApiErrorCode.METHOD_NOT_ALLOWED, "HTTP Method '" + method + "' not allowed. Allowed are "
        + allowed);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
