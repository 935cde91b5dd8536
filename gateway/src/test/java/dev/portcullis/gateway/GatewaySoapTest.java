package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.broker.SalesforceTokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SOAP calls (Metadata API, partner API) through the gateway to a recording upstream: the session
 * comes from {@code SessionHeader} and is replaced there, errors are SOAP faults as Salesforce sends
 * them (shared/reference/salesforce-formats.md §3.1).
 */
class GatewaySoapTest extends GatewayTestBase {
  static final String DEPLOY = """
      <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>%s</sessionId></SessionHeader>\
      </soapenv:Header><soapenv:Body><deploy><ZipFile>UEsDBA==</ZipFile><DeployOptions><checkOnly>false</checkOnly>\
      </DeployOptions></deploy></soapenv:Body></soapenv:Envelope>""";

  RecordingUpstream upstream;
  List<RecordingUpstream.Received> received;

  @Override
  SalesforceTokens salesforceTokens(KeyPair keys) throws Exception {
    upstream = new RecordingUpstream(call -> new RecordingUpstream.Answer(200, "text/xml;charset=UTF-8",
        call.path().startsWith("/services/Soap/u/") ? XmlAnswerFilterTest.PARTNER_QUERY
            : "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
            + " xmlns=\"http://soap.sforce.com/2006/04/metadata\"><soapenv:Body><deployResponse><result><done>false</done>"
            + "<id>0Af000000000001AAA</id><state>Queued</state></result></deployResponse></soapenv:Body></soapenv:Envelope>"));
    received = upstream.received;
    return upstream.tokens();
  }

  @AfterEach
  void stopUpstream() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
  }

  HttpResponse<String> soap(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT)
        .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"\"")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDeployWithTheDeployScopeIsForwardedWithTheSessionsOwnTokenInTheSessionHeader() throws Exception {
    String token = session("api:read metadata:deploy");
    HttpResponse<String> response = soap("/services/Soap/m/62.0", DEPLOY.formatted(token));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("<id>0Af000000000001AAA</id>");
    assertThat(received).singleElement().satisfies(call -> {
      assertThat(call.path()).isEqualTo("/services/Soap/m/62.0");
      assertThat(call.text()).contains("<sessionId>" + sandbox.orgId() + "!UPSTREAM.deployer@acme.example</sessionId>")
          .doesNotContain(token).contains("<ZipFile>UEsDBA==</ZipFile>");
      assertThat(call.authorization()).as("SOAP carries the session in its header only").isNull();
    });
    assertThat(decisions.getLast().classification()).isEqualTo(Classification.of("metadata", "deploy"));
  }

  @Test
  void soapErrorsAreSoapFaults() throws Exception {
    String read = session("api:read");
    HttpResponse<String> denied = soap("/services/Soap/m/62.0", DEPLOY.formatted(read));
    assertThat(denied.statusCode()).isEqualTo(500);
    assertThat(denied.body()).contains("<faultcode>sf:PORTCULLIS_DENIED</faultcode>")
        .contains("the session has no metadata:deploy scope");

    HttpResponse<String> invalid = soap("/services/Soap/m/62.0", DEPLOY.formatted(sandbox.orgId() + "!" + "y".repeat(96)));
    assertThat(invalid.statusCode()).isEqualTo(500);
    assertThat(invalid.body()).containsPattern("<faultcode>[a-zA-Z]+:INVALID_SESSION_ID</faultcode>");

    HttpResponse<String> entity = soap("/services/Soap/m/62.0", "<!DOCTYPE x [<!ENTITY e \"e\">]>"
        + DEPLOY.formatted(read).substring(DEPLOY.indexOf("<soapenv")));
    assertThat(entity.statusCode()).isEqualTo(500);
    assertThat(entity.body()).contains("<faultcode>soapenv:Client</faultcode>");
    assertThat(received).isEmpty();
  }

  @Test
  void aPartnerQueryUnderRedactionIsAnsweredWithTheRedactedFieldsNil() throws Exception {
    String token = session("api:read");
    String query = """
        <se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="urn:partner.soap.sforce.com">\
        <se:Header><p:SessionHeader><p:sessionId>%s</p:sessionId></p:SessionHeader></se:Header>\
        <se:Body><p:query><p:queryString>SELECT Id, LastName, SSN__c FROM Contact</p:queryString></p:query></se:Body>\
        </se:Envelope>""".formatted(token);
    HttpResponse<String> response = soap("/services/Soap/u/62.0", query);
    // the default pack redacts Contact.SSN__c on every record-returning call: the XML answer streams
    // through the XML filter, each SSN made xsi:nil as Salesforce sends a null
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    assertThat(response.body()).doesNotContain("900-").contains("<sf:SSN__c xsi:nil=\"true\"/>")
        .contains("<sf:LastName>Coyote &amp; Sons</sf:LastName>").contains("<sf:SSN__c>acct-visible</sf:SSN__c>");
    assertThat(received).singleElement().satisfies(call ->
        assertThat(call.text()).contains("<p:queryString>SELECT Id, LastName, SSN__c FROM Contact</p:queryString>"));
    assertThat(decisions.getLast().classification().operation()).isEqualTo("query");
    assertThat(decisions.getLast().reason()).contains("redacting");
  }
}
