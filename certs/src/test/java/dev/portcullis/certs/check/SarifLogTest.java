package dev.portcullis.certs.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.certs.Use;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SARIF log of certificate findings: valid against the official schema, with GitHub's fields. */
class SarifLogTest {
  private static final String FINGERPRINT = "ab".repeat(32);
  private final List<Finding> findings = List.of(
      new Finding(CheckId.VALIDITY_WINDOW, Severity.CRITICAL, "expired on 2026-05-01T00:00:00Z", FINGERPRINT,
          "CN=shop.example.com", Use.OUTBOUND_TLS, CheckId.VALIDITY_WINDOW.rule(), "certs/shop chain.pem"),
      new Finding(CheckId.HOST_NAME, Severity.LOW, "the CN 'x' is not one of the subjectAltName values", FINGERPRINT,
          "CN=shop.example.com", Use.OUTBOUND_TLS, "CA/B Forum BR §7.1.4.3", "certs/shop chain.pem"),
      new Finding(CheckId.HOST_NAME, Severity.HIGH, "'shop.example.com' matches no subjectAltName", FINGERPRINT,
          "CN=shop.example.com", Use.OUTBOUND_TLS, CheckId.HOST_NAME.rule(), "shop.example.com:443"));

  private String sarif() {
    return SarifLog.toJson(findings, origin -> origin.endsWith(":443") ? "https://shop.example.com:443/"
        : origin.replace(" ", "%20"), "0.1.0", "https://portcullis.dev/docs/CERTS.md");
  }

  @Test
  void theLogIsValidSarif210() {
    assertThat(SarifSchema.errors(sarif())).isEmpty();
  }

  @Test
  void rulesCarryTheWorstSeverityAndResultsPointAtTheirInput() throws Exception {
    JsonNode run = new ObjectMapper().readTree(sarif()).at("/runs/0");

    assertThat(run.at("/tool/driver/rules").findValuesAsText("id")).containsExactly("validity-window", "host-name");
    assertThat(run.at("/tool/driver/rules/1/properties/security-severity").asText()).isEqualTo("8.0");
    JsonNode results = run.get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("level").asText()).isEqualTo("error");
    assertThat(results.get(1).get("level").asText()).isEqualTo("note");
    assertThat(results.get(1).get("ruleIndex").asInt()).isEqualTo(1);
    assertThat(results.get(0).at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("certs/shop%20chain.pem");
    assertThat(results.get(0).at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asText()).isEqualTo("%SRCROOT%");
    assertThat(results.get(2).at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("https://shop.example.com:443/");
    assertThat(results.get(2).at("/locations/0/physicalLocation/artifactLocation").has("uriBaseId")).isFalse();
    assertThat(results.get(0).at("/properties/fingerprint").asText()).isEqualTo(FINGERPRINT);
    assertThat(results.get(0).at("/partialFingerprints/portcullis~1v1").asText()).endsWith(":1");
  }
}
