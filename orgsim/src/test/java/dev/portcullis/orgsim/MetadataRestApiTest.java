package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.salesforce.OrgEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The REST {@code deployRequest} resource against a sandbox (Metadata API Developer Guide:
 * meta_rest_deploy.htm, meta_rest_deploy_checkstatus.htm, meta_rest_deploy_cancel.htm,
 * meta_rest_deploy_recentvalidation.htm), with the request shapes sf and jsforce send
 * (salesforce-clients.md §1.8).
 */
class MetadataRestApiTest {
  static RunningSimulator sim;
  static MetadataClient metadata;
  static final String SF_OPTIONS = "{\"rollbackOnError\":true,\"ignoreWarnings\":false,\"checkOnly\":false,"
      + "\"singlePackage\":true,\"purgeOnDelete\":false}";

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b.environment(OrgEnvironment.SANDBOX));
    metadata = new MetadataClient(sim.client, sim.org.url(), sim.login());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** The docs name the options part {@code json}; jsforce and sf send {@code entity_content}: both work. */
  @ParameterizedTest
  @ValueSource(strings = {"entity_content", "json"})
  void aMultipartDeployIs201ThenPolledToSucceeded(String jsonPart) throws Exception {
    String name = "Rest_" + jsonPart;
    SimulatorClient.Reply created = metadata.deployRest(MetadataClient.apexClass(name, "public class " + name + " {}"),
        jsonPart, SF_OPTIONS);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(id).startsWith("0Af");
    assertThat(created.json().get("validatedDeployRequestId").isNull()).isTrue();
    assertThat(created.json().at("/deployOptions/singlePackage").asBoolean()).isTrue();
    assertThat(created.json().at("/deployResult/status").asText()).isEqualTo("Pending");
    assertThat(created.json().at("/deployResult/done").asBoolean()).isFalse();
    assertThat(created.json().get("url").asText()).endsWith("/services/data/v62.0/metadata/deployRequest/" + id);

    String path = "/services/data/v62.0/metadata/deployRequest/" + id + "?includeDetails=true";
    JsonNode running = metadata.rest("GET", path, null).json();
    assertThat(running.at("/deployResult/status").asText()).isEqualTo("InProgress");
    assertThat(running.at("/deployResult/details/componentFailures").isArray()).isTrue(); // sf reads it unchecked
    JsonNode done = metadata.rest("GET", path, null).json();
    assertThat(done.at("/deployResult/status").asText()).isEqualTo("Succeeded");
    assertThat(done.at("/deployResult/done").asBoolean()).isTrue();
    assertThat(done.at("/deployResult/runTestsEnabled").asBoolean()).isFalse(); // sandbox default: no tests
    assertThat(done.at("/deployResult/details/componentSuccesses/0/fullName").asText()).isEqualTo(name);
    assertThat(done.at("/deployResult/details/componentSuccesses/0/createdDate").asText()).matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
    assertThat(sim.org.metadataNames("ApexClass")).contains(name);
  }

  @Test
  void withoutIncludeDetailsTheDetailsAreThereButEmpty() throws Exception {
    String id = metadata.deployRest(MetadataClient.apexClass("Terse", "public class Terse {}"), "json", SF_OPTIONS)
        .json().get("id").asText();
    sim.clock.advance(Deployments.STEP.multipliedBy(3));
    JsonNode done = metadata.rest("GET", "/services/data/v62.0/metadata/deployRequest/" + id, null).json();
    assertThat(done.at("/deployResult/status").asText()).isEqualTo("Succeeded");
    assertThat(done.at("/deployResult/details/componentSuccesses").size()).isZero();
  }

  @Test
  void patchCancelsWith202() throws Exception {
    String id = metadata.deployRest(MetadataClient.apexClass("RestCancel", "public class RestCancel {}"), "json",
        SF_OPTIONS).json().get("id").asText();
    SimulatorClient.Reply canceled = metadata.rest("PATCH", "/services/data/v62.0/metadata/deployRequest/" + id,
        "{\"deployResult\":{\"status\":\"Canceling\"}}");
    assertThat(canceled.status()).isEqualTo(202);
    assertThat(canceled.json().at("/deployResult/status").asText()).isEqualTo("Canceled");
    SimulatorClient.Reply wrong = metadata.rest("PATCH", "/services/data/v62.0/metadata/deployRequest/" + id,
        "{\"deployResult\":{\"status\":\"Succeeded\"}}");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_OPERATION");
  }

  @Test
  void aValidationIsQuickDeployedByPostingItsId() throws Exception {
    String options = "{\"checkOnly\":true,\"singlePackage\":true,\"testLevel\":\"RunLocalTests\"}";
    String validation = metadata.deployRest(MetadataClient.apexClass("RestQuick", "public class RestQuick {}"), "json",
        options).json().get("id").asText();
    sim.clock.advance(Deployments.STEP.multipliedBy(3));
    assertThat(metadata.rest("GET", "/services/data/v62.0/metadata/deployRequest/" + validation, null).json()
        .at("/deployResult/status").asText()).isEqualTo("Succeeded");
    SimulatorClient.Reply quick = metadata.rest("POST", "/services/data/v62.0/metadata/deployRequest/" + validation, "{}");
    assertThat(quick.status()).isEqualTo(201);
    assertThat(quick.json().get("validatedDeployRequestId").asText()).isEqualTo(validation);
    SimulatorClient.Reply jsforceStyle = metadata.rest("POST", "/services/data/v62.0/metadata/deployRequest",
        "{\"validatedDeployRequestId\":\"" + validation + "\"}");
    assertThat(jsforceStyle.status()).isEqualTo(201);
  }

  @Test
  void unknownIdsAre404AndBadBodiesAre400() throws Exception {
    SimulatorClient.Reply unknown = metadata.rest("GET", "/services/data/v62.0/metadata/deployRequest/0AfAA0000000001AAA", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
    SimulatorClient.Reply notMultipart = metadata.rest("POST", "/services/data/v62.0/metadata/deployRequest", "{}");
    assertThat(notMultipart.status()).isEqualTo(400);
    assertThat(notMultipart.json().get(0).get("message").asText()).contains("validatedDeployRequestId");
    SimulatorClient.Reply noSession = sim.client.send(sim.org.url(), "GET",
        "/services/data/v62.0/metadata/deployRequest/0AfAA0000000001AAA", null, null);
    assertThat(noSession.status()).isEqualTo(401);
  }
}
