package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.policy.PolicyBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Obligations through the proxy: {@code max_records} caps a query, {@code deny_fields} refuses reads. */
class GatewayObligationsTest extends GatewayTestBase {
  static final String POLICY = """
      rules:
        - id: capped-reads
          effect: allow
          when: principal.kind != ""
          reason: reads, capped, without SSNs
          session:
            scopes: [api:read]
          obligations:
            max_records: 1
            deny_fields: [Contact.SSN__c]
      """;

  @Override
  PolicyBundle policy() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("obligation-policies"));
    Files.writeString(policies.resolve("p.yaml"), POLICY);
    return PolicyBundle.load(policies);
  }

  @Test
  void maxRecordsCapsWhatTheOrgReturns() throws Exception {
    String token = session("api:read");
    HttpResponseCheck response = new HttpResponseCheck(get(query("SELECT Id, Name FROM Account ORDER BY Name"), token));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(body.get("records")).hasSize(1);
    assertThat(decisions.getLast().reason()).contains("LIMIT 1");
  }

  @Test
  void deniedFieldsAreRefusedBeforeTheOrgIsAsked() throws Exception {
    String token = session("api:read");
    for (String soql : new String[] {"SELECT Id, SSN__c FROM Contact", "SELECT FIELDS(ALL) FROM Contact LIMIT 5"}) {
      HttpResponseCheck response = new HttpResponseCheck(get(query(soql), token));
      assertThat(response.status()).as(soql).isEqualTo(403);
      assertThat(response.body()).contains("PORTCULLIS_DENIED").contains("SSN__c");
    }
    assertThat(sandbox.requestCount(dev.portcullis.orgsim.Endpoint.QUERY)).isZero();
  }

  record HttpResponseCheck(int status, String body) {
    HttpResponseCheck(java.net.http.HttpResponse<String> response) {
      this(response.statusCode(), response.body());
    }
  }
}
