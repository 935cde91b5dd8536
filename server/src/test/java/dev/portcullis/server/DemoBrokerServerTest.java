package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.Authentication;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.demo.DemoBootstrap;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's token broker end to end with the real org simulator (found through the SPI, as {@code
 * serve --demo} finds it), a real store and the production JWT bearer token source: a pipeline run
 * from main gets a session on prod over the demo's TLS gateway, a feature branch may not deploy
 * there, and a restart on other ports keeps the configuration valid.
 */
class DemoBrokerServerTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  Path data;
  PortcullisServer server;
  HttpClient tls;

  static DemoBootstrap.Options freePorts() {
    return new DemoBootstrap.Options("127.0.0.1", 0, 0, 0, 0,
        () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
  }

  @BeforeEach
  void start() throws Exception {
    data = dir.resolve("data");
    server = PortcullisServer.startDemo(data, Map.of(), freePorts(), OptionalInt.empty());
    tls = trusting(data.resolve("demo/ca.pem"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A client that trusts the demo CA alone: the gateway's certificate must chain to it and name 127.0.0.1. */
  static HttpClient trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry("demo-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
  }

  JsonNode endpoints() throws Exception {
    return json.readTree(Files.readString(server.endpointsFile()));
  }

  String mint(String shape, Map<String, Object> claims) throws Exception {
    URI issuer = URI.create(endpoints().get("oidc_issuers").get(shape).asText());
    HttpResponse<String> response = plain.send(HttpRequest.newBuilder(
            issuer.resolve("/_orgsim/oidc/" + shape + "/token")).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(claims))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("value").asText();
  }

  HttpResponse<String> exchange(String token, String org, String scope) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    form.put("subject_token", token);
    form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    form.put("audience", org);
    form.put("scope", scope);
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return tls.send(HttpRequest.newBuilder(URI.create(endpoints().get("token_url").asText())).timeout(TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String integrationUserOf(JsonNode issued) {
    Authentication authentication = server.broker().orElseThrow().broker().authenticate(issued.get("access_token").asText());
    assertThat(authentication).isInstanceOf(Authentication.Active.class);
    return ((Authentication.Active) authentication).session().integrationUser();
  }

  @Test
  void endpointsJsonNamesTheTlsTokenEndpointTheIssuersAndTheCa() throws Exception {
    JsonNode endpoints = endpoints();
    assertThat(endpoints.get("token_url").asText()).isEqualTo(server.gatewayUrl().orElseThrow() + "/oauth2/token")
        .startsWith("https://127.0.0.1:");
    assertThat(endpoints.get("oidc_issuers").get("github").asText()).matches("http://127\\.0\\.0\\.1:\\d+/github");
    assertThat(endpoints.get("oidc_issuers").get("gitlab").asText()).matches("http://127\\.0\\.0\\.1:\\d+/gitlab");
    assertThat(endpoints.get("ca_cert").asText()).isEqualTo(data.resolve("demo/ca.pem").toAbsolutePath().toString());
  }

  @Test
  void aRunFromMainGetsAReadSessionOnProductionActingAsTheReader() throws Exception {
    HttpResponse<String> response = exchange(mint("github", Map.of()), "prod", "api:read");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode issued = json.readTree(response.body());
    assertThat(issued.get("scope").asText()).isEqualTo("api:read");
    assertThat(issued.get("expires_in").asLong()).isBetween(1L, 900L);
    assertThat(issued.get("access_token").asText()).startsWith("00DDE0000000PRD");
    assertThat(integrationUserOf(issued)).isEqualTo("reader@prod.demo.portcullis.dev");
  }

  @Test
  void aRunFromMainMayDeployToProductionActingAsTheDeployer() throws Exception {
    HttpResponse<String> response = exchange(mint("gitlab", Map.of()), "prod", "metadata:deploy");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(integrationUserOf(json.readTree(response.body()))).isEqualTo("deployer@prod.demo.portcullis.dev");
  }

  @Test
  void aFeatureBranchMayNotDeployToProductionAndIsToldWhy() throws Exception {
    String token = mint("github", Map.of("ref", "refs/heads/feature/quick-fix",
        "sub", "repo:acme/salesforce-app:ref:refs/heads/feature/quick-fix"));
    HttpResponse<String> response = exchange(token, "prod", "metadata:deploy");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("access_denied");
    assertThat(body.get("error_description").asText()).contains("protected branch");
    assertThat(body.get("decision_id").asText()).startsWith("dec_");
  }

  @Test
  void aRestartOnOtherPortsKeepsTheConfigurationValid() throws Exception {
    String github = endpoints().get("oidc_issuers").get("github").asText();
    String gitlab = endpoints().get("oidc_issuers").get("gitlab").asText();
    server.close();
    // As if the simulator had run on other ports before: the next start must patch every URL back.
    Path configFile = data.resolve(DemoBootstrap.CONFIG_FILE);
    Files.writeString(configFile, Files.readString(configFile)
        .replace(github, "http://127.0.0.1:1/github").replace(gitlab, "http://127.0.0.1:1/gitlab"));
    server = PortcullisServer.startDemo(data, Map.of(), freePorts(), OptionalInt.empty());

    String now = endpoints().get("oidc_issuers").get("github").asText();
    assertThat(Files.readString(configFile)).contains("issuer: " + now + "\n", now + "/.well-known/jwks")
        .doesNotContain("127.0.0.1:1/");
    HttpResponse<String> response = exchange(mint("github", Map.of()), "prod", "api:read");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("access_token").asText()).startsWith("00DDE0000000PRD");
  }
}
