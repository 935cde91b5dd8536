package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one of the real-client harnesses in {@code compat/} (they install sf and jsforce with npm on
 * first use) with the shaded jar and this JVM, and checks that it could install and that no step
 * failed. {@code PORTCULLIS_TEST_REAL_CLIENTS=skip} skips on purpose.
 */
final class ClientHarness {
  private ClientHarness() {}

  /** The harness's output, once every step passed. */
  static String runPassing(String script, Map<String, String> env) throws Exception {
    assumeThat(System.getenv("PORTCULLIS_TEST_REAL_CLIENTS")).as("PORTCULLIS_TEST_REAL_CLIENTS").isNotEqualTo("skip");
    Path path = Path.of("..", "compat", script).toAbsolutePath().normalize();
    assertThat(path).exists();
    ProcessBuilder builder = new ProcessBuilder("bash", path.toString()).redirectErrorStream(true);
    builder.environment().put("JAR", Path.of("target", "portcullis.jar").toAbsolutePath().toString());
    builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    builder.environment().put("KEEP", "0");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int failures = process.waitFor();
    System.out.println(output);
    assertThat(output)
        .as("the harness could not install or start the clients (needs npm and the npm registry; "
            + "set PORTCULLIS_TEST_REAL_CLIENTS=skip to skip on purpose):%n%s", output)
        .doesNotContain("FAIL install");
    assertThat(failures).as("failed client steps:%n%s", output).isZero();
    return output;
  }
}
