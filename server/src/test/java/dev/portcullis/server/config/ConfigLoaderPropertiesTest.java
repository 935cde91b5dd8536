package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ConfigLoaderPropertiesTest {
  private static final Path FILE = Path.of("/etc/portcullis/portcullis.yaml");
  private final ConfigLoader loader = new ConfigLoader(Map.of(), file -> java.util.Optional.empty());

  @Property(tries = 300)
  void anyInputGivesAConfigOrPositionedProblemsButNeverThrows(@ForAll("yamlish") String text) {
    ConfigLoader.Result result = loader.parse(FILE, text);
    assertThat(result.config().isPresent()).isEqualTo(result.problems().stream().noneMatch(Problem::isError));
    for (Problem problem : result.problems()) {
      assertThat(problem.file()).isEqualTo(FILE);
      assertThat(problem.line()).isBetween(0, text.split("\n", -1).length + 1);
      assertThat(problem.message()).isNotBlank();
    }
  }

  @Property
  void everyUnknownTopLevelFieldIsReportedAtItsPosition(@ForAll("unknownFields") List<String> names) {
    StringBuilder text = new StringBuilder();
    for (String name : names) {
      text.append(name).append(": 1\n");
    }
    List<Problem> problems = loader.parse(FILE, text.toString()).problems();
    assertThat(problems).hasSize(names.size());
    for (int i = 0; i < names.size(); i++) {
      assertThat(problems.get(i).code()).isEqualTo(ConfigErrorCode.UNKNOWN_FIELD);
      assertThat(problems.get(i).line()).isEqualTo(i + 1);
      assertThat(problems.get(i).column()).isEqualTo(1);
    }
  }

  @Provide
  Arbitrary<List<String>> unknownFields() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(3).ofMaxLength(10)
        .filter(name -> !List.of("server", "storage", "salesforce", "logging", "orgs").contains(name))
        .list().uniqueElements().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> yamlish() {
    Arbitrary<String> fragments = Arbitraries.of(
        "server:", "  admin:", "    port: 0", "    port: x", "  gateway: { port: 1 }", "  tls: {}", "orgs:",
        "  - alias: prod", "    environment: sandbox", "    login_url: https://login.salesforce.com",
        "    instance_url: http://10.0.0.1", "    keystore: { path: k.p12 }", "    private_key: none.pem",
        "  - []", "  - x", "logging: { format: json, level: loud }", "storage: [1]", "data_dir: ~", "- a",
        "  : :", "\"unterminated", "salesforce: { api_version: 66 }", "{", "${X}", "&a [*a]", "? complex",
        "    consumer_key: ${UNSET}", "    username: u@x", "server: 7", "  shutdown_grace: 5m");
    return fragments.list().ofMaxSize(12).map(lines -> String.join("\n", lines));
  }
}
