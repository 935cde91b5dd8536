package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Asks a running server whether it is alive and ready. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show whether a running server is alive and ready.",
    footer = {
      "",
      "Examples:",
      "  portcullis status --data-dir ./data",
      "  portcullis status --url http://127.0.0.1:7400 --json",
      "",
      "Exit code 0 when ready, 4 when the server is unreachable or not ready."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ServerLocation location;

  @Option(names = "--json", description = "Print JSON for machines.")
  boolean json;

  @Override
  public Integer call() {
    URI admin = location.adminUrl();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ObjectMapper mapper = new ObjectMapper();
    try {
      HttpResponse<String> live = get(http, admin.resolve("/healthz"));
      HttpResponse<String> ready = get(http, admin.resolve("/readyz"));
      JsonNode readiness = mapper.readTree(ready.body());
      boolean isReady = ready.statusCode() == 200;
      if (json) {
        ObjectNode out = mapper.createObjectNode();
        out.put("admin_url", admin.toString());
        out.put("alive", live.statusCode() == 200);
        out.put("ready", isReady);
        out.set("readiness", readiness);
        spec.commandLine().getOut().println(out.toPrettyString());
      } else {
        var out = spec.commandLine().getOut();
        out.println("server   " + admin);
        out.println("alive    " + (live.statusCode() == 200 ? "yes" : "no (HTTP " + live.statusCode() + ")"));
        out.println("ready    " + (isReady ? "yes" : "no"));
        for (JsonNode check : readiness.path("checks")) {
          out.println("  " + check.path("name").asText() + ": " + (check.path("ready").asBoolean() ? "ok" : "FAILING")
              + " (" + check.path("detail").asText() + ")");
        }
      }
      return isReady ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
    } catch (ConnectException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot connect to " + admin + ": connection refused");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot reach " + admin + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
    }
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
