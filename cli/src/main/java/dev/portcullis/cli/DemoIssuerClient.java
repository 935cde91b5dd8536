package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Mints identity tokens from the demo's simulated OIDC issuers (orgsim's {@code
 * OidcIssuerSimulator}), CI runs' and people's, over HTTP: {@code POST
 * <origin>/_orgsim/oidc/<github|gitlab|people>/token} with a
 * JSON object of claim overrides ({@code null} removes a claim), answered by {@code {"value":"<jwt>"}}
 * (docs/ORGSIM.md). Production code does not depend on orgsim; this client only speaks its wire format.
 */
final class DemoIssuerClient {
  /** The repository (GitHub) and project (GitLab) whose main-branch runs the demo's policy allows. */
  static final String DEMO_REPOSITORY = "acme/salesforce-app";

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The issuer shapes and their path segments: two CI issuers and the people's identity provider. */
  enum Shape {
    GITHUB("github"),
    GITLAB("gitlab"),
    PEOPLE("people");

    final String segment;

    Shape(String segment) {
      this.segment = segment;
    }

    /** A CI issuer's shape by name ({@code --issuer}). */
    static Shape of(String name) {
      for (Shape shape : List.of(GITHUB, GITLAB)) {
        if (shape.segment.equals(name)) {
          return shape;
        }
      }
      throw new CliException(ExitCode.USAGE, "--issuer " + Printable.quoted(name) + ": expected github or gitlab");
    }
  }

  private final URI origin;
  private final HttpClient http;

  /** {@code origin}: the simulator's scheme, host and port. */
  DemoIssuerClient(URI origin, HttpClient http) {
    this.origin = origin;
    this.http = http;
  }

  /**
   * A claim override from {@code NAME=VALUE}: VALUE as JSON when the whole of it parses as JSON
   * (a number, {@code true}/{@code false}, {@code null}, a quoted string, an array or object),
   * else as the string it is.
   */
  static Claim claim(String argument) {
    int eq = argument.indexOf('=');
    if (eq <= 0) {
      throw new CliException(ExitCode.USAGE, "--claim " + Printable.quoted(argument) + ": expected NAME=VALUE");
    }
    return new Claim(argument.substring(0, eq), value(argument.substring(eq + 1)));
  }

  static JsonNode value(String text) {
    if (text.isBlank()) {
      return TextNode.valueOf(text);
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(text);
    }
  }

  record Claim(String name, JsonNode value) {}

  /** The audience {@code portcullis login} requests by default, and the one GitLab jobs name in {@code id_tokens:}. */
  static final String AUDIENCE = "portcullis";

  /** Overrides for a run of {@link #DEMO_REPOSITORY} on {@code branch}, in the shape's own claims. */
  static ObjectNode run(Shape shape, String branch) {
    ObjectNode claims = JSON.createObjectNode();
    claims.put("aud", AUDIENCE);
    switch (shape) {
      case GITHUB -> {
        claims.put("repository", DEMO_REPOSITORY);
        claims.put("repository_owner", DEMO_REPOSITORY.substring(0, DEMO_REPOSITORY.indexOf('/')));
        claims.put("ref", "refs/heads/" + branch);
        claims.put("ref_type", "branch");
        // listed in GitHub's claims_supported (shared/reference/zt-anchors.md); deploy policy reads it as git.protected
        claims.put("ref_protected", branch.equals("main") ? "true" : "false");
        claims.put("sub", "repo:" + DEMO_REPOSITORY + ":ref:refs/heads/" + branch);
      }
      case GITLAB -> {
        claims.put("project_path", DEMO_REPOSITORY);
        claims.put("namespace_path", DEMO_REPOSITORY.substring(0, DEMO_REPOSITORY.indexOf('/')));
        claims.put("ref", branch);
        claims.put("ref_type", "branch");
        claims.put("ref_path", "refs/heads/" + branch);
        claims.put("ref_protected", branch.equals("main") ? "true" : "false");
        claims.put("sub", "project_path:" + DEMO_REPOSITORY + ":ref_type:branch:ref:" + branch);
      }
      case PEOPLE -> throw new IllegalArgumentException("a person's token is no CI run");
    }
    return claims;
  }

  /**
   * Overrides for the ID token of the person {@code user}: {@code sub} and {@code preferred_username}
   * (what {@code identity.approvers} lists), {@code name}, and {@code email} (the user itself when it
   * is an address, else {@code USER@acme.example}).
   */
  static ObjectNode person(String user) {
    ObjectNode claims = JSON.createObjectNode();
    claims.put("aud", AUDIENCE);
    claims.put("sub", user);
    claims.put("preferred_username", user);
    claims.put("name", user);
    claims.put("email", user.contains("@") ? user : user + "@acme.example");
    return claims;
  }

  /** Mints a token with these overrides on top of the issuer's defaults. */
  String mint(Shape shape, ObjectNode overrides) {
    URI uri = origin.resolve("/_orgsim/oidc/" + shape.segment + "/token");
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(overrides.toString(), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot reach the demo's OIDC issuer at " + uri + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + " (is `portcullis demo` running with this --data-dir?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while minting a token at " + uri);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      body = null;
    }
    if (response.statusCode() != 200 || body == null || !body.path("value").isTextual()) {
      String detail = body != null && body.path("error").isTextual() ? ": " + Printable.of(body.path("error").asText())
          : body != null && body.path("message").isTextual() ? ": " + Printable.of(body.path("message").asText()) : "";
      throw new CliException(response.statusCode() == 400 ? ExitCode.USAGE : ExitCode.UNAVAILABLE,
          "the demo's OIDC issuer at " + uri + " answered HTTP " + response.statusCode() + detail);
    }
    return body.path("value").asText();
  }

  /** The origin ({@code scheme://host:port}) of an issuer URL such as {@code http://127.0.0.1:7600/github}. */
  static URI origin(URI issuer) {
    return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority());
  }

  static List<String> shapes() {
    return List.of(Shape.GITHUB.segment, Shape.GITLAB.segment);
  }
}
