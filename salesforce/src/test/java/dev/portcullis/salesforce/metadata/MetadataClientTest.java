package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.FakeSalesforce;
import dev.portcullis.salesforce.FakeSalesforce.RecordedRequest;
import dev.portcullis.salesforce.FakeSalesforce.Reply;
import dev.portcullis.salesforce.SalesforceError;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a fake that answers with canned Metadata API envelopes: the requests it sends
 * (path, headers, bytes), the answers it reads, faults and HTTP errors, limits.
 */
class MetadataClientTest {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final String SESSION = "00D5g000004ZCmP!AQ4AQ.session&<value>";
  static final String PATH = "/services/Soap/m/66.0";
  static final String DEPLOY_ID = MetadataResponsesTest.DEPLOY_ID;

  @TempDir Path dir;
  final FakeSalesforce salesforce = FakeSalesforce.start();
  final MetadataClient client = MetadataClient.builder(salesforce.url(), () -> SESSION, HTTP).build();

  @AfterEach
  void stop() {
    salesforce.close();
  }

  @AfterAll
  static void closeClient() {
    HTTP.close();
  }

  static String envelope(String operation, String results) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
        + " xmlns=\"http://soap.sforce.com/2006/04/metadata\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        + "<soapenv:Body><" + operation + "Response>" + results + "</" + operation + "Response></soapenv:Body></soapenv:Envelope>";
  }

  static Reply ok(String operation, String results) {
    return Reply.text(200, "text/xml;charset=UTF-8", envelope(operation, results));
  }

  static Reply fault(String code, String message) {
    return Reply.text(500, "text/xml;charset=UTF-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
        + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:sf=\"http://soap.sforce.com/2006/04/metadata\">"
        + "<soapenv:Body><soapenv:Fault><faultcode>" + code + "</faultcode><faultstring>" + message
        + "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>");
  }

  static final String QUEUED = "<result><done>false</done><id>" + DEPLOY_ID + "</id><state>Queued</state></result>";

  @Test
  void deployStreamsTheZipFromAFileAsBase64WithTheOptionsAndExactLength() throws Exception {
    byte[] zip = new byte[200_000];
    new Random(7).nextBytes(zip);
    Path file = Files.write(dir.resolve("package.zip"), zip);
    salesforce.on("POST", PATH, request -> ok("deploy", QUEUED));

    AsyncResult started = client.deploy(file, DeployOptions.builder().singlePackage(true).build());

    assertThat(started).isEqualTo(new AsyncResult(DEPLOY_ID, false, "Queued"));
    RecordedRequest request = salesforce.onlyRequest();
    assertThat(request.path()).isEqualTo(PATH);
    assertThat(request.header("Content-Type")).isEqualTo("text/xml; charset=UTF-8");
    assertThat(request.header("SOAPAction")).isEqualTo("\"\"");
    assertThat(request.header("Authorization")).isNull();
    assertThat(request.header("Content-Length")).isEqualTo(Integer.toString(request.body().length()));
    String head = SoapEnvelopeTest.HEAD + "00D5g000004ZCmP!AQ4AQ.session&amp;&lt;value&gt;</sessionId></SessionHeader>"
        + "</soapenv:Header><soapenv:Body><deploy><ZipFile>";
    assertThat(request.body()).isEqualTo(head + Base64.getEncoder().encodeToString(zip)
        + MetadataClient.deployTail(DeployOptions.builder().singlePackage(true).build()));
  }

  @Test
  void deployFromMemorySendsTheSameBytes() {
    byte[] zip = {'P', 'K', 5, 6, 0, 0};
    salesforce.on("POST", PATH, request -> ok("deploy", QUEUED));
    client.deploy(zip, DeployOptions.defaults());
    assertThat(salesforce.onlyRequest().body()).contains("<ZipFile>" + Base64.getEncoder().encodeToString(zip) + "</ZipFile>");
    assertThatThrownBy(() -> client.deploy(new byte[0], DeployOptions.defaults())).hasMessageContaining("empty");
  }

  @Test
  void checkDeployStatusSendsTheIdAndIncludeDetails() {
    salesforce.on("POST", PATH, request -> ok("checkDeployStatus", "<result>" + MetadataResponsesTest.FAILED_DEPLOY + "</result>"));
    DeployResult result = client.checkDeployStatus(DEPLOY_ID, true);
    assertThat(result.runTestResult().failures()).hasSize(1);
    assertThat(salesforce.onlyRequest().body()).endsWith("<soapenv:Body><checkDeployStatus><asyncProcessId>" + DEPLOY_ID
        + "</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus></soapenv:Body></soapenv:Envelope>");
  }

  @Test
  void cancelQuickDeployRetrieveListAndDescribeSendTheWsdlElements() {
    String retrieveId = MetadataResponsesTest.RETRIEVE_ID;
    salesforce.on("POST", PATH, request -> {
      String body = request.body();
      if (body.contains("<cancelDeploy>")) {
        return ok("cancelDeploy", "<result><done>true</done><id>" + DEPLOY_ID + "</id></result>");
      } else if (body.contains("<deployRecentValidation>")) {
        return ok("deployRecentValidation", "<result>" + MetadataResponsesTest.VALIDATED_ID + "</result>");
      } else if (body.contains("<retrieve>")) {
        return ok("retrieve", "<result><done>false</done><id>" + retrieveId + "</id><state>Queued</state></result>");
      } else if (body.contains("<listMetadata>")) {
        return ok("listMetadata", "<result><fullName>A</fullName><type>ApexClass</type></result>"
            + "<result><fullName>B</fullName><type>ApexClass</type></result>");
      }
      return ok("describeMetadata", "<result><metadataObjects><directoryName>classes</directoryName><inFolder>false</inFolder>"
          + "<metaFile>true</metaFile><suffix>cls</suffix><xmlName>ApexClass</xmlName></metadataObjects>"
          + "<partialSaveAllowed>true</partialSaveAllowed><testRequired>false</testRequired></result>");
    });

    assertThat(client.cancelDeploy(DEPLOY_ID)).isEqualTo(new CancelDeployResult(DEPLOY_ID, true));
    assertThat(client.deployRecentValidation(DEPLOY_ID)).isEqualTo(MetadataResponsesTest.VALIDATED_ID);
    assertThat(client.retrieve(RetrieveRequest.of("62.0", true, java.util.Map.of("ApexClass", List.of("AccountService", "*"))))
        .id()).isEqualTo(retrieveId);
    assertThat(client.listMetadata(List.of(ListMetadataQuery.of("ApexClass"), new ListMetadataQuery("Report", Optional.of("Sales")))))
        .extracting(FileProperties::fullName).containsExactly("A", "B");
    assertThat(client.describeMetadata().metadataObjects()).extracting(DescribeMetadataResult.DescribeMetadataObject::xmlName)
        .containsExactly("ApexClass");

    List<String> bodies = salesforce.requests().stream().map(RecordedRequest::body)
        .map(b -> b.substring(b.indexOf("<soapenv:Body>") + 14, b.indexOf("</soapenv:Body>"))).toList();
    assertThat(bodies).containsExactly(
        "<cancelDeploy><String>" + DEPLOY_ID + "</String></cancelDeploy>",
        "<deployRecentValidation><validationId>" + DEPLOY_ID + "</validationId></deployRecentValidation>",
        "<retrieve><retrieveRequest><apiVersion>62.0</apiVersion><singlePackage>true</singlePackage><unpackaged><types>"
            + "<members>AccountService</members><members>*</members><name>ApexClass</name></types><version>62.0</version>"
            + "</unpackaged></retrieveRequest></retrieve>",
        "<listMetadata><queries><type>ApexClass</type></queries><queries><folder>Sales</folder><type>Report</type></queries>"
            + "<asOfVersion>66.0</asOfVersion></listMetadata>",
        "<describeMetadata><asOfVersion>66.0</asOfVersion></describeMetadata>");
  }

  @Test
  void aFaultIsAnExceptionWithItsCodeAndMessageAndNeverTheSession() {
    salesforce.on("POST", PATH, request -> fault("sf:INVALID_SESSION_ID",
        "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session " + SESSION.replace("&", "&amp;").replace("<", "&lt;")));
    SalesforceException e = catchSalesforce(() -> client.checkDeployStatus(DEPLOY_ID, false));
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_SESSION_ID);
    assertThat(e.httpStatus()).hasValue(500);
    assertThat(e.errors()).containsExactly(new SalesforceError("INVALID_SESSION_ID",
        "Invalid Session ID found in SessionHeader: Illegal Session [session id]", List.of()));
    assertThat(e.getMessage()).startsWith("INVALID_SESSION_ID: Invalid Session ID found in SessionHeader")
        .contains("checkDeployStatus", salesforce.url() + PATH, "HTTP 500").doesNotContain(SESSION);
  }

  @Test
  void faultCodesMapToStableCodes() {
    record Case(String faultcode, String faultstring, SalesforceErrorCode code, String errorCode) {}
    for (Case c : List.of(
        new Case("sf:INVALID_ID_FIELD", "INVALID_ID_FIELD: Deployment already completed", SalesforceErrorCode.METADATA_INVALID_ID_FIELD, "INVALID_ID_FIELD"),
        new Case("sf:INVALID_OPERATION", "INVALID_OPERATION: testLevel of NoTestRun cannot be used in production organizations",
            SalesforceErrorCode.METADATA_INVALID_OPERATION, "INVALID_OPERATION"),
        new Case("sf:INVALID_TYPE", "INVALID_TYPE: Unknown type: Nope", SalesforceErrorCode.METADATA_INVALID_TYPE, "INVALID_TYPE"),
        new Case("ns1:UNSUPPORTED_API_VERSION", "Invalid Api version", SalesforceErrorCode.METADATA_UNSUPPORTED_API_VERSION, "UNSUPPORTED_API_VERSION"),
        new Case("sf:INSUFFICIENT_ACCESS", "no", SalesforceErrorCode.METADATA_INSUFFICIENT_ACCESS, "INSUFFICIENT_ACCESS"),
        new Case("sf:SOMETHING_NEW", "new", SalesforceErrorCode.METADATA_OTHER, "SOMETHING_NEW"),
        new Case("soapenv:Client", "No operation available for request", SalesforceErrorCode.METADATA_CLIENT_FAULT, "soapenv:Client"),
        new Case("soapenv:Server", "boom", SalesforceErrorCode.SERVER_ERROR, "soapenv:Server"))) {
      salesforce.on("POST", PATH, request -> fault(c.faultcode(), c.faultstring()));
      SalesforceException e = catchSalesforce(() -> client.cancelDeploy(DEPLOY_ID));
      assertThat(e.code()).as(c.faultcode()).isEqualTo(c.code());
      assertThat(e.errors().get(0).errorCode()).isEqualTo(c.errorCode());
      assertThat(e.getMessage()).contains(c.faultstring().substring(c.faultstring().indexOf(':') + 1).strip());
    }
  }

  @Test
  void httpErrorsWithoutAFaultSayTheStatusAndTheStartOfTheBody() {
    salesforce.on("POST", PATH, request -> Reply.text(502, "text/html", "<html><body>Bad Gateway " + SESSION + "</body></html>"));
    SalesforceException e = catchSalesforce(() -> client.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.SERVER_ERROR);
    assertThat(e.getMessage()).contains("Bad Gateway", "HTTP 502", "describeMetadata").doesNotContain(SESSION);
    assertThat(e.code().isTransient()).isTrue();

    salesforce.on("POST", PATH, request -> Reply.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"nope\"}]"));
    e = catchSalesforce(() -> client.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).contains("HTTP 404 without a SOAP fault", "NOT_FOUND");

    salesforce.on("POST", PATH, request -> Reply.text(200, "text/html", "<html><head><title>Login</title></head></html>"));
    e = catchSalesforce(() -> client.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    assertThat(e.getMessage()).contains("not a SOAP envelope", "{}html");

    salesforce.on("POST", PATH, request -> Reply.text(500, "text/xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>"));
    e = catchSalesforce(() -> client.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.SERVER_ERROR);
  }

  @Test
  void answersOfTheWrongShapeAreRefused() {
    salesforce.on("POST", PATH, request -> ok("checkDeployStatus", QUEUED));
    assertThat(catchSalesforce(() -> client.describeMetadata()).getMessage())
        .contains("expected {http://soap.sforce.com/2006/04/metadata}describeMetadataResponse, got");
    salesforce.on("POST", PATH, request -> ok("deploy", QUEUED + QUEUED));
    assertThat(catchSalesforce(() -> client.deploy(new byte[] {1}, DeployOptions.defaults())).getMessage())
        .contains("deployResponse holds 2 result elements");
    salesforce.on("POST", PATH, request -> ok("deploy", "<result><done>false</done><state>Queued</state></result>"));
    assertThat(catchSalesforce(() -> client.deploy(new byte[] {1}, DeployOptions.defaults())).getMessage())
        .contains("AsyncResult has no id");
  }

  @Test
  void aResponseOverTheCapIsRefusedAndAZipOverItsLimitToo() {
    MetadataClient small = MetadataClient.builder(salesforce.url(), () -> SESSION, HTTP).maxResponseBytes(2048).maxZipBytes(100).build();
    salesforce.on("POST", PATH, request -> ok("checkRetrieveStatus", "<result><done>true</done><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id>"
        + "<status>Succeeded</status><zipFile>" + "QUJD".repeat(1000) + "</zipFile></result>"));
    assertThat(catchSalesforce(() -> small.checkRetrieveStatus(MetadataResponsesTest.RETRIEVE_ID, true)).getMessage())
        .contains("response body larger than 2048 bytes");
    salesforce.on("POST", PATH, request -> ok("checkRetrieveStatus", "<result><done>true</done><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id>"
        + "<status>Succeeded</status><zipFile>" + "QUJD".repeat(40) + "</zipFile></result>"));
    assertThat(catchSalesforce(() -> small.checkRetrieveStatus(MetadataResponsesTest.RETRIEVE_ID, true)).getMessage())
        .contains("zipFile is larger than the limit of 100 bytes");
  }

  @Test
  void badArgumentsNeverLeaveTheClient() {
    assertThatThrownBy(() -> client.checkDeployStatus("0Af</asyncProcessId>", true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.listMetadata(List.of())).hasMessageContaining("1 to 3 queries");
    assertThatThrownBy(() -> MetadataClient.builder(URI.create("https://x.example/path"), () -> SESSION, HTTP))
        .hasMessageContaining("scheme://host[:port] only");
    MetadataClient noSession = MetadataClient.builder(salesforce.url(), () -> "has space", HTTP).build();
    assertThatThrownBy(() -> noSession.describeMetadata()).isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining("has space");
    assertThat(salesforce.requests()).isEmpty();
    assertThat(client.toString()).doesNotContain(SESSION).contains(PATH);
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    MetadataClient nowhere = MetadataClient.builder(URI.create("http://127.0.0.1:" + port), () -> SESSION, HTTP).build();
    SalesforceException e = catchSalesforce(() -> nowhere.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.TRANSPORT_UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContain(SESSION);
  }

  static SalesforceException catchSalesforce(Runnable call) {
    try {
      call.run();
    } catch (SalesforceException e) {
      return e;
    }
    throw new AssertionError("expected a SalesforceException");
  }
}
