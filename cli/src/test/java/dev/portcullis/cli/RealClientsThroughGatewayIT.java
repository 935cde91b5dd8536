package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Salesforce CLI ({@code sf} 2.146.3 on node 22) and jsforce 3.10.16 through the gateway of
 * a demo server (issue 6): a pipeline session from {@code demo ci-token} and {@code login}, then
 * {@code sf org login access-token} with the gateway as instance URL, {@code org display}, {@code
 * data query}, {@code data create record}; jsforce queries (relationship paths, paging with
 * queryMore), CRUD and describe; a create with a read-only session denied with the policy's reason;
 * a revoked session answered {@code INVALID_SESSION_ID}; the Metadata API: a deploy denied to a session
 * without {@code metadata:deploy}, then with one {@code sf project deploy start} (SOAP, REST, {@code
 * --metadata-dir}), {@code sf project retrieve start}, jsforce {@code metadata.deploy}, {@code
 * deployRest}, {@code retrieve}. {@code compat/run-gateway-clients.sh} prints
 * one line per step; this test fails when any step fails.
 *
 * <p>Needs npm and the npm registry for the first install. {@code PORTCULLIS_TEST_REAL_CLIENTS=skip}
 * skips it on purpose.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealClientsThroughGatewayIT {
  @Test
  void sfCliAndJsforceWorkThroughTheGateway() throws Exception {
    String output = ClientHarness.runPassing("run-gateway-clients.sh", Map.of());
    assertThat(output).contains("PASS  sf-login-access-token", "PASS  sf-data-query", "PASS  sf-data-create",
        "PASS  js-queryMore", "PASS  denied-create-read-session", "PASS  revoked-session",
        "PASS  sf-deploy-denied-without-scope", "PASS  sf-deploy-source-soap", "PASS  sf-deploy-source-rest",
        "PASS  sf-deploy-metadata-dir", "PASS  sf-retrieve-metadata", "PASS  js-metadata-deploy ",
        "PASS  js-metadata-deployRest", "PASS  js-metadata-retrieve ", "0 failed");
  }
}
