package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommandWithOneLineEach() {
    Run run = run("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("demo ", "serve ", "status ", "config ", "orgsim ", "Exit codes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "serve", "status", "login", "session list", "session revoke", "orgsim", "config check", "policy check", "policy eval", "policy test", "policy init"})
  void everySubcommandHasHelpWithExamples(String command) {
    String[] words = (command + " --help").split(" ");
    Run run = run(words);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: portcullis " + command).contains("Examples:");
  }

  @Test
  void aCommandBuiltAloneHelpsAsInTheWholeTree() {
    // `help NAME` builds every command (its first word names none); `NAME --help` only NAME's tree.
    for (Class<?> command : Main.COMMANDS) {
      if (command == picocli.CommandLine.HelpCommand.class) {
        continue;
      }
      String name = Main.names(command).getLast();
      Run alone = run(name, "--help");
      Run whole = run("help", name);
      assertThat(alone.exitCode()).as(name).isZero();
      assertThat(alone.out()).as(name).isEqualTo(whole.out()).startsWith("Usage: portcullis " + name);
    }
  }

  @Test
  void aMisspeltCommandIsStillSuggestedFromTheWholeTree() {
    Run run = run("depoly", "convert");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("depoly").contains("deploy");
  }

  @Test
  void versionNamesTheProductAndTheJava() {
    Run run = run("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("portcullis ").contains("Java " + Runtime.version().feature());
  }

  @Test
  void unknownCommandIsAUsageError() {
    Run run = run("frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("frobnicate");
  }

  @Test
  void configCheckReportsEveryProblemWithPositionAndExitsTwo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("portcullis.yaml");
    Files.writeString(
        file,
        """
        server:
          admin: { host: 127.0.0.1, port: 70000 }
        logging: { format: xml }
        orgs:
          - alias: sandbox
            environment: sandbox
            login_url: https://login.salesforce.com
            instance_url: https://acme--uat.sandbox.my.salesforce.com
            consumer_kee: abc
            username: integration@acme.com.uat
            private_key: missing.pem
        """);
    Run run = run("config", "check", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out())
        .contains("portcullis.yaml:2:")
        .contains("did you mean 'consumer_key'?")
        .contains("login.salesforce.com")
        .contains("missing.pem")
        .contains("invalid");
  }

  @Test
  void configCheckJsonIsMachineReadable(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("portcullis.yaml");
    Files.writeString(file, "logging: { formt: json }\n");
    Run run = run("config", "check", "--json", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("valid").asBoolean()).isFalse();
    JsonNode problem = json.get("problems").get(0);
    assertThat(problem.get("line").asInt()).isEqualTo(1);
    assertThat(problem.get("column").asInt()).isPositive();
    assertThat(problem.get("code").asText()).isEqualTo("UNKNOWN_FIELD");
    assertThat(problem.get("suggestion").asText()).contains("format");
  }

  @Test
  void configCheckOfAValidFileExitsZero(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("portcullis.yaml");
    Files.writeString(file, "storage: { url: \"sqlite:portcullis.db\" }\n");
    Run run = run("config", "check", file.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("valid (0 errors");
  }

  @Test
  void statusWithoutARunningServerSaysHowToStartOneAndExitsFour(@TempDir Path dir) {
    Run run = run("status", "--data-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("no server is running").contains("portcullis serve");
  }

  @Test
  void serveWithoutConfigurationIsAUsageError(@TempDir Path dir) {
    Run run = run("serve", "--data-dir", dir.toString(), "--config", dir.resolve("absent.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("absent.yaml");
  }

  @Test
  void anOrgsimInstanceUrlForAnUnknownOrgIsAUsageErrorBeforeAnythingStarts(@TempDir Path dir) {
    Run run = run("serve", "--demo", "--data-dir", dir.toString(), "--orgsim-instance-url", "uat=http://127.0.0.1:8080");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--orgsim-instance-url 'uat' is not a demo org (the demo orgs are prod, sandbox)");
    assertThat(dir.resolve("portcullis.yaml")).doesNotExist();
  }
}
