package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SOAP envelopes as sf and jsforce send them (shared/reference/salesforce-clients.md §1.7), and hostile ones. */
class SoapRequestTest {
  static final String TOKEN = "00D5e000000AbCdEAA!abc.DEF_123";
  static final String DEPLOY = """
      <?xml version="1.0" encoding="UTF-8"?>
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata">
        <soapenv:Header><SessionHeader><sessionId>%s</sessionId></SessionHeader>
          <CallOptions><client>sfdx toolbelt:</client></CallOptions></soapenv:Header>
        <soapenv:Body><deploy><ZipFile>UEsDBA==</ZipFile><DeployOptions><checkOnly>false</checkOnly></DeployOptions></deploy></soapenv:Body>
      </soapenv:Envelope>""".formatted(TOKEN);
  static final String QUERY = """
      <se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="urn:partner.soap.sforce.com">
        <se:Header><p:SessionHeader><p:sessionId>%s</p:sessionId></p:SessionHeader></se:Header>
        <se:Body><p:query><p:queryString>SELECT Id, Name FROM Account WHERE Name &lt;&gt; 'x'</p:queryString></p:query></se:Body>
      </se:Envelope>""".formatted(TOKEN);

  static Optional<SoapRequest.Parsed> parse(String xml) {
    return SoapRequest.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void metadataAndPartnerCallsAreRead() {
    SoapRequest.Parsed deploy = parse(DEPLOY).orElseThrow();
    assertThat(deploy.sessionId()).contains(TOKEN);
    assertThat(deploy.operationElement()).isEqualTo("deploy");
    assertThat(SoapRequest.classify("/services/Soap/m/62.0", deploy)).contains(Classification.of("metadata", "deploy"));

    SoapRequest.Parsed query = parse(QUERY).orElseThrow();
    assertThat(query.soql()).contains("SELECT Id, Name FROM Account WHERE Name <> 'x'");
    Classification classified = SoapRequest.classify("/services/Soap/u/62.0/00D5e000000AbCd", query).orElseThrow();
    assertThat(classified.api()).isEqualTo("soap");
    assertThat(classified.operation()).isEqualTo("query");
    assertThat(classified.sobject()).isEqualTo("Account");
  }

  @Test
  void theSessionAndTheQueryAreReplacedInPlace() {
    String forwarded = new String(SoapRequest.withSession(DEPLOY.getBytes(StandardCharsets.UTF_8), TOKEN, "00DUP!upstream"),
        StandardCharsets.UTF_8);
    assertThat(forwarded).contains("<sessionId>00DUP!upstream</sessionId>").doesNotContain(TOKEN)
        .contains("<ZipFile>UEsDBA==</ZipFile>");
    String capped = new String(SoapRequest.withQuery(QUERY.getBytes(StandardCharsets.UTF_8),
        "SELECT Id FROM Account WHERE Name <> 'x' LIMIT 5"), StandardCharsets.UTF_8);
    assertThat(capped).contains("<p:queryString>SELECT Id FROM Account WHERE Name &lt;&gt; &apos;x&apos; LIMIT 5</p:queryString>");
    assertThat(parse(capped).orElseThrow().soql()).contains("SELECT Id FROM Account WHERE Name <> 'x' LIMIT 5");
  }

  @Test
  void whatIsNotOneSoapOperationIsRefused() {
    assertThat(parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + DEPLOY.substring(DEPLOY.indexOf("<soapenv")))).isEmpty();
    assertThat(parse(DEPLOY.replace("<ZipFile>UEsDBA==</ZipFile>", "<ZipFile>&e;</ZipFile>"))).isEmpty();
    assertThat(parse(DEPLOY.replace("</deploy>", "</deploy><retrieve/>"))).isEmpty();
    assertThat(parse(DEPLOY.replace("</SessionHeader>", "</SessionHeader><SessionHeader><sessionId>x</sessionId></SessionHeader>")))
        .isEmpty();
    assertThat(parse(DEPLOY.replace("http://schemas.xmlsoap.org/soap/envelope/", "urn:not-soap"))).isEmpty();
    assertThat(parse("not xml")).isEmpty();
    assertThat(parse("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body/></soapenv:Envelope>"))
        .isEmpty();
    assertThat(SoapRequest.classify("/services/Soap/m/62.0", parse(DEPLOY.replace("deploy>", "frobnicate>")).orElseThrow()))
        .isEmpty();
    assertThat(SoapRequest.isSoap("/services/Soap/m/62.0")).isTrue();
    assertThat(SoapRequest.isSoap("/services/Soap/x/62.0")).isFalse();
  }
}
