package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the CI job's OIDC identity token, in this order:
 *
 * <ol>
 *   <li>{@code --token-file FILE};
 *   <li>{@code --token-env NAME}: the variable GitLab fills from {@code id_tokens:} (or any other);
 *   <li>GitHub Actions: {@code GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD} with {@code
 *       Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN}, answered by {@code {"value":"<jwt>"}}
 *       (GitHub, "About security hardening with OpenID Connect", section "Methods for requesting the
 *       OIDC token"; https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect);
 *       the runner sets both variables only for jobs with {@code permissions: id-token: write};
 *   <li>{@code $PORTCULLIS_ID_TOKEN}, the name docs/CI.md gives the GitLab ID token.
 * </ol>
 *
 * <p>The token is checked only for its shape (a compact JWS: three base64url parts), so that a
 * wrong variable fails here with a clear message; the broker verifies everything else. Neither the
 * token nor the request token is ever part of a message.
 */
final class CiIdentityToken {
  static final String DEFAULT_ENV = "PORTCULLIS_ID_TOKEN";
  static final String GITHUB_REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
  static final String GITHUB_REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
  /** Larger than any CI token seen (GitHub's are about 1.5 KB); bounds what we read from a file or a runner. */
  static final int MAX_BYTES = 64 * 1024;

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The token and where it came from, for messages. */
  record Found(String token, String source) {
    @Override
    public String toString() {
      return "Found[" + source + ", sha256:" + Fingerprint.sha256Hex(token).substring(0, 12) + "]";
    }
  }

  private CiIdentityToken() {}

  static Found find(Map<String, String> env, Path tokenFile, String tokenEnv, String audience, HttpClient http,
      Duration timeout) {
    if (tokenFile != null) {
      return new Found(checked(readFile(tokenFile), "the file " + tokenFile), "file " + tokenFile);
    }
    if (tokenEnv != null) {
      String value = env.get(tokenEnv);
      if (value == null || value.isBlank()) {
        throw new CliException(ExitCode.USAGE, "$" + tokenEnv + " (from --token-env) is not set or empty; in GitLab CI,"
            + " define it under the job's id_tokens: with aud: " + audience);
      }
      return new Found(checked(value.strip(), "$" + tokenEnv), "$" + tokenEnv);
    }
    String requestUrl = env.get(GITHUB_REQUEST_URL);
    if (requestUrl != null && !requestUrl.isBlank()) {
      return new Found(fromGitHub(env, requestUrl.strip(), audience, http, timeout),
          "GitHub Actions (audience " + audience + ")");
    }
    String value = env.get(DEFAULT_ENV);
    if (value != null && !value.isBlank()) {
      return new Found(checked(value.strip(), "$" + DEFAULT_ENV), "$" + DEFAULT_ENV);
    }
    if ("true".equals(env.get("GITHUB_ACTIONS"))) {
      throw new CliException(ExitCode.USAGE, "this GitHub Actions job cannot request an OIDC token ($"
          + GITHUB_REQUEST_URL + " is not set): give the workflow or job `permissions: id-token: write`");
    }
    throw new CliException(ExitCode.USAGE, "no CI identity token found: not a GitHub Actions job with"
        + " `permissions: id-token: write` ($" + GITHUB_REQUEST_URL + " is not set), $" + DEFAULT_ENV
        + " is not set (GitLab CI: define it under id_tokens: with aud: " + audience + "), and neither"
        + " --token-env NAME nor --token-file FILE was given");
  }

  /** The request URL with {@code audience} appended as a query parameter. */
  static URI gitHubRequestUri(String requestUrl, String audience) {
    String separator = requestUrl.contains("?") ? "&" : "?";
    try {
      URI uri = URI.create(requestUrl + separator + "audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8));
      if (!uri.isAbsolute() || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "$" + GITHUB_REQUEST_URL + " is not a usable URL: " + e.getMessage());
    }
  }

  private static String fromGitHub(Map<String, String> env, String requestUrl, String audience, HttpClient http,
      Duration timeout) {
    String requestToken = env.get(GITHUB_REQUEST_TOKEN);
    if (requestToken == null || requestToken.isBlank()) {
      throw new CliException(ExitCode.USAGE, "$" + GITHUB_REQUEST_URL + " is set but $" + GITHUB_REQUEST_TOKEN
          + " is not; both come from the runner for jobs with `permissions: id-token: write`");
    }
    URI uri = gitHubRequestUri(requestUrl, audience);
    // What is shown of the URL: scheme, host and path (the query may carry run-specific values).
    String shown = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + requestToken.strip())
        .header("Accept", "application/json")
        .GET()
        .build();
    HttpResponse<InputStream> response;
    String body;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new CliException(ExitCode.UNAVAILABLE, "the GitHub OIDC token endpoint " + shown
              + " answered with more than " + MAX_BYTES + " bytes");
        }
        body = new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot reach the GitHub OIDC token endpoint " + shown + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while requesting the GitHub OIDC token");
    }
    int status = response.statusCode();
    if (status != 200) {
      throw new CliException(status >= 500 ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
          "the GitHub OIDC token endpoint " + shown + " answered HTTP " + status
              + (status == 401 || status == 403 ? " (does the job have `permissions: id-token: write`?)" : ""));
    }
    JsonNode value;
    try {
      value = JSON.readTree(body).path("value");
    } catch (JsonProcessingException e) {
      value = null;
    }
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new CliException(ExitCode.UNAVAILABLE, "the GitHub OIDC token endpoint " + shown
          + " answered 200 without a \"value\"");
    }
    return checked(value.asText().strip(), "the GitHub OIDC token endpoint's answer");
  }

  private static String readFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new CliException(ExitCode.USAGE, "--token-file " + file + ": larger than " + MAX_BYTES
            + " bytes; this is not a CI identity token");
      }
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, "--token-file " + file + ": no such file");
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "--token-file " + file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The token if it is shaped like a compact JWS (RFC 7515 §7.1): three base64url parts separated by
   * dots, the first non-empty. A five-part token is a JWE, refused by name.
   */
  static String checked(String token, String where) {
    if (token.isEmpty()) {
      throw new CliException(ExitCode.USAGE, where + " is empty; expected a CI OIDC identity token (a JWT)");
    }
    if (token.length() > MAX_BYTES) {
      throw new CliException(ExitCode.USAGE, where + " holds " + token.length() + " characters; a CI identity"
          + " token is a JWT of a few KB at most");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length == 5) {
      throw new CliException(ExitCode.USAGE, where + " holds an encrypted JWT (JWE, five parts);"
          + " the broker expects a signed identity token (JWS, three parts)");
    }
    if (parts.length != 3 || parts[0].isEmpty()) {
      throw new CliException(ExitCode.USAGE, where + " does not hold a JWT (expected three base64url parts"
          + " separated by dots, found " + parts.length + (parts.length == 1 ? " part" : " parts") + ")");
    }
    for (String part : parts) {
      if (!BASE64URL.matcher(part).matches()) {
        throw new CliException(ExitCode.USAGE, where + " does not hold a JWT (a part has characters outside"
            + " the base64url alphabet)");
      }
    }
    return token;
  }
}
