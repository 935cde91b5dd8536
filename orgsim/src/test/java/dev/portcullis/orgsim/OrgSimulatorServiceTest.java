package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.salesforce.SalesforceId;
import java.time.Instant;
import java.util.List;
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
}
