package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis certs limbo} through Main, on a slice of the x509-limbo suite. */
class CertsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LIMBO = Path.of("/work/shared/x509-limbo/limbo.json");
  /** Two we agree on and one known difference (docs/CERTS.md): a CN that is not among the SANs. */
  private static final Set<String> SLICE =
      Set.of("webpki::san::exact-dns-san", "rfc5280::validity::expired-leaf", "webpki::cn::not-in-san");

  private static Path slice(Path dir) throws Exception {
    Assumptions.assumeTrue(Files.exists(LIMBO), "x509-limbo is not available at " + LIMBO);
    JsonNode suite = JSON.readTree(LIMBO.toFile());
    ObjectNode out = JSON.createObjectNode();
    out.set("version", suite.get("version"));
    ArrayNode cases = out.putArray("testcases");
    suite.get("testcases").forEach(c -> {
      if (SLICE.contains(c.get("id").asText())) {
        cases.add(c);
      }
    });
    Path file = dir.resolve("slice.json");
    JSON.writeValue(file.toFile(), out);
    return file;
  }

  @Test
  void limboReportsAgreementPerCategoryAndEveryDisagreement(@TempDir Path dir) throws Exception {
    Path file = slice(dir);

    MainTest.Run run = MainTest.run("certs", "limbo", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("x509-limbo: agreed on 2 of 3 cases (66.7%)")
        .contains("  rfc5280           1 / 1    100.0%")
        .contains("  webpki            1 / 2    50.0%")
        .contains("1 disagreement:\n  webpki::cn::not-in-san: expected FAILURE, ours SUCCESS");
  }

  @Test
  void limboJsonCarriesTheSameReport(@TempDir Path dir) throws Exception {
    Path file = slice(dir);

    MainTest.Run run = MainTest.run("certs", "limbo", file.toString(), "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("total").asInt()).isEqualTo(3);
    assertThat(report.get("agreed").asInt()).isEqualTo(2);
    assertThat(report.at("/categories/webpki/total").asInt()).isEqualTo(2);
    assertThat(report.at("/disagreements/0/id").asText()).isEqualTo("webpki::cn::not-in-san");
    assertThat(report.at("/disagreements/0/ours").asText()).isEqualTo("SUCCESS");
  }

  @Test
  void aMissingFileIsAUsageError(@TempDir Path dir) {
    MainTest.Run run = MainTest.run("certs", "limbo", dir.resolve("absent.json").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such file: " + dir.resolve("absent.json"));
  }
}
