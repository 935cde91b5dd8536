package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Reading deployments for the deploy gate: the SOAP {@code deploy} and {@code deployRecentValidation}
 * bodies (Metadata API Developer Guide, deploy() and DeployOptions), the REST {@code deployRequest}
 * multipart body and quick deploy (meta_rest_deploy.htm), and Salesforce's answers; hostile input
 * is refused with a message naming what was wrong.
 */
class DeployCallsTest {
  static final String NS = "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:met=\"http://soap.sforce.com/2006/04/metadata\"";

  static byte[] envelope(String body) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope " + NS + "><soapenv:Header><met:SessionHeader>"
        + "<met:sessionId>s</met:sessionId></met:SessionHeader></soapenv:Header><soapenv:Body>" + body
        + "</soapenv:Body></soapenv:Envelope>").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSoapDeployGivesItsZipAndOptions() throws Exception {
    byte[] zip = {0x50, 0x4b, 3, 4, 1, 2, 3};
    String base64 = Base64.getMimeEncoder().encodeToString(zip); // line breaks allowed in xsd:base64Binary
    DeployCalls.Call call = DeployCalls.fromSoap(envelope("<met:deploy><met:ZipFile>" + base64 + "</met:ZipFile>"
        + "<met:DeployOptions><met:checkOnly>1</met:checkOnly><met:purgeOnDelete>false</met:purgeOnDelete>"
        + "<met:runTests>A</met:runTests><met:runTests>B</met:runTests><met:testLevel>RunSpecifiedTests</met:testLevel>"
        + "</met:DeployOptions></met:deploy>"));
    assertThat(call.zip()).isEqualTo(zip);
    assertThat(call.options()).isEqualTo(new DeployGate.Options(Optional.of("RunSpecifiedTests"), List.of("A", "B"),
        true, false, Optional.empty()));
  }

  @Test
  void aQuickDeployGivesTheValidatedId() throws Exception {
    DeployCalls.Call call = DeployCalls.fromSoap(envelope(
        "<met:deployRecentValidation><met:validationId>0Af000000000001AAA</met:validationId></met:deployRecentValidation>"));
    assertThat(call.zip()).isEmpty();
    assertThat(call.options().validatedId()).contains("0Af000000000001AAA");
    assertThat(DeployCalls.fromRestQuickDeploy("0Af000000000002", "{\"validatedDeployRequestId\":\"0Af000000000003\"}"
        .getBytes(StandardCharsets.UTF_8)).options().validatedId()).contains("0Af000000000003");
    assertThatThrownBy(() -> DeployCalls.fromRestQuickDeploy("nope", new byte[0]))
        .hasMessageContaining("validatedDeployRequestId");
  }

  @Test
  void hostileOrBrokenSoapDeploysAreRefusedNamingWhy() {
    assertThatThrownBy(() -> DeployCalls.fromSoap(("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        + new String(envelope("<met:deploy><met:ZipFile>&e;</met:ZipFile></met:deploy>"), StandardCharsets.UTF_8)
            .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DeployCalls.Unreadable.class);
    assertThatThrownBy(() -> DeployCalls.fromSoap(envelope("<met:deploy><met:ZipFile>***</met:ZipFile></met:deploy>")))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> DeployCalls.fromSoap(envelope("<met:deploy></met:deploy>")))
        .hasMessageContaining("no ZipFile");
    assertThatThrownBy(() -> DeployCalls.fromSoap(envelope(
        "<met:deploy><met:ZipFile>UEs=</met:ZipFile><met:ZipFile>UEs=</met:ZipFile></met:deploy>")))
        .hasMessageContaining("two ZipFile");
    assertThatThrownBy(() -> DeployCalls.fromSoap(envelope("<met:deploy><met:ZipFile>UEs=</met:ZipFile>"
        + "<met:DeployOptions><met:checkOnly>maybe</met:checkOnly></met:DeployOptions></met:deploy>")))
        .hasMessageContaining("checkOnly");
    assertThatThrownBy(() -> DeployCalls.fromSoap(envelope("<met:retrieve/>"))).hasMessageContaining("not a deploy");
  }

  @Test
  void restMultipartNeedsOneFilePartAndWellFormedOptions() throws Exception {
    String boundary = GatewayMetadataTest.BOUNDARY;
    String type = "multipart/form-data; boundary=" + boundary;
    DeployCalls.Call call = DeployCalls.fromRestMultipart(type, GatewayMetadataTest.multipart(new byte[] {1, 2, 3}));
    assertThat(call.zip()).containsExactly(1, 2, 3);
    String twoFiles = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nA\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nB\r\n--" + boundary + "--\r\n";
    assertThatThrownBy(() -> DeployCalls.fromRestMultipart(type, twoFiles.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("exactly one part named file");
    String badOptions = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nA\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{\"deployOptions\":{\"checkOnly\":\"yes\"}}\r\n--"
        + boundary + "--\r\n";
    assertThatThrownBy(() -> DeployCalls.fromRestMultipart(type, badOptions.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("checkOnly");
    String options = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nA\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{\"deployOptions\":{\"checkOnly\":true,"
        + "\"testLevel\":\"RunLocalTests\",\"runTests\":[]}}\r\n--" + boundary + "--\r\n";
    assertThat(DeployCalls.fromRestMultipart(type, options.getBytes(StandardCharsets.UTF_8)).options())
        .isEqualTo(new DeployGate.Options(Optional.of("RunLocalTests"), List.of(), true, false, Optional.empty()));
    assertThatThrownBy(() -> DeployCalls.fromRestMultipart("application/zip", new byte[] {1}))
        .hasMessageContaining("multipart/form-data");
    assertThatThrownBy(() -> DeployCalls.fromRestMultipart(type, "garbage".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DeployCalls.Unreadable.class);
  }

  @Test
  void theDeploymentIdIsReadFromSalesforcesAnswers() {
    byte[] soap = ("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"http://soap.sforce"
        + ".com/2006/04/metadata\"><soapenv:Body><deployResponse><result><done>false</done><id>0Af5g00000AbCdE</id>"
        + "<state>Queued</state></result></deployResponse></soapenv:Body></soapenv:Envelope>").getBytes(StandardCharsets.UTF_8);
    assertThat(DeployCalls.deployIdFromSoap(soap)).contains("0Af5g00000AbCdE");
    byte[] quick = ("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
        + "<deployRecentValidationResponse><result>0Af5g00000AbCdEAAA</result></deployRecentValidationResponse>"
        + "</soapenv:Body></soapenv:Envelope>").getBytes(StandardCharsets.UTF_8);
    assertThat(DeployCalls.deployIdFromSoap(quick)).contains("0Af5g00000AbCdEAAA");
    assertThat(DeployCalls.deployIdFromRest("{\"id\":\"0Af5g00000AbCdE\",\"deployResult\":{}}".getBytes(StandardCharsets.UTF_8)))
        .contains("0Af5g00000AbCdE");
    assertThat(DeployCalls.deployIdFromRest("{\"id\":\"<script>\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DeployCalls.deployIdFromSoap("<x/>".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Property(tries = 300)
  void arbitraryBytesAreReadOrRefusedNeverThrownOtherwise(@ForAll byte[] bytes) {
    try {
      DeployCalls.fromSoap(bytes);
    } catch (DeployCalls.Unreadable expected) {
      // refused, with a message
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      DeployCalls.fromRestMultipart("multipart/form-data; boundary=" + GatewayMetadataTest.BOUNDARY, bytes);
    } catch (DeployCalls.Unreadable expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    assertThat(DeployCalls.deployIdFromSoap(bytes)).isNotNull();
    assertThat(DeployCalls.deployIdFromRest(bytes)).isNotNull();
  }
}
