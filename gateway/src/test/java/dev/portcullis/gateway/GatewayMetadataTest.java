package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Metadata deploys through the gateway to the org simulator's Metadata API: the REST {@code
 * deployRequest} (multipart, classified from the path and streamed through) and its status and
 * cancel calls are decided as {@code metadata} {@code deploy}, {@code deploy_status} and {@code
 * deploy_cancel}, and the deployed class reaches the org (Metadata API Developer Guide,
 * meta_rest_deploy.htm).
 */
class GatewayMetadataTest extends GatewayTestBase {
  static final String BOUNDARY = "--------------------------0123456789abcdef01234567";

  @Test
  void aRestDeployIsClassifiedStreamedToTheOrgAndPolled() throws Exception {
    String token = session("api:read metadata:deploy");
    HttpResponse<String> created = deploy(token, "ThroughTheGateway");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(decisions.getLast().classification()).isEqualTo(Classification.of("metadata", "deploy"));
    String id = json.readTree(created.body()).get("id").asText();

    JsonNode status = null;
    for (int i = 0; i < 5 && (status == null || !status.at("/deployResult/done").asBoolean()); i++) {
      HttpResponse<String> polled = get("/services/data/v62.0/metadata/deployRequest/" + id + "?includeDetails=true", token);
      assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
      status = json.readTree(polled.body());
    }
    assertThat(status.at("/deployResult/status").asText()).isEqualTo("Succeeded");
    assertThat(decisions.getLast().classification()).isEqualTo(Classification.of("metadata", "deploy_status"));
    assertThat(sandbox.metadataNames("ApexClass")).contains("ThroughTheGateway");

    HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(gateway.resolve(
        "/services/data/v62.0/metadata/deployRequest/" + id)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"deployResult\":{\"status\":\"Canceling\"}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(decisions.getLast().classification()).isEqualTo(Classification.of("metadata", "deploy_cancel"));
    assertThat(cancel.statusCode()).as("the org refuses to cancel a finished deploy").isEqualTo(400);
    assertThat(cancel.body()).contains("Deployment already completed");
  }

  @Test
  void aRestDeployWithoutTheDeployScopeIsDeniedAndNeverReachesTheOrg() throws Exception {
    String token = session("api:read api:write");
    HttpResponse<String> denied = deploy(token, "Refused");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("PORTCULLIS_DENIED", "the session has no metadata:deploy scope");
    assertThat(sandbox.requestCount(dev.portcullis.orgsim.Endpoint.DEPLOY_REQUEST)).isZero();
  }

  /** {@code POST …/metadata/deployRequest} of one Apex class, as sf sends it. */
  HttpResponse<String> deploy(String token, String className) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v62.0/metadata/deployRequest")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(zip(className))))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body sf sends (salesforce-clients.md §1.8): the zip as part {@code file}, options as {@code entity_content}. */
  static byte[] multipart(byte[] zip) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"package.xml\"\r\n"
        + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(zip);
    body.write(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n"
        + "Content-Type: application/json\r\n\r\n{\"deployOptions\":{\"rollbackOnError\":true,\"singlePackage\":true}}\r\n--"
        + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  static byte[] zip(String className) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      put(out, "classes/" + className + ".cls", "public class " + className + " {}");
      put(out, "classes/" + className + ".cls-meta.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ApexClass xmlns="
          + "\"http://soap.sforce.com/2006/04/metadata\"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>");
      put(out, "package.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Package xmlns=\"http://soap.sforce.com/2006/04/"
          + "metadata\"><types><members>" + className + "</members><name>ApexClass</name></types><version>62.0</version>"
          + "</Package>");
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new ZipEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
