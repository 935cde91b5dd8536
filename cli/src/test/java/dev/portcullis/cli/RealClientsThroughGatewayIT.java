package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Salesforce CLI ({@code sf} 2.146.3 on node 22) and jsforce 3.10.16 through the gateway of
 * a demo server (issue 6): a pipeline session from {@code demo ci-token} and {@code login}, then
 * {@code sf org login access-token} with the gateway as instance URL, {@code org display}, {@code
 * data query}, {@code data create record}; jsforce queries (relationship paths, paging with
 * queryMore), CRUD and describe; a create with a read-only session denied with the policy's reason;
 * a revoked session answered {@code INVALID_SESSION_ID}. {@code compat/run-gateway-clients.sh} prints
 * one line per step; this test fails when any step fails.
 *
 * <p>Needs npm and the npm registry for the first install. {@code PORTCULLIS_TEST_REAL_CLIENTS=skip}
 * skips it on purpose.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealClientsThroughGatewayIT {
  @Test
  void sfCliAndJsforceWorkThroughTheGateway() throws Exception {
    assumeThat(System.getenv("PORTCULLIS_TEST_REAL_CLIENTS")).as("PORTCULLIS_TEST_REAL_CLIENTS").isNotEqualTo("skip");
    Path script = Path.of("..", "compat", "run-gateway-clients.sh").toAbsolutePath().normalize();
    assertThat(script).exists();
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    builder.environment().put("JAR", Path.of("target", "portcullis.jar").toAbsolutePath().toString());
    builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
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
    assertThat(output).contains("PASS  sf-login-access-token", "PASS  sf-data-query", "PASS  sf-data-create",
        "PASS  js-queryMore", "PASS  denied-create-read-session", "PASS  revoked-session", "0 failed");
  }
}
