package dev.portcullis.salesforce.oauth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.salesforce.FakeSalesforce;
import dev.portcullis.salesforce.FakeSalesforce.RecordedRequest;
import dev.portcullis.salesforce.FakeSalesforce.Reply;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Against a fake that answers like Salesforce's token endpoint (Salesforce Help, "OAuth 2.0 JWT
 * Bearer Flow for Server-to-Server Integration" and "OAuth 2.0 Authorization Errors"; RFC 6749
 * §5.2 error bodies).
 */
class JwtBearerTokenClientTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ORG_ID = "00D5g000004ZCmPEAW";
  private static final String USER_ID = "0055g00000C2JXeAAN";
  private static final String TOKEN = "00D5g000004ZCmP!AQ4AQFakeOpaqueTokenValue.abc123";
  private static final String ASSERTION = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";

  private final FakeSalesforce salesforce = FakeSalesforce.start();
  private final JwtBearerTokenClient client = new JwtBearerTokenClient(HTTP, Duration.ofSeconds(10));

  @AfterEach
  void stop() {
    salesforce.close();
  }

  @AfterAll
  static void closeClient() {
    HTTP.close();
  }

  /** The success example of the JWT bearer help page, with issued_at and signature as other flows send. */
  private String tokenResponse() {
    return """
        {"access_token":"%s",
         "scope":"web openid api id",
         "instance_url":"https://acme.my.salesforce.com",
         "id":"https://login.salesforce.com/id/%s/%s",
         "token_type":"Bearer",
         "issued_at":"1764331200123",
         "signature":"bm90IGNoZWNrZWQ="}""".formatted(TOKEN, ORG_ID, USER_ID);
  }

  @Test
  void exchangesTheAssertionForAToken() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse()));

    AccessToken token = client.requestToken(salesforce.url(), ASSERTION);

    assertThat(token.accessToken()).isEqualTo(TOKEN);
    assertThat(token.instanceUrl()).isEqualTo(URI.create("https://acme.my.salesforce.com"));
    assertThat(token.identityUrl()).isEqualTo(URI.create("https://login.salesforce.com/id/" + ORG_ID + "/" + USER_ID));
    assertThat(token.orgId()).isEqualTo(ORG_ID);
    assertThat(token.userId()).isEqualTo(USER_ID);
    assertThat(token.tokenType()).isEqualTo("Bearer");
    assertThat(token.scope()).isEqualTo("web openid api id");
    assertThat(token.issuedAt()).isEqualTo(Instant.ofEpochMilli(1764331200123L));

    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/services/oauth2/token");
    assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(request.header("Authorization")).isNull();
    assertThat(form(request.body())).containsExactly(
        Map.entry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), Map.entry("assertion", ASSERTION));
  }

  @Test
  void toStringRedactsTheToken() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse()));

    AccessToken token = client.requestToken(salesforce.url(), ASSERTION);

    assertThat(token.toString()).doesNotContain(TOKEN).doesNotContain("AQ4AQ").contains("accessToken=(redacted)")
        .contains(ORG_ID).contains(USER_ID);
  }

  @Test
  void optionalFieldsMayBeAbsent() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, """
        {"access_token":"%s","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/%s/%s"}"""
        .formatted(TOKEN, ORG_ID, USER_ID)));

    AccessToken token = client.requestToken(salesforce.url(), ASSERTION);

    assertThat(token.tokenType()).isNull();
    assertThat(token.scope()).isNull();
    assertThat(token.issuedAt()).isNull();
  }

  @Test
  void loginUrlWithTrailingSlashOrPath() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse()));

    client.requestToken(URI.create(salesforce.url() + "/"), ASSERTION);

    assertThat(salesforce.onlyRequest().path()).isEqualTo("/services/oauth2/token");
  }

  @Test
  void signsAFreshAssertionForTheLoginUrl() throws Exception {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse()));
    var keys = TestKeys.rsa2048();
    JwtBearerAssertion assertion = new JwtBearerAssertion(
        "3MVG9consumer", "integration@acme.example", salesforce.url().toString(), keys.getPrivate(), Clock.systemUTC());

    client.requestToken(assertion);

    SignedJWT sent = SignedJWT.parse(form(salesforce.onlyRequest().body()).get("assertion"));
    assertThat(sent.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
    assertThat(sent.getJWTClaimsSet().getAudience()).containsExactly(salesforce.url().toString());
    assertThat(sent.getJWTClaimsSet().getIssuer()).isEqualTo("3MVG9consumer");
  }

  /** Each documented error of the token endpoint, and what a broken endpoint might send. */
  static Stream<Arguments> tokenErrors() {
    return Stream.of(
        oauthError("invalid_grant", "user hasn't approved this consumer", SalesforceErrorCode.OAUTH_INVALID_GRANT),
        oauthError("invalid_grant", "invalid assertion", SalesforceErrorCode.OAUTH_INVALID_GRANT),
        oauthError("invalid_grant", "expired authorization code", SalesforceErrorCode.OAUTH_INVALID_GRANT),
        oauthError("invalid_grant", "audience is invalid", SalesforceErrorCode.OAUTH_INVALID_GRANT),
        oauthError("invalid_grant", "user is not admin approved to access this app", SalesforceErrorCode.OAUTH_INVALID_GRANT),
        oauthError("invalid_app_access", "user is not admin approved to access this app", SalesforceErrorCode.OAUTH_INVALID_APP_ACCESS),
        oauthError("invalid_client_id", "client identifier invalid", SalesforceErrorCode.OAUTH_INVALID_CLIENT_ID),
        oauthError("invalid_client", "invalid client credentials", SalesforceErrorCode.OAUTH_INVALID_CLIENT),
        oauthError("invalid_client_credentials", "client secret invalid", SalesforceErrorCode.OAUTH_INVALID_CLIENT),
        oauthError("unsupported_grant_type", "grant type not supported", SalesforceErrorCode.OAUTH_UNSUPPORTED_GRANT_TYPE),
        oauthError("invalid_request", "missing required parameter assertion", SalesforceErrorCode.OAUTH_INVALID_REQUEST),
        oauthError("inactive_user", "user is inactive", SalesforceErrorCode.OAUTH_INACTIVE_USER),
        oauthError("inactive_org", "organization is locked", SalesforceErrorCode.OAUTH_INACTIVE_ORG),
        oauthError("rate_limit_exceeded", "too many requests", SalesforceErrorCode.OAUTH_RATE_LIMIT_EXCEEDED),
        oauthError("something_new", "a future error", SalesforceErrorCode.OAUTH_OTHER));
  }

  private static Arguments oauthError(String error, String description, SalesforceErrorCode code) {
    return Arguments.of(error + ": " + description, error, description, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenErrors")
  void mapsEachOAuthError(String name, String error, String description, SalesforceErrorCode code) {
    salesforce.on("POST", "/services/oauth2/token",
        r -> Reply.json(400, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}"));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.httpStatus()).hasValue(400);
    assertThat(e.errors()).containsExactly(new SalesforceError(error, description, List.of()));
    assertThat(e.getMessage()).isEqualTo(
        error + ": " + description + " (POST " + salesforce.url() + "/services/oauth2/token, HTTP 400)");
    assertThat(e.getMessage()).doesNotContain(ASSERTION);
  }

  @Test
  void errorWithoutDescription() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.OAUTH_INVALID_GRANT);
    assertThat(e.getMessage()).startsWith("invalid_grant (POST ");
  }

  @Test
  void nonJson5xxIsAServerError() {
    salesforce.on("POST", "/services/oauth2/token",
        r -> Reply.text(503, "text/html", "<html><body>Service Unavailable: maintenance</body></html>"));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.SERVER_ERROR);
    assertThat(e.code().isTransient()).isTrue();
    assertThat(e.httpStatus()).hasValue(503);
    assertThat(e.errors()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("Salesforce failed with HTTP 503 and no OAuth error body (POST "
        + salesforce.url() + "/services/oauth2/token, HTTP 503)");
  }

  @Test
  void nonJson4xxIsABadResponse() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.text(404, "text/html", "<html>Not here</html>"));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.httpStatus()).hasValue(404);
  }

  static Stream<Arguments> missingFields() {
    return Stream.of(Arguments.of("access_token"), Arguments.of("instance_url"), Arguments.of("id"));
  }

  @ParameterizedTest(name = "without {0}")
  @MethodSource("missingFields")
  void requiredFieldMissing(String field) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(tokenResponse());
    body.remove(field);
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, body.toString()));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).isEqualTo(
        "token response has no '" + field + "' (POST " + salesforce.url() + "/services/oauth2/token)");
  }

  @Test
  void identityUrlWithoutIds() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse().replace("/id/" + ORG_ID, "/id")));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("token response field 'id' is not an identity URL ending in /id/<orgId>/<userId>");
  }

  @Test
  void nonNumericIssuedAt() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, tokenResponse().replace("1764331200123", "yesterday")));

    assertThat(requestFails().getMessage()).startsWith("token response field 'issued_at' is not epoch milliseconds: yesterday");
  }

  @Test
  void successThatIsNotJson() {
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.text(200, "text/html", "<html>login page</html>"));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("token response is not JSON");
  }

  @Test
  void oversizedBodyIsRefused() {
    String huge = "{\"access_token\":\"" + "x".repeat(1 << 20) + "\"}";
    salesforce.on("POST", "/services/oauth2/token", r -> Reply.json(200, huge));

    SalesforceException e = requestFails();

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).startsWith("response body larger than 1048576 bytes (POST ");
  }

  @Test
  void connectionRefusedIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    SalesforceException e = catchThrowableOfType(SalesforceException.class,
        () -> client.requestToken(URI.create("http://127.0.0.1:" + port), ASSERTION));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.TRANSPORT_UNAVAILABLE);
    assertThat(e.httpStatus()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("cannot connect to Salesforce: connection refused or unreachable (POST http://127.0.0.1:"
        + port + "/services/oauth2/token)");
  }

  @Test
  void slowAnswerTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    salesforce.on("POST", "/services/oauth2/token", r -> {
      release.await(30, TimeUnit.SECONDS);
      return Reply.json(200, tokenResponse());
    });
    JwtBearerTokenClient impatient = new JwtBearerTokenClient(HTTP, Duration.ofMillis(200));
    try {
      SalesforceException e = catchThrowableOfType(SalesforceException.class,
          () -> impatient.requestToken(salesforce.url(), ASSERTION));

      assertThat(e.code()).isEqualTo(SalesforceErrorCode.TRANSPORT_TIMEOUT);
      assertThat(e.getMessage()).startsWith("no response from Salesforce within the request timeout (POST ");
    } finally {
      release.countDown();
    }
  }

  @Test
  void rejectsLoginUrlsThatAreNotPlainHttpUrls() {
    for (String bad : List.of("login.salesforce.com", "ftp://login.salesforce.com", "https://login.salesforce.com?x=1",
        "https://user@login.salesforce.com")) {
      assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> client.requestToken(URI.create(bad), ASSERTION)))
          .as(bad).hasMessageContaining("is not a Salesforce login or instance URL");
    }
  }

  // --- revocation (Salesforce Help, "Revoke OAuth Tokens") ----------------------------------------

  @Test
  void revokesAToken() {
    salesforce.on("POST", "/services/oauth2/revoke", r -> new Reply(200, null, ""));

    client.revoke(salesforce.url(), TOKEN);

    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(form(request.body())).containsExactly(Map.entry("token", TOKEN));
  }

  @Test
  void revokeUnsupportedTokenType() {
    salesforce.on("POST", "/services/oauth2/revoke",
        r -> Reply.json(400, "{\"error\":\"unsupported_token_type\",\"error_description\":\"Token type not supported\"}"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.revoke(salesforce.url(), TOKEN));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.OAUTH_UNSUPPORTED_TOKEN_TYPE);
    assertThat(e.getMessage()).isEqualTo("unsupported_token_type: Token type not supported (POST "
        + salesforce.url() + "/services/oauth2/revoke, HTTP 400)").doesNotContain(TOKEN);
  }

  @Test
  void revokeInvalidToken() {
    salesforce.on("POST", "/services/oauth2/revoke",
        r -> Reply.json(400, "{\"error\":\"invalid_token\",\"error_description\":\"Token was invalid\"}"));

    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> client.revoke(salesforce.url(), TOKEN));

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.OAUTH_INVALID_TOKEN);
    assertThat(e.httpStatus()).hasValue(400);
    assertThat(e.getMessage()).doesNotContain(TOKEN);
  }

  private SalesforceException requestFails() {
    SalesforceException e = catchThrowableOfType(SalesforceException.class,
        () -> client.requestToken(salesforce.url(), ASSERTION));
    assertThat(e).as("requestToken should fail").isNotNull();
    return e;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1), UTF_8));
    }
    return fields;
  }
}
