package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.ClientCertificateVerifier;
import dev.portcullis.identity.broker.Authentication;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates as token-exchange subjects on the gateway's TLS listener (RFC 8705): the
 * session is bound to the certificate's thumbprint; untrusted chains, certificates without the
 * clientAuth EKU, and connections without a certificate get their own errors.
 */
class MtlsTokenExchangeTest {
  static final String FORM = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&audience=prod&scope=api%3Aread";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  TestPki.Issued serverCa;
  TestPki.Issued clientCa;
  PortcullisServer server;

  @BeforeEach
  void start() throws Exception {
    serverCa = TestPki.ca("Gateway Test CA");
    TestPki.Issued tls = TestPki.server(serverCa);
    clientCa = TestPki.ca("CI Client CA");
    TestFiles.write(dir.resolve("certs/server.pem"), TestFiles.pem("CERTIFICATE", tls.certificate().getEncoded()));
    TestFiles.write(dir.resolve("certs/server-key.pem"), TestFiles.pem("PRIVATE KEY", tls.keys().getPrivate().getEncoded()));
    TestFiles.write(dir.resolve("certs/ci-ca.pem"), TestFiles.pem("CERTIFICATE", clientCa.certificate().getEncoded()));
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
          tls: { certificate: certs/server.pem, private_key: certs/server-key.pem }
        identity:
          mtls:
            certificate_authorities: [certs/ci-ca.pem]
            identity_from: san_uri
            allowed_prefixes: ["spiffe://acme.example/ci/"]
        """ + BrokerTestConfig.prodOrgWithReader(BrokerTestConfig.PROD_ID)), Map.of());
    TokenExchangeServerTest.FakeSalesforce salesforce = new TokenExchangeServerTest.FakeSalesforce();
    server = new PortcullisServer.Builder(config, dir.resolve("data")).salesforceTokens(c -> salesforce).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<String> post(SSLContext context, String form) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build()) {
      return http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token")).timeout(TIMEOUT)
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
          .build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aTrustedClientCertificateGetsASessionBoundToIt() throws Exception {
    TestPki.Issued client = TestPki.client(clientCa, "spiffe://acme.example/ci/deployer", false);
    assertThat(server.gatewayUrl().orElseThrow().getScheme()).isEqualTo("https");

    HttpResponse<String> response = post(TestPki.clientContext(serverCa, client), FORM);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("instance_url").asText()).startsWith("https://127.0.0.1:");
    Authentication found = server.broker().orElseThrow().broker().authenticate(body.get("access_token").asText());
    assertThat(found).isInstanceOfSatisfying(Authentication.Active.class, active -> {
      assertThat(active.session().principal().kind()).isEqualTo("mtls");
      assertThat(active.session().principal().subject()).isEqualTo("spiffe://acme.example/ci/deployer");
      assertThat(active.session().certThumbprint()).isEqualTo(ClientCertificateVerifier.thumbprint(client.certificate()));
    });
  }

  @Test
  void untrustedOrUnfitCertificatesAndMissingSubjectsAreRefused() throws Exception {
    // a forged CA with the trusted CA's name: the client sends its certificate, the chain does not verify
    TestPki.Issued stranger = TestPki.client(TestPki.ca("CI Client CA"), "spiffe://acme.example/ci/x", false);
    HttpResponse<String> untrusted = post(TestPki.clientContext(serverCa, stranger), FORM);
    assertThat(untrusted.statusCode()).isEqualTo(400);
    assertThat(json.readTree(untrusted.body()).get("error_code").asText()).isEqualTo("CERT_CHAIN_UNTRUSTED");

    TestPki.Issued serverOnly = TestPki.client(clientCa, "spiffe://acme.example/ci/x", true);
    HttpResponse<String> noClientAuth = post(TestPki.clientContext(serverCa, serverOnly), FORM);
    assertThat(json.readTree(noClientAuth.body()).get("error_code").asText()).isEqualTo("CERT_NO_CLIENT_AUTH");

    TestPki.Issued outside = TestPki.client(clientCa, "spiffe://evil.example/ci/x", false);
    HttpResponse<String> wrongPrefix = post(TestPki.clientContext(serverCa, outside), FORM);
    assertThat(json.readTree(wrongPrefix.body()).get("error_code").asText()).isEqualTo("CERT_NO_SAN_IDENTITY");

    HttpResponse<String> none = post(TestPki.clientContext(serverCa, null), FORM);
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(json.readTree(none.body()).get("error_description").asText())
        .contains("presented no client certificate");

    HttpResponse<String> oidc = post(TestPki.clientContext(serverCa, null), FORM
        + "&subject_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token");
    assertThat(json.readTree(oidc.body()).get("error").asText()).isEqualTo("invalid_grant");
    assertThat(json.readTree(oidc.body()).get("error_code").asText()).isEqualTo("UNTRUSTED_ISSUER");
  }

  @Test
  void http2IsNegotiatedOnTheTlsListener() throws Exception {
    TestPki.Issued client = TestPki.client(clientCa, "spiffe://acme.example/ci/deployer", false);
    try (HttpClient http = HttpClient.newBuilder().sslContext(TestPki.clientContext(serverCa, client))
        .version(HttpClient.Version.HTTP_2).build()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
              .resolve("/oauth2/token")).timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(FORM)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }
}
