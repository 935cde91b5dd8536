package dev.portcullis.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the SARIF writer over generated changes with hostile names and paths (Windows
 * separators, drive letters, {@code ..}, spaces, {@code %}, {@code :}, non-ASCII, control
 * characters): the log is valid against the SARIF 2.1.0 schema, every URI is a relative,
 * forward-slashed, parseable URI reference, every rule index points at its rule, and no two results
 * share a fingerprint.
 */
class SarifPropertyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SarifWriter WRITER = SarifWriter.create("0.1.0", "https://portcullis.dev/");

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withChars("aZ09_-. %:éあ\\/\"'<&\u0001\u202e").ofMinLength(1).ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> files() {
    Arbitrary<String> segment = Arbitraries.strings().withChars("aZ09_-. %:é#?").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> separator = Arbitraries.of("/", "\\");
    Arbitrary<String> prefix = Arbitraries.of("", "", "C:\\proj\\", "c:/PROJ/", "/home/ci/proj/", "D:\\other\\",
        "/etc/", "..\\", "./", "file:///x/");
    Arbitrary<String> body = Combinators.combine(segment.list().ofMinSize(0).ofMaxSize(4), separator)
        .as((segments, sep) -> String.join(sep, segments));
    return Combinators.combine(prefix, body).as(String::concat);
  }

  Arbitrary<Change> changes() {
    Arbitrary<ChangeKind> kind = Arbitraries.of(ChangeKind.class);
    Arbitrary<Severity> severity = Arbitraries.of(Severity.class);
    Arbitrary<Change.Side> side = Arbitraries.of(Change.Side.class);
    Arbitrary<Integer> position = Arbitraries.integers().between(-2, 100_000);
    return Combinators.combine(kind, names(), names(), names(), severity, names(), files(), side)
        .flatAs((k, type, name, subject, s, message, file, sd) -> Combinators.combine(position, position)
            .as((line, column) -> new Change(k, type, name, subject, "", null, null, s, message,
                new Change.Location(file, sd, line, column))));
  }

  @Provide
  Arbitrary<List<Change>> changeLists() {
    return changes().list().ofMaxSize(15);
  }

  @Property(tries = 150)
  void randomChangesGiveValidSarifWithRelativeUris(
      @ForAll("changeLists") List<Change> changes, @ForAll("files") String manifest) throws IOException {
    Findings findings = new Findings(changes, List.of(PolicyOutcome.hold("deploy.r", "why", 2, "g")),
        Optional.empty(), "dep-1", new Findings.Project("C:\\proj", manifest.isBlank() ? "package.xml" : manifest));

    String sarif = WRITER.toJson(findings);

    assertThat(SarifSchema.errors(sarif)).isEmpty();
    JsonNode run = JSON.readTree(sarif).path("runs").get(0);
    JsonNode rules = run.path("tool").path("driver").path("rules");
    Set<String> fingerprints = new HashSet<>();
    for (JsonNode result : run.path("results")) {
      assertThat(rules.get(result.path("ruleIndex").asInt()).path("id").asText())
          .isEqualTo(result.path("ruleId").asText());
      String uri = result.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri")
          .asText();
      assertThat(uri).isNotEmpty().doesNotContain("\\").doesNotStartWith("/");
      assertThat(uri.split("/", -1)).as(uri).doesNotContain("..", ".", "");
      URI parsed = URI.create(uri);
      assertThat(parsed.isAbsolute()).as(uri).isFalse();
      assertThat(parsed.getRawPath()).isEqualTo(uri);
      assertThat(fingerprints.add(result.path("partialFingerprints").path("portcullis/v1").asText())).isTrue();
    }
    assertThat(run.path("results")).hasSize(changes.size() + 1);
  }
}
