package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code portcullis.jar} as a user runs it: a child JVM per test, on free loopback
 * ports. Each child's whole output is echoed to this test's output (and so into the Failsafe
 * report that the log scan reads) and checked here for secrets.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PortcullisJarIT {
  private static final Path JAR = Path.of("target", "portcullis.jar");
  private static final Pattern ACCESS_TOKEN = Pattern.compile("00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{16,}");
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ProcessBuilder portcullis(Path dataDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--data-dir", dataDir.toString(), "--admin-port", "0", "--gateway-port", "0",
        "--orgsim-port", "0"));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private static String runToEnd(ProcessBuilder builder, int expectedExit) throws IOException, InterruptedException {
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    System.out.println("---- " + String.join(" ", builder.command()) + "\n" + output);
    assertThat(exit).as("exit code; output:%n%s", output).isEqualTo(expectedExit);
    return output;
  }

  private static void assertNoSecrets(String output, Path dataDir) throws IOException {
    assertThat(ACCESS_TOKEN.matcher(output).find()).as("an access token in the output").isFalse();
    assertThat(JWT.matcher(output).find()).as("a JWT in the output").isFalse();
    assertThat(output).doesNotContain("PRIVATE KEY");
    for (String alias : List.of("prod", "sandbox")) {
      Path key = dataDir.resolve("demo").resolve(alias + "-key.pem");
      String body = Files.readString(key).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      assertThat(output).as("the %s private key in the output", alias).doesNotContain(body);
    }
  }

  @Test
  void demoRunsTheTourAndExits(@TempDir Path dataDir) throws Exception {
    String output = runToEnd(portcullis(dataDir, "demo", "--exit"), 0);
    assertThat(output)
        .contains("access token from the OAuth 2.0 JWT bearer flow")
        .contains("SELECT Id, Name, Industry FROM Account")
        .contains("created Account 001")
        .contains("/readyz -> 200")
        .contains("a run from main asks for api:read on prod: session ses_")
        .contains("asks for metadata:deploy on prod: refused, access_denied")
        .contains("Tour complete")
        .doesNotContain("FAIL");
    assertThat(output.lines().filter(l -> l.contains("[ ok ]")).count()).isGreaterThanOrEqualTo(7);
    assertNoSecrets(output, dataDir);
    assertThat(dataDir.resolve("endpoints.json")).doesNotExist();

    // A second run reuses the generated keys and configuration.
    String config = Files.readString(dataDir.resolve("portcullis.yaml"));
    String again = runToEnd(portcullis(dataDir, "demo", "--exit", "--json"), 0);
    JsonNode tour = JSON.readTree(again.substring(again.indexOf("{\n")));
    assertThat(tour.get("ok").asBoolean()).isTrue();
    assertThat(tour.get("steps")).hasSizeGreaterThanOrEqualTo(7);
    // The ledger step: every action of both tours is in the ledger, cosigned by the demo's witness, and the
    // command it prints verifies the whole ledger offline.
    JsonNode ledger = null;
    for (JsonNode step : tour.get("steps")) {
      if (step.get("step").asText().equals("ledger")) {
        ledger = step;
      }
    }
    assertThat(ledger).as("a ledger step").isNotNull();
    assertThat(ledger.get("ok").asBoolean()).isTrue();
    assertThat(ledger.at("/facts/entries").asLong())
        .as("two tours: 2 × (start, policy bundle, 2 tokens, query, create, session created, session refused,"
            + " gateway: session created, 2 decisions, 1 completion, session revoked, session used; the ledger"
            + " step's note), plus the deploy step's (its status polls vary in number)")
        .isGreaterThan(30);
    assertThat(ledger.at("/facts/checkpoint").asText()).contains("\n— portcullis-demo/witness ");
    assertThat(ledger.at("/facts/inclusion_proof")).isNotEmpty();
    String verify = ledger.at("/facts/verify_command").asText();
    assertThat(verify).startsWith("portcullis ledger verify " + dataDir.resolve("ledger") + " --vkey '");
    List<String> verifyArgs = new ArrayList<>();
    java.util.regex.Matcher words = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(verify);
    while (words.find()) {
      verifyArgs.add(words.group(1) != null ? words.group(1) : words.group(2));
    }
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        JAR.toAbsolutePath().toString()));
    command.addAll(verifyArgs.subList(1, verifyArgs.size()));
    String verified = runToEnd(new ProcessBuilder(command).redirectErrorStream(true), 0);
    assertThat(verified).contains("OK: " + ledger.at("/facts/entries").asLong() + " entries");
    assertThat(Files.readString(dataDir.resolve("portcullis.yaml")).lines().filter(l -> l.contains("consumer_key")))
        .containsExactlyElementsOf(config.lines().filter(l -> l.contains("consumer_key")).toList());
    assertNoSecrets(again, dataDir);
  }

  @Test
  void serveDemoPublishesEndpointsAnswersAndStopsOnSigterm(@TempDir Path dataDir) throws Exception {
    Process server = portcullis(dataDir, "serve", "--demo").start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder output = new StringBuilder();
    // The server prints its ready line after endpoints.json is written: wait on the output, not on a clock.
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      output.append(line).append('\n');
      if (line.startsWith("portcullis: ready;")) {
        break;
      }
    }
    Thread pump = Thread.ofVirtual().start(() -> {
      try {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        output.append("(output lost: ").append(e).append(')');
      }
    });
    try {
      Path endpointsFile = dataDir.resolve("endpoints.json");
      assertThat(server.isAlive()).as("server running; output:%n%s", output).isTrue();
      assertThat(endpointsFile).exists();
      JsonNode endpoints = JSON.readTree(Files.readString(endpointsFile));
      URI admin = URI.create(endpoints.get("admin_url").asText());
      assertThat(endpoints.get("orgsim").get("prod").asText()).startsWith("http://127.0.0.1:");
      assertThat(endpoints.get("orgsim").get("sandbox").asText()).startsWith("http://127.0.0.1:");
      assertThat(Path.of(endpoints.get("ca_cert").asText())).exists();

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(admin.resolve("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
      assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge", "portcullis_storage_pool");

      MainTest.Run status = MainTest.run("status", "--data-dir", dataDir.toString(), "--json");
      assertThat(status.exitCode()).isZero();
      assertThat(JSON.readTree(status.out()).get("ready").asBoolean()).isTrue();

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isZero();
      pump.join();
      assertThat(endpointsFile).doesNotExist();
    } finally {
      server.destroyForcibly();
      pump.join(Duration.ofSeconds(10));
      System.out.println("---- serve --demo\n" + output);
    }
    assertNoSecrets(output.toString(), dataDir);
  }
}
