package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Salesforce CLI ({@code sf} 2.146.3 on node 22) and jsforce 3.10.16 against the org
 * simulator in the shaded jar: JWT and access-token logins, queries (relationship paths,
 * subqueries, COUNT(), paging with queryMore, malformed queries), record CRUD, describe, limits.
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
    assumeThat(System.getenv("PORTCULLIS_TEST_REAL_CLIENTS")).as("PORTCULLIS_TEST_REAL_CLIENTS").isNotEqualTo("skip");
    Path script = Path.of("..", "compat", "run-clients.sh").toAbsolutePath().normalize();
    assertThat(script).exists();
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
        .redirectErrorStream(true);
    builder.environment().put("JAR", Path.of("target", "portcullis.jar").toAbsolutePath().toString());
    builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    builder.environment().put("SKIP_BIG", "1");
    builder.environment().put("KEEP", "0");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int failures = process.waitFor();
    System.out.println(output);
    assertThat(output)
        .as("the harness could not install or start the clients (needs npm and the npm registry; "
            + "set PORTCULLIS_TEST_REAL_CLIENTS=skip to skip on purpose):%n%s", output)
        .doesNotContain("FAIL install");
    assertThat(failures).as("failed client steps:%n%s", output).isZero();
    assertThat(output).contains("PASS  login-jwt-prod", "PASS  query-basic", "PASS  js-queryMore", "0 failed");
    assertThat(Files.exists(script)).isTrue();
  }
}
