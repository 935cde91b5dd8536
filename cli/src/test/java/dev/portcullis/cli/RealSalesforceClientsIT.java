package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Salesforce CLI ({@code sf} 2.146.3 on node 22) and jsforce 3.10.16 against the org
 * simulator in the shaded jar: JWT and access-token logins, queries (relationship paths,
 * subqueries, COUNT(), paging with queryMore, malformed queries), record CRUD, describe, limits, and
 * the Metadata API: {@code sf project deploy start} (SOAP, REST, {@code --metadata-dir}), {@code sf
 * project retrieve start}, jsforce {@code metadata.deploy}, {@code deployRest}, {@code retrieve}.
 * {@code compat/run-clients.sh} installs the clients with npm into a cache on first use and prints
 * one PASS/FAIL line per step; this test fails when any step fails.
 *
 * <p>Needs npm and the npm registry for the first install. {@code PORTCULLIS_TEST_REAL_CLIENTS=skip}
 * skips it on purpose.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealSalesforceClientsIT {
  @Test
  void sfCliAndJsforceWorkAgainstTheOrgSimulator() throws Exception {
    String output = ClientHarness.runPassing("run-clients.sh", Map.of("SKIP_BIG", "1"));
    assertThat(output).contains("PASS  login-jwt-prod", "PASS  query-basic", "PASS  js-queryMore",
        "PASS  sf-deploy-source-soap", "PASS  sf-deploy-source-rest", "PASS  sf-deploy-metadata-dir",
        "PASS  sf-retrieve-metadata", "PASS  js-metadata-deploy ", "PASS  js-metadata-deployRest",
        "PASS  js-metadata-retrieve ", "0 failed");
  }
}
