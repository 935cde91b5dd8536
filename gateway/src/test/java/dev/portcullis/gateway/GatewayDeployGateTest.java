package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.AsyncResult;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.AccessToken;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Metadata API deployments through the gateway are governed by its {@link DeployGate}: the gate sees
 * the package and the options exactly as the client sent them (SOAP {@code deploy}, REST multipart
 * {@code deployRequest}), nothing reaches the org unless it says proceed, and it learns Salesforce's
 * deployment id from the answer (Metadata API Developer Guide: deploy(), AsyncResult;
 * meta_rest_deploy.htm).
 */
class GatewayDeployGateTest extends GatewayTestBase {
  final List<DeployGate.Deploy> admitted = new CopyOnWriteArrayList<>();
  final CompletableFuture<String> answeredId = new CompletableFuture<>();
  volatile DeployGate.Outcome next = new DeployGate.Proceed("dpl_test", "approved by nobody");
  volatile RuntimeException failure;

  @Override
  DeployGate deployGate() {
    return new DeployGate() {
      @Override
      public Outcome admit(Deploy deploy) {
        admitted.add(deploy);
        if (failure != null) {
          throw failure;
        }
        return next;
      }

      @Override
      public void answered(String deploymentId, int status, java.util.Optional<String> salesforceDeployId,
          AccessToken upstream) {
        assertThat(deploymentId).isEqualTo("dpl_test");
        answeredId.complete(salesforceDeployId.orElse("status " + status + " without an id"));
      }
    };
  }

  MetadataClient metadata(String token) {
    return MetadataClient.builder(gateway, () -> token, http).build();
  }

  @Test
  void aSoapDeployIsShownToTheGateWithItsOptionsAndForwardedWhenItSaysProceed() throws Exception {
    String token = session("api:read metadata:deploy");
    byte[] zip = GatewayMetadataTest.zip("Governed");
    AsyncResult started = metadata(token).deploy(zip, DeployOptions.builder().checkOnly(true)
        .runSpecifiedTests(List.of("GovernedTest")).build());

    assertThat(admitted).hasSize(1);
    DeployGate.Deploy deploy = admitted.getFirst();
    assertThat(deploy.zip()).isEqualTo(zip);
    assertThat(deploy.api()).isEqualTo("soap");
    assertThat(deploy.options().checkOnly()).isTrue();
    assertThat(deploy.options().testLevel()).contains("RunSpecifiedTests");
    assertThat(deploy.options().runTests()).containsExactly("GovernedTest");
    assertThat(deploy.upstream().instanceUrl().toString()).startsWith(sandbox.url().toString());
    assertThat(decisions.getLast().reason()).contains("deployment dpl_test", "approved by nobody");
    assertThat(answeredId.get(30, TimeUnit.SECONDS)).isEqualTo(started.id());
  }

  @Test
  void aHeldSoapDeployIsAnsweredWithTheApprovalFaultAndNeverReachesTheOrg() throws Exception {
    next = new DeployGate.Refuse("policy requires 2 approvals; approval apr_1 was requested (deployment dpl_9)", true);
    String token = session("api:read metadata:deploy");
    assertThatThrownBy(() -> metadata(token).deploy(GatewayMetadataTest.zip("Held"), DeployOptions.defaults()))
        .isInstanceOf(SalesforceException.class)
        .hasMessageContaining("PORTCULLIS_APPROVAL_REQUIRED").hasMessageContaining("approval apr_1 was requested");
    assertThat(decisions.getLast().allowed()).isFalse();
    assertThat(sandbox.metadataNames("ApexClass")).doesNotContain("Held");
  }

  @Test
  void aRestDeployIsShownToTheGateWithTheOptionsPartAndItsIdReported() throws Exception {
    String token = session("api:read metadata:deploy");
    byte[] viaRest = GatewayMetadataTest.zip("ViaRest"); // built once: zip entry times have 2-second steps
    HttpResponse<String> created = restDeploy(token, GatewayMetadataTest.multipart(viaRest));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    DeployGate.Deploy deploy = admitted.getFirst();
    assertThat(deploy.api()).isEqualTo("rest");
    assertThat(deploy.zip()).isEqualTo(viaRest);
    assertThat(deploy.options().checkOnly()).isFalse();
    assertThat(answeredId.get(30, TimeUnit.SECONDS)).isEqualTo(json.readTree(created.body()).get("id").asText());
  }

  @Test
  void aRestDeployThatIsNotMultipartIsDeniedNamingWhyAndNeverReachesTheGateOrTheOrg() throws Exception {
    String token = session("api:read metadata:deploy");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(gateway.resolve(
        "/services/data/v62.0/metadata/deployRequest")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/zip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(GatewayMetadataTest.zip("Raw"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("PORTCULLIS_DENIED", "multipart/form-data");
    assertThat(admitted).isEmpty();
    assertThat(sandbox.requestCount(dev.portcullis.orgsim.Endpoint.DEPLOY_REQUEST)).isZero();
  }

  @Test
  void aGateThatFailsDeniesTheDeployment() throws Exception {
    failure = new IllegalStateException("store down");
    String token = session("api:read metadata:deploy");
    HttpResponse<String> refused = restDeploy(token, GatewayMetadataTest.multipart(GatewayMetadataTest.zip("Failing")));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("PORTCULLIS_DENIED", "deployment governance failed");
    assertThat(sandbox.requestCount(dev.portcullis.orgsim.Endpoint.DEPLOY_REQUEST)).isZero();
  }

  @Test
  void aDeployStatusCallIsNotGoverned() throws Exception {
    String token = session("api:read metadata:deploy");
    AsyncResult started = metadata(token).deploy(GatewayMetadataTest.zip("Polled"), DeployOptions.defaults());
    admitted.clear();
    assertThat(metadata(token).checkDeployStatus(started.id(), false).id()).isEqualTo(started.id());
    assertThat(admitted).isEmpty();
  }

  HttpResponse<String> restDeploy(String token, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v62.0/metadata/deployRequest")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "multipart/form-data; boundary=" + GatewayMetadataTest.BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
