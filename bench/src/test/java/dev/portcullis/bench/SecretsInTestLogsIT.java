package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scans the logs of the whole test run for secrets. {@code bench} is the last module of the
 * reactor, so by the time its integration tests run every other module's tests have written their
 * output ({@code *-output.txt}: everything the tests and the servers, simulators and child JVMs
 * they started printed or logged). None of it may contain a Salesforce access token, a JWT (an
 * assertion or an ID token) or a PEM private key, whichever test used them.
 */
class SecretsInTestLogsIT {
  private static final Map<String, Pattern> SECRETS = Map.of(
      "Salesforce access token", Pattern.compile("00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{16,}"),
      "JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}"),
      "PEM private key", Pattern.compile("-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----\\s*[A-Za-z0-9+/]{16,}"));

  @Test
  void noTestOutputOfTheRunContainsASecret() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> outputs;
    try (Stream<Path> modules = Files.list(root)) {
      outputs = modules
          .filter(Files::isDirectory)
          .flatMap(module -> Stream.of(module.resolve("target/surefire-reports"), module.resolve("target/failsafe-reports")))
          .filter(Files::isDirectory)
          .flatMap(SecretsInTestLogsIT::outputFiles)
          .toList();
    }
    assertThat(outputs)
        .as("test output files under %s/*/target/*-reports (run the whole build: ./run-tests)", root)
        .isNotEmpty();
    List<String> findings = new ArrayList<>();
    for (Path file : outputs) {
      String text = Files.readString(file, StandardCharsets.ISO_8859_1);
      SECRETS.forEach((kind, pattern) -> {
        Matcher matcher = pattern.matcher(text);
        if (matcher.find()) {
          int line = (int) text.substring(0, matcher.start()).chars().filter(c -> c == '\n').count() + 1;
          findings.add(root.relativize(file) + ":" + line + ": a " + kind);
        }
      });
    }
    assertThat(findings).as("secrets in test logs (%d files scanned)", outputs.size()).isEmpty();
  }

  private static Stream<Path> outputFiles(Path reports) {
    try {
      return Files.list(reports).filter(p -> p.getFileName().toString().endsWith("-output.txt")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
