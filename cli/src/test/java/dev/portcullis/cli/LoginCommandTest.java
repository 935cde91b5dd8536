package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis login} against a loopback fake token endpoint and a fake GitHub Actions token
 * request endpoint: the exact requests, each output format, the exit code of each OAuth error, and
 * that the access token never reaches standard error.
 */
class LoginCommandTest {
  /** A compact JWS shape; the broker, not the CLI, verifies it. */
  static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMifQ.c2lnbmF0dXJl";
  static final String ACCESS_TOKEN = "00D5e000000AbCdEAA!AQ4AQ.secretRandomPart_0123456789abcdefghijklmnopqrstuvwxyz";
  static final String REQUEST_TOKEN = "github-request-token-xyz";

  @TempDir Path dir;
  FakeHttpEndpoint broker;
  FakeHttpEndpoint github;

  @BeforeEach
  void start() throws IOException {
    broker = new FakeHttpEndpoint("/oauth2/token", 200, issued("api:read"));
    github = new FakeHttpEndpoint("/_apis/", 200, "{\"count\":1,\"value\":\"" + JWT + "\"}");
  }

  @AfterEach
  void stop() {
    broker.close();
    github.close();
  }

  static String issued(String scope) {
    return """
        {"access_token":"%s","issued_token_type":"urn:ietf:params:oauth:token-type:access_token",\
        "token_type":"Bearer","expires_in":900,"scope":"%s","instance_url":"http://127.0.0.1:7443",\
        "session_id":"ses_0123abcd"}""".formatted(ACCESS_TOKEN, scope);
  }

  record Run(int exitCode, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
    Run run = new Run(code, out.toString(), err.toString());
    assertThat(run.err()).as("standard error").doesNotContain(ACCESS_TOKEN).doesNotContain(JWT)
        .doesNotContain(REQUEST_TOKEN);
    return run;
  }

  Map<String, String> gitHubEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_ACTIONS", "true");
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", github.base() + "/_apis/idtoken?api-version=2.0");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN);
    return env;
  }

  @Test
  void gitHubActionsTokenIsRequestedForTheAudienceAndExchangedForShellExports() throws Exception {
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base() + "/");

    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request tokenRequest = github.only();
    assertThat(tokenRequest.method()).isEqualTo("GET");
    assertThat(tokenRequest.uri().getPath()).isEqualTo("/_apis/idtoken");
    assertThat(tokenRequest.uri().getRawQuery()).isEqualTo("api-version=2.0&audience=portcullis");
    assertThat(tokenRequest.header("Authorization")).isEqualTo("Bearer " + REQUEST_TOKEN);

    FakeHttpEndpoint.Request exchange = broker.only();
    assertThat(exchange.method()).isEqualTo("POST");
    assertThat(exchange.uri().getPath()).isEqualTo("/oauth2/token");
    assertThat(exchange.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(exchange.header("Authorization")).isNull();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    expected.put("subject_token", JWT);
    expected.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    expected.put("audience", "prod");
    expected.put("scope", "api:read");
    expected.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
    assertThat(exchange.form()).containsExactlyEntriesOf(expected);

    assertThat(run.out()).isEqualTo("""
        export SF_ACCESS_TOKEN='%s'
        export SF_INSTANCE_URL='http://127.0.0.1:7443'
        export PORTCULLIS_SESSION_ID='ses_0123abcd'
        export PORTCULLIS_SESSION_EXPIRES_IN='900'
        """.formatted(ACCESS_TOKEN));
    assertThat(run.err()).contains("session ses_0123abcd on prod with api:read", "expires in 15m 0s");
    assertThat(evaluatedByShell(run.out(), "SF_ACCESS_TOKEN")).isEqualTo(ACCESS_TOKEN);
  }

  @Test
  void severalScopesAndACustomAudience() {
    broker.answer(200, issued("api:read metadata:deploy"), "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "uat", "--scope", "api:read", "--scope", "metadata:deploy api:read",
        "--audience", "https://portcullis.example.com", "--url", broker.base());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(github.only().uri().getRawQuery())
        .isEqualTo("api-version=2.0&audience=https%3A%2F%2Fportcullis.example.com");
    assertThat(broker.only().form()).containsEntry("scope", "api:read metadata:deploy").containsEntry("audience", "uat");
  }

  @Test
  void gitHubEnvFormatMasksTheTokenAndAppendsNameValueLines() throws IOException {
    Path file = dir.resolve("github_env");
    Files.writeString(file, "EARLIER=value");
    Map<String, String> env = gitHubEnv();
    env.put("GITHUB_ENV", file.toString());

    Run run = run(env, "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(), "--format", "github-env");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("::add-mask::" + ACCESS_TOKEN + "\n");
    assertThat(Files.readString(file)).isEqualTo("""
        EARLIER=value
        SF_ACCESS_TOKEN=%s
        SF_INSTANCE_URL=http://127.0.0.1:7443
        PORTCULLIS_SESSION_ID=ses_0123abcd
        PORTCULLIS_SESSION_EXPIRES_IN=900
        """.formatted(ACCESS_TOKEN));
    assertThat(run.err()).contains("are set for the next steps");
  }

  @Test
  void gitHubEnvFormatWithoutGitHubEnvIsAUsageErrorBeforeAnyRequest() {
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(),
        "--format", "github-env");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("$GITHUB_ENV");
    assertThat(broker.requests()).isEmpty();
    assertThat(github.requests()).isEmpty();
  }

  @Test
  void jsonFormat() throws IOException {
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(), "--format", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("access_token").asText()).isEqualTo(ACCESS_TOKEN);
    assertThat(json.get("instance_url").asText()).isEqualTo("http://127.0.0.1:7443");
    assertThat(json.get("session_id").asText()).isEqualTo("ses_0123abcd");
    assertThat(json.get("expires_in").asLong()).isEqualTo(900);
    assertThat(json.get("scope").asText()).isEqualTo("api:read");
    assertThat(json.get("org").asText()).isEqualTo("prod");
  }

  @Test
  void gitLabIdTokenFromTheDefaultVariable() {
    Run run = run(Map.of("PORTCULLIS_ID_TOKEN", JWT + "\n", "GITLAB_CI", "true"),
        "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(broker.only().form()).containsEntry("subject_token", JWT);
  }

  @Test
  void tokenEnvNamesAnotherVariableAndWinsOverGitHub() {
    Map<String, String> env = gitHubEnv();
    env.put("UAT_ID_TOKEN", JWT);
    Run run = run(env, "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(), "--token-env", "UAT_ID_TOKEN");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(github.requests()).isEmpty();
    assertThat(broker.only().form()).containsEntry("subject_token", JWT);
  }

  @Test
  void tokenEnvThatIsNotSetNamesTheVariable() {
    Run run = run(Map.of(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(), "--token-env", "MY_TOKEN");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("$MY_TOKEN", "id_tokens:");
  }

  @Test
  void tokenFile() throws IOException {
    Path file = dir.resolve("token.jwt");
    Files.writeString(file, JWT + "\n");
    Run run = run(Map.of(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(),
        "--token-file", file.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(broker.only().form()).containsEntry("subject_token", JWT);
  }

  @Test
  void somethingThatIsNotAJwtIsRefusedWithoutShowingIt() throws IOException {
    Path file = dir.resolve("token.txt");
    Files.writeString(file, "ghp_notAJwtButAPersonalAccessToken");
    Run run = run(Map.of(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base(),
        "--token-file", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does not hold a JWT").doesNotContain("ghp_");
    assertThat(broker.requests()).isEmpty();
  }

  @Test
  void noTokenAnywhereSaysWhereItLooked() {
    Run run = run(Map.of(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("ACTIONS_ID_TOKEN_REQUEST_URL", "PORTCULLIS_ID_TOKEN", "--token-file", "id-token: write");
  }

  @Test
  void aGitHubJobWithoutIdTokenPermissionIsToldSo() {
    Run run = run(Map.of("GITHUB_ACTIONS", "true"), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("permissions: id-token: write");
  }

  @Test
  void gitHubRefusingTheRequestTokenIsReported() {
    github.answer(403, "{\"message\":\"forbidden\"}", "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("HTTP 403", "id-token: write");
    assertThat(broker.requests()).isEmpty();
  }

  @Test
  void accessDeniedExitsOneWithErrorDescriptionAndDecision() {
    broker.answer(400, """
        {"error":"access_denied","error_description":"production: metadata:deploy only from a protected branch of an allowed repository",\
        "decision_id":"dec_42"}""", "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "metadata:deploy", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("access_denied: production: metadata:deploy only from a protected branch",
        "decision dec_42", "refused a session on prod for metadata:deploy");
  }

  @Test
  void invalidGrantExitsThreeWithTheIdentityErrorCode() {
    broker.answer(400, """
        {"error":"invalid_grant","error_description":"the token expired at 2026-11-28T10:00:00Z","error_code":"TOKEN_EXPIRED"}""",
        "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("invalid_grant: the token expired", "identity error TOKEN_EXPIRED");
  }

  @Test
  void invalidTargetAndInvalidScopeAreUsageErrors() {
    broker.answer(400, "{\"error\":\"invalid_target\",\"error_description\":\"no org 'prdo'\"}", "application/json");
    assertThat(run(gitHubEnv(), "login", "--org", "prdo", "--scope", "api:read", "--url", broker.base()).exitCode())
        .isEqualTo(2);
    broker.answer(400, "{\"error\":\"invalid_scope\",\"error_description\":\"unknown scope 'api:raed'\"}", "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:raed", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("invalid_scope: unknown scope 'api:raed'");
  }

  @Test
  void aServerErrorThatIsNotOAuthIsUnavailable() {
    broker.answer(502, "<html>Bad Gateway</html>", "text/html");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("HTTP 502");
  }

  @Test
  void anUnreachableBrokerIsUnavailable() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", "http://127.0.0.1:" + closed);
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("cannot reach the token endpoint http://127.0.0.1:" + closed + "/oauth2/token");
  }

  @Test
  void aSuccessWithoutAnAccessTokenIsUnavailable() {
    broker.answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":900}", "application/json");
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("without \"access_token\"");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theTokenUrlComesFromEndpointsJsonOrPortcullisUrl() throws IOException {
    Files.writeString(dir.resolve("endpoints.json"),
        "{\"admin_url\":\"http://127.0.0.1:1\",\"token_url\":\"" + broker.base() + "/oauth2/token\"}");
    Run fromDataDir = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read", "--data-dir", dir.toString());
    assertThat(fromDataDir.exitCode()).as(fromDataDir.err()).isZero();

    Map<String, String> env = gitHubEnv();
    env.put("PORTCULLIS_URL", broker.base());
    Run fromEnv = run(env, "login", "--org", "prod", "--scope", "api:read");
    assertThat(fromEnv.exitCode()).as(fromEnv.err()).isZero();
    assertThat(broker.requests()).hasSize(2);
  }

  @Test
  void withoutAGatewayItSaysHowToNameOne() {
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:read");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--url", "PORTCULLIS_URL");
  }

  @Test
  void aScopeWithAForbiddenCharacterIsAUsageError() {
    Run run = run(gitHubEnv(), "login", "--org", "prod", "--scope", "api:\"read", "--url", broker.base());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("RFC 6749");
    assertThat(broker.requests()).isEmpty();
  }

  /** Runs {@code exports} in {@code sh} and prints one variable: what a pipeline's {@code eval} would see. */
  static String evaluatedByShell(String exports, String name) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", "-c", exports + "\nprintf %s \"$" + name + "\""));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
