package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.salesforce.SalesforceId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class OrgSimulatorServiceTest {

  @Test
  void serviceLoaderStartsOrgsThatAcceptJwtLogins() throws Exception {
    OrgSimulatorProvider provider = ServiceLoader.load(OrgSimulatorProvider.class).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(OrgSimulatorService.class);
    TestKeys prodKeys = TestKeys.generate("prod");
    TestKeys sbxKeys = TestKeys.generate("sbx");
    var options = new OrgSimulatorProvider.Options("127.0.0.1", 0, List.of(
        new OrgSimulatorProvider.SimulatedOrg("prod", OrgEnvironment.PRODUCTION, "ci@acme.example", "key-prod", prodKeys.certificate()),
        new OrgSimulatorProvider.SimulatedOrg("uat", OrgEnvironment.SANDBOX, "ci@acme.example.uat", "key-uat", sbxKeys.certificate())),
        null);
    try (OrgSimulatorProvider.OrgSimulator sim = provider.start(options)) {
      assertThat(sim.url("prod")).isNotEqualTo(sim.url("uat"));
      assertThat(sim.orgId("prod")).isNotEqualTo(sim.orgId("uat"));
      assertThat(SalesforceId.isValid(sim.orgId("uat"))).isTrue();
      SimulatorClient client = new SimulatorClient();
      long exp = Instant.now().plusSeconds(60).getEpochSecond();
      var reply = client.token(sim.url("uat"), SimulatorClient.assertion(sbxKeys.keyPair().getPrivate(), "key-uat",
          "ci@acme.example.uat", "https://test.salesforce.com", exp, null));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      assertThat(reply.json().get("instance_url").asText()).isEqualTo(sim.url("uat").toString());
      String token = reply.json().get("access_token").asText();
      assertThat(client.get(sim.url("uat"), "/services/data/v66.0/sobjects/Account/describe", token).status()).isEqualTo(200);
    }
  }

  @Test
  void issuersStartBesideTheOrgsWhichTakeTheirIdsAndAdditionalUsers() throws Exception {
    OrgSimulatorProvider provider = new OrgSimulatorService();
    TestKeys keys = TestKeys.generate("prod");
    var prod = new OrgSimulatorProvider.SimulatedOrg("prod", OrgEnvironment.PRODUCTION, "ci@acme.example", "key-prod",
        keys.certificate(), "00DDE0000000PRD2A2", List.of("reader@acme.example", "deployer@acme.example"));
    var options = new OrgSimulatorProvider.Options("127.0.0.1", 0, List.of(prod), null, 0);
    Map<String, URI> issuers;
    try (OrgSimulatorProvider.OrgSimulator sim = provider.start(options)) {
      assertThat(sim.orgId("prod")).isEqualTo("00DDE0000000PRD2A2");
      issuers = sim.oidcIssuers();
      assertThat(issuers).containsOnlyKeys("github", "gitlab", "people");
      assertThat(issuers.get("people").toString()).matches("http://127\\.0\\.0\\.1:\\d+/people");
      assertThat(issuers.get("github").toString()).matches("http://127\\.0\\.0\\.1:\\d+/github");
      assertThat(issuers.get("gitlab").getPort()).isEqualTo(issuers.get("github").getPort());

      SimulatorClient client = new SimulatorClient();
      long exp = Instant.now().plusSeconds(60).getEpochSecond();
      for (String user : List.of("ci@acme.example", "reader@acme.example", "deployer@acme.example")) {
        var reply = client.token(sim.url("prod"), SimulatorClient.assertion(keys.keyPair().getPrivate(), "key-prod",
            user, "https://login.salesforce.com", exp, null));
        assertThat(reply.status()).as(user + ": " + reply.body()).isEqualTo(200);
      }

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> minted = http.send(HttpRequest.newBuilder(
              issuers.get("github").resolve("/_orgsim/oidc/github/token")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(minted.statusCode()).isEqualTo(200);
      String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(minted.body()).get("value").asText();
      var claims = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet();
      assertThat(claims.getIssuer()).isEqualTo(issuers.get("github").toString());
      assertThat(claims.getAudience()).containsExactly(OrgSimulatorService.AUDIENCE);
    }
    try (java.net.Socket socket = new java.net.Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.connect(
              new java.net.InetSocketAddress("127.0.0.1", issuers.get("github").getPort()), 2000))
          .as("the issuers stop with the orgs").isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void anInstanceUrlIsWhatTheTokenAnswerNamesWhileTheLoginStaysOnTheOrg() throws Exception {
    TestKeys keys = TestKeys.generate("prod");
    URI upstream = URI.create("http://127.0.0.1:18080");
    var prod = new OrgSimulatorProvider.SimulatedOrg("prod", OrgEnvironment.PRODUCTION, "ci@acme.example", "key-prod",
        keys.certificate(), null, List.of(), upstream);
    try (OrgSimulatorProvider.OrgSimulator sim = new OrgSimulatorService().start(
        new OrgSimulatorProvider.Options("127.0.0.1", 0, List.of(prod), null))) {
      var reply = new SimulatorClient().token(sim.url("prod"), SimulatorClient.assertion(keys.keyPair().getPrivate(),
          "key-prod", "ci@acme.example", sim.url("prod").toString(), Instant.now().plusSeconds(60).getEpochSecond(), null));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      assertThat(reply.json().get("instance_url").asText()).isEqualTo("http://127.0.0.1:18080");
      assertThat(reply.json().get("id").asText()).as("the identity URL stays on the login host, as Salesforce's")
          .startsWith(sim.url("prod") + "/id/" + sim.orgId("prod") + "/005");
    }
  }

  @Test
  void anInstanceUrlWithAPathIsRefused() {
    for (String bad : List.of("http://127.0.0.1:1/services", "ftp://127.0.0.1", "http://u@127.0.0.1", "http://h?x=1")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrgSpec.builder("prod").instanceUrl(URI.create(bad)).build())
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("org 'prod': instanceUrl must be http(s)://host[:port] with no path, query or fragment, was " + bad);
    }
  }

  @Test
  void withoutAnIssuerPortNoIssuerRuns() throws Exception {
    TestKeys keys = TestKeys.generate("prod");
    var options = new OrgSimulatorProvider.Options("127.0.0.1", 0, List.of(new OrgSimulatorProvider.SimulatedOrg(
        "prod", OrgEnvironment.PRODUCTION, "ci@acme.example", "key-prod", keys.certificate())), null);
    assertThat(options.oidcIssuerPort()).isEqualTo(OrgSimulatorProvider.Options.NO_OIDC_ISSUERS);
    try (OrgSimulatorProvider.OrgSimulator sim = new OrgSimulatorService().start(options)) {
      assertThat(sim.oidcIssuers()).isEmpty();
    }
  }
}
