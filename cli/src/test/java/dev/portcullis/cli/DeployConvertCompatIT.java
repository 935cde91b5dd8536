package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code portcullis deploy convert} against the real {@code sf project convert source} (2.146.3) on the
 * fixture projects in deploy/src/test/resources/projects: {@code compat/deploy-convert.sh} runs both on
 * each and compares the outputs (same files, same package.xml members, canonical XML, zip entries).
 * The committed fixtures pin sf's output for the unit tests; this re-runs sf itself.
 *
 * <p>Needs npm and the npm registry for the first install of sf. {@code PORTCULLIS_TEST_REAL_CLIENTS=skip}
 * skips it on purpose.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DeployConvertCompatIT {
  @Test
  void convertMatchesTheSalesforceCliOnEveryFixtureProject() throws Exception {
    String output = ClientHarness.runPassing("deploy-convert.sh", Map.of());
    assertThat(output).contains("PASS  convert:dreamhouse-lwc", "PASS  convert:lwc-recipes",
        "PASS  convert:security-types", "PASS  convert:decomposed-labels", "0 failed");
  }
}
