package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.config.TestFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running server: it stops gracefully, removes endpoints.json and exits 0. */
class GracefulExitIT {
  @TempDir Path dir;

  @Test
  void sigtermStopsGracefullyAndExitsZero() throws Exception {
    Path config = TestFiles.write(dir.resolve("portcullis.yaml"), "server: { admin: { port: 0 }, shutdown_grace: 5s }\n");
    Path data = dir.resolve("data");
    String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
        SignalTestMain.class.getName(), config.toString(), data.toString())
        .redirectErrorStream(true)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      URI admin = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          admin = URI.create(line.substring("READY ".length()).trim());
          break;
        }
      }
      assertThat(admin).as("the child printed its admin URL").isNotNull();
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(admin.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(data.resolve("endpoints.json")).exists();

      process.destroy(); // SIGTERM on POSIX
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      assertThat(Files.exists(data.resolve("endpoints.json"))).isFalse();
    } finally {
      process.destroyForcibly();
    }
  }
}
