package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The client half of the broker's token exchange: an RFC 8693 request to {@code POST …/oauth2/token}
 * with the CI job's OIDC identity token as the subject, and the answer read as a {@link Session} or
 * an RFC 6749 §5.2 error.
 *
 * <p>The subject token and the issued access token are secrets: neither appears in an exception
 * message, a {@code toString()} or a log line; {@link Session#toString()} shows a fingerprint.
 */
final class TokenExchangeClient {
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

  /** RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;

  TokenExchangeClient(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /** What the broker answered: a session, or a refusal with its OAuth error. */
  sealed interface Outcome {
    /** {@code 200}: the session's credentials. */
    record Issued(Session session) implements Outcome {}

    /** An RFC 6749 error response (or a non-OAuth failure, as {@code server_error}). */
    record Refused(int status, OAuthError error) implements Outcome {}
  }

  /** A Portcullis session as the token endpoint issues it. */
  record Session(
      String accessToken,
      String tokenType,
      String issuedTokenType,
      long expiresInSeconds,
      List<String> scopes,
      URI instanceUrl,
      String sessionId) {
    /** Never the token itself: its org-id prefix and a fingerprint. */
    @Override
    public String toString() {
      return "Session[" + sessionId + ", " + DemoCommand.redacted(accessToken) + ", scopes " + scopes
          + ", expires in " + expiresInSeconds + " s, instance " + instanceUrl + "]";
    }
  }

  /**
   * An error response: {@code error} and {@code error_description} (RFC 6749 §5.2), the policy
   * {@code decision_id} when policy decided, and the identity {@code error_code} when the subject
   * token failed verification.
   */
  record OAuthError(String error, String description, String decisionId, String errorCode) {
    /** The exit code of CONVENTIONS.md this error maps to. */
    ExitCode exitCode(int status) {
      return switch (error) {
        case "access_denied" -> ExitCode.DENIED;
        case "invalid_grant" -> ExitCode.VERIFICATION_FAILED;
        case "invalid_request", "invalid_target", "invalid_scope", "unsupported_grant_type", "invalid_client",
            "unauthorized_client" -> ExitCode.USAGE;
        default -> status >= 500 || status == 0 ? ExitCode.UNAVAILABLE : ExitCode.USAGE;
      };
    }

    /** {@code access_denied: reason (decision dec_…; identity error TOKEN_EXPIRED)}. */
    String describe() {
      StringBuilder text = new StringBuilder(error);
      if (!description.isEmpty()) {
        text.append(": ").append(description);
      }
      List<String> notes = new ArrayList<>();
      if (!decisionId.isEmpty()) {
        notes.add("decision " + decisionId);
      }
      if (!errorCode.isEmpty()) {
        notes.add("identity error " + errorCode);
      }
      if (!notes.isEmpty()) {
        text.append(" (").append(String.join("; ", notes)).append(')');
      }
      return text.toString();
    }
  }

  /**
   * Scopes as one RFC 6749 {@code scope} value. Each argument may itself hold several
   * space-separated scopes; duplicates are dropped, order kept.
   *
   * @throws CliException (usage) for no scope or a character RFC 6749 §3.3 does not allow
   */
  static List<String> scopes(List<String> arguments) {
    List<String> scopes = new ArrayList<>();
    for (String argument : arguments) {
      for (String scope : argument.trim().split(" +")) {
        if (scope.isEmpty()) {
          continue;
        }
        if (!SCOPE_TOKEN.matcher(scope).matches()) {
          throw new CliException(ExitCode.USAGE, "--scope " + Printable.quoted(scope)
              + ": a scope is printable ASCII without spaces, '\"' or '\\' (RFC 6749 §3.3)");
        }
        if (!scopes.contains(scope)) {
          scopes.add(scope);
        }
      }
    }
    if (scopes.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "give at least one --scope (api:read, api:write, metadata:deploy, "
          + "metadata:retrieve, tooling, bulk)");
    }
    return scopes;
  }

  /** The form body of the exchange, {@code application/x-www-form-urlencoded}, fields in contract order. */
  static String form(String subjectToken, String org, List<String> scopes) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("grant_type", GRANT_TYPE);
    fields.put("subject_token", subjectToken);
    fields.put("subject_token_type", ID_TOKEN_TYPE);
    fields.put("audience", org);
    fields.put("scope", String.join(" ", scopes));
    fields.put("requested_token_type", ACCESS_TOKEN_TYPE);
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /**
   * Exchanges {@code subjectToken} at {@code tokenUrl}.
   *
   * @throws CliException (unavailable) when the endpoint cannot be reached, or answers {@code 200}
   *     with something that is not a usable session
   */
  Outcome exchange(URI tokenUrl, String subjectToken, String org, List<String> scopes) {
    HttpRequest request = HttpRequest.newBuilder(tokenUrl)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form(subjectToken, org, scopes), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot reach the token endpoint " + tokenUrl + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while calling " + tokenUrl);
    }
    return read(tokenUrl, response.statusCode(), response.body());
  }

  /** Reads a token endpoint answer; package-private for the property tests. */
  static Outcome read(URI tokenUrl, int status, String body) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      json = null;
    }
    if (status == 200) {
      if (json == null || !json.isObject()) {
        throw malformed(tokenUrl, "answered 200 with a body that is not a JSON object");
      }
      return new Outcome.Issued(session(tokenUrl, json));
    }
    if (json != null && json.path("error").isTextual() && !json.path("error").asText().isBlank()) {
      return new Outcome.Refused(status, new OAuthError(
          Printable.of(json.path("error").asText()),
          Printable.of(json.path("error_description").asText("")),
          Printable.of(json.path("decision_id").asText("")),
          Printable.of(json.path("error_code").asText(""))));
    }
    String snippet = body == null ? "" : Printable.of(body.length() > 200 ? body.substring(0, 200) + "…" : body);
    return new Outcome.Refused(status, new OAuthError("server_error",
        "HTTP " + status + " from " + tokenUrl + (snippet.isBlank() ? "" : ": " + snippet), "", ""));
  }

  private static Session session(URI tokenUrl, JsonNode json) {
    String accessToken = text(tokenUrl, json, "access_token");
    String tokenType = text(tokenUrl, json, "token_type");
    if (!tokenType.equalsIgnoreCase("Bearer")) {
      throw malformed(tokenUrl, "issued a token of type " + Printable.quoted(tokenType) + "; expected Bearer");
    }
    if (!accessToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw malformed(tokenUrl, "issued an access token with characters outside printable ASCII");
    }
    JsonNode expiresIn = json.get("expires_in");
    if (expiresIn == null || !expiresIn.canConvertToLong() || expiresIn.asLong() <= 0) {
      throw malformed(tokenUrl, "answered without a positive \"expires_in\"");
    }
    URI instanceUrl;
    try {
      instanceUrl = URI.create(text(tokenUrl, json, "instance_url"));
    } catch (IllegalArgumentException e) {
      throw malformed(tokenUrl, "answered with an \"instance_url\" that is not a URL");
    }
    if (!instanceUrl.isAbsolute() || !("https".equals(instanceUrl.getScheme()) || "http".equals(instanceUrl.getScheme()))) {
      throw malformed(tokenUrl, "answered with an \"instance_url\" that is not an http(s) URL: " + instanceUrl);
    }
    String sessionId = text(tokenUrl, json, "session_id");
    if (!sessionId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw malformed(tokenUrl, "answered with a \"session_id\" outside printable ASCII");
    }
    String scope = json.path("scope").asText("");
    List<String> scopes = Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).map(Printable::of).toList();
    return new Session(accessToken, tokenType, Printable.of(json.path("issued_token_type").asText(ACCESS_TOKEN_TYPE)),
        expiresIn.asLong(), scopes, instanceUrl, sessionId);
  }

  private static String text(URI tokenUrl, JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw malformed(tokenUrl, "answered 200 without \"" + field + "\"");
    }
    return value.asText();
  }

  private static CliException malformed(URI tokenUrl, String what) {
    return new CliException(ExitCode.UNAVAILABLE, "the token endpoint " + tokenUrl + " " + what);
  }
}
