package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the server's admin API with the admin token ({@code Authorization: Bearer}). Answers are
 * JSON; a failure becomes a {@link CliException} naming the endpoint, the status and the server's
 * message, never the token.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI adminUrl;
  private final String adminToken;
  private final HttpClient http;

  AdminClient(URI adminUrl, String adminToken) {
    this.adminUrl = adminUrl;
    this.adminToken = adminToken;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  JsonNode get(String pathAndQuery) {
    return send(request(pathAndQuery).GET().build());
  }

  JsonNode post(String path, JsonNode body) {
    return send(request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build());
  }

  /** POSTs {@code body} as it is ({@code application/json}: bytes that must reach the server unchanged). */
  JsonNode postBytes(String path, byte[] body) {
    return send(request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build());
  }

  /**
   * Downloads a file (e.g. {@code application/zip}) into {@code target}; a non-2xx answer is a {@link CliException}
   * with the server's JSON error message, as for {@link #get}.
   */
  void download(String pathAndQuery, String accept, java.nio.file.Path target) {
    HttpRequest request = request(pathAndQuery).setHeader("Accept", accept + ", application/json").GET().build();
    URI uri = request.uri();
    String where = "GET " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    HttpResponse<java.io.InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() == 200) {
        try (java.io.InputStream in = response.body()) {
          java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return;
      }
      byte[] body;
      try (java.io.InputStream in = response.body()) {
        body = in.readNBytes(64 * 1024);
      }
      checked(response.statusCode(), new String(body, StandardCharsets.UTF_8), where);
      throw new CliException(ExitCode.UNAVAILABLE, where + " answered HTTP " + response.statusCode()
          + " instead of the file");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot download from the admin API (" + where + "): "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while calling " + where);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(adminUrl + pathAndQuery))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + adminToken)
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) {
    URI uri = request.uri();
    String where = request.method() + " " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot reach the admin API (" + where + "): "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while calling " + where);
    }
    return checked(response.statusCode(), response.body(), where);
  }

  /** The JSON object of a 2xx answer, or the {@link CliException} for any other. */
  private JsonNode checked(int status, String text, String where) {
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      body = null;
    }
    if (status / 100 == 2 && body != null && body.isObject()) {
      return body;
    }
    String message = body == null ? "" : firstText(body, "error_description", "message", "error");
    String detail = where + " answered HTTP " + status + (message.isEmpty() ? "" : ": " + Printable.of(message));
    if (status == 401) {
      throw new CliException(ExitCode.USAGE, detail + " (the admin token was refused; it is the server's"
          + " DATA_DIR/admin-token: give --data-dir or --admin-token-file)");
    }
    if (status == 403) { // authenticated, and refused for a reason the server names (not an approver, separation of duties)
      String code = body == null ? "" : firstText(body, "error");
      throw new CliException(ExitCode.USAGE, where + " answered HTTP 403: " + (code.isEmpty() || code.equals(message)
          ? "" : Printable.of(code) + ": ") + Printable.of(message));
    }
    if (status / 100 == 2) {
      throw new CliException(ExitCode.UNAVAILABLE, where + " answered HTTP " + status + " without a JSON object");
    }
    throw new CliException(status >= 500 ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
        status == 404 && message.isEmpty() ? detail + " (does this server have the session admin API?)" : detail);
  }

  private static String firstText(JsonNode body, String... fields) {
    for (String field : fields) {
      if (body.path(field).isTextual()) {
        return body.path(field).asText();
      }
    }
    return "";
  }
}
