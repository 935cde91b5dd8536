package dev.portcullis.certs.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches ACME Renewal Information (RFC 9773): reads the directory's {@code renewalInfo} URL, then
 * GETs {@code renewalInfo/<CertID>} (§4.1; unauthenticated). Only used when a directory URL is given.
 */
public final class RenewalInfoClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Duration timeout;
  private final URI renewalInfo;

  private RenewalInfoClient(HttpClient http, Duration timeout, URI renewalInfo) {
    this.http = http;
    this.timeout = timeout;
    this.renewalInfo = renewalInfo;
  }

  /**
   * Reads the ACME directory at {@code directory}. Empty when the directory has no {@code
   * renewalInfo} (the CA does not offer ARI); {@link IOException} when it cannot be read.
   */
  public static Optional<RenewalInfoClient> discover(URI directory, Duration timeout) throws IOException {
    Objects.requireNonNull(directory, "directory");
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    String body = get(http, directory, timeout);
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException("ACME directory " + directory + " is not JSON", e);
    }
    JsonNode url = node == null ? null : node.get("renewalInfo");
    if (url == null || !url.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new RenewalInfoClient(http, timeout, directory.resolve(url.asText())));
  }

  /** The renewal information for {@code certId}; {@link IOException} when unavailable or malformed. */
  public RenewalInfo fetch(String certId) throws IOException {
    String base = renewalInfo.toString();
    URI uri = URI.create(base.endsWith("/") ? base + certId : base + "/" + certId);
    try {
      return RenewalInfo.parse(get(http, uri, timeout));
    } catch (IllegalArgumentException e) {
      throw new IOException(uri + ": " + e.getMessage(), e);
    }
  }

  private static String get(HttpClient http, URI uri, Duration timeout) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }
}
