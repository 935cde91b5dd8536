package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.identity.broker.SalesforceTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The answer's way back through the proxy (docs/GATEWAY.md, "URLs in answers" and {@code
 * redact_fields}), against a raw-socket Salesforce that answers exactly what each test scripts:
 * links on the instance moved to the gateway in headers, JSON and XML; hop-by-hop fields dropped;
 * XML redacted; the bytes sent counted in the completion entry. The default policy pack, which
 * redacts {@code Contact.SSN__c} from every query and read.
 */
class GatewayResponseTest extends GatewayTestBase {
  static final String USERINFO = """
      {"sub":"{{instance}}/id/00D5e000000AbCdEAA/005000000000001AAA","profile":"{{instance}}/005000000000001AAA",
       "picture":"https://acme.file.force.com/profilephoto/005/F","is_app_installed":true,
       "urls":{"enterprise":"{{instance}}/services/Soap/c/{version}/00D5e000000AbCd",
               "partner":"{{instance}}/services/Soap/u/{version}/00D5e000000AbCd",
               "rest":"{{instance}}/services/data/v{version}/","custom_domain":"{{instance}}"}}""";

  RawUpstream upstream;

  @Override
  SalesforceTokens salesforceTokens(KeyPair keys) throws Exception {
    upstream = new RawUpstream();
    return upstream.tokens();
  }

  @AfterEach
  void stopUpstream() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void linksOnTheInstanceInAJsonAnswerPointToTheGatewayAsTheClientReachedIt() throws Exception {
    upstream.script("/services/oauth2/userinfo", RawUpstream.response("200 OK", USERINFO,
        "Content-Type: application/json;charset=UTF-8"));
    String token = session("api:read");

    HttpResponse<String> response = get("/services/oauth2/userinfo", token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).as("the body may change").isEmpty();
    JsonNode body = json.readTree(response.body());
    assertThat(body.at("/urls/partner").asText()).isEqualTo(gateway + "/services/Soap/u/{version}/00D5e000000AbCd");
    assertThat(body.at("/urls/rest").asText()).isEqualTo(gateway + "/services/data/v{version}/");
    assertThat(body.at("/urls/custom_domain").asText()).isEqualTo(gateway.toString());
    assertThat(body.get("profile").asText()).isEqualTo(gateway + "/005000000000001AAA");
    assertThat(body.get("picture").asText()).isEqualTo("https://acme.file.force.com/profilephoto/005/F");
    assertThat(response.body()).doesNotContain(upstream.url().toString());
  }

  @Test
  void locationHeadersOnTheInstanceMoveOthersStay() throws Exception {
    upstream.script("/services/data/v62.0/sobjects/Account", RawUpstream.response("201 Created",
        "{\"id\":\"001000000000001AAA\",\"success\":true,\"errors\":[]}", "Content-Type: application/json",
        "Location: {{instance}}/services/data/v62.0/sobjects/Account/001000000000001AAA",
        "Content-Location: {{instance}}/services/data/v62.0/sobjects/Account/001000000000001AAA?x=1"));
    upstream.script("/services/data/v62.0/sobjects/Account/001000000000001AAA", RawUpstream.response("302 Found", "",
        "Location: https://acme.file.force.com/servlet/001000000000001AAA"));
    upstream.script("/services/data/v62.0/sobjects/Account/001000000000002AAA", RawUpstream.response("302 Found", "",
        "Location: /services/data/v62.0/sobjects/Account/001000000000001AAA"));
    String token = session("api:read api:write");

    HttpResponse<String> created = http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v62.0/sobjects/Account"))
        .timeout(TIMEOUT).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"Acme\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location"))
        .contains(gateway + "/services/data/v62.0/sobjects/Account/001000000000001AAA");
    assertThat(created.headers().firstValue("Content-Location"))
        .contains(gateway + "/services/data/v62.0/sobjects/Account/001000000000001AAA?x=1");
    GatewayCompletion completion = completed.get(30, TimeUnit.SECONDS);
    assertThat(completion.requestBytes()).isEqualTo("{\"Name\":\"Acme\"}".length());
    assertThat(completion.responseBytes()).isEqualTo(created.body().getBytes(StandardCharsets.UTF_8).length)
        .isPositive();

    HttpResponse<String> elsewhere = get("/services/data/v62.0/sobjects/Account/001000000000001AAA", token);
    assertThat(elsewhere.statusCode()).isEqualTo(302);
    assertThat(elsewhere.headers().firstValue("Location"))
        .contains("https://acme.file.force.com/servlet/001000000000001AAA");
    HttpResponse<String> relative = get("/services/data/v62.0/sobjects/Account/001000000000002AAA", token);
    assertThat(relative.headers().firstValue("Location"))
        .contains("/services/data/v62.0/sobjects/Account/001000000000001AAA");
  }

  @Test
  void aForgedHostNeverBecomesTheLinkTarget() throws Exception {
    upstream.script("/services/oauth2/userinfo", RawUpstream.response("200 OK", USERINFO,
        "Content-Type: application/json"));
    String token = session("api:read");

    String forged = rawGet("/services/oauth2/userinfo", "evil.example", token);
    assertThat(forged).doesNotContain("evil.example").contains("\"rest\":\"" + gateway + "/services/data/v{version}/\"");

    String loopbackName = rawGet("/services/oauth2/userinfo", "localhost:" + gateway.getPort(), token);
    assertThat(loopbackName).contains("\"rest\":\"http://localhost:" + gateway.getPort() + "/services/data/v{version}/\"");

    String otherPort = rawGet("/services/oauth2/userinfo", "127.0.0.1:1", token);
    assertThat(otherPort).contains("\"rest\":\"" + gateway + "/services/data/v{version}/\"");
  }

  @Test
  void hopByHopFieldsOfTheAnswerAreNotPassedOn() throws Exception {
    String body = "{\"instance_url\":\"" + upstream.url() + "\"}";
    upstream.script("/services/data/v62.0/limits", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Connection: close, X-Hop\r\nX-Hop: about this connection\r\nKeep-Alive: timeout=5\r\n"
        + "Proxy-Authenticate: Basic realm=\"sf\"\r\nProxy-Agent: upstream\r\nTrailer: X-Checksum\r\nUpgrade: h2c\r\n"
        + "X-Kept: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\nX-Checksum: abc\r\n\r\n");
    String token = session("api:read");

    HttpResponse<String> response = get("/services/data/v62.0/limits", token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().map().keySet().stream().map(name -> name.toLowerCase(java.util.Locale.ROOT)))
        .doesNotContainAnyElementsOf(java.util.List.of("x-hop", "keep-alive",
        "proxy-authenticate", "proxy-agent", "trailer", "upgrade", "x-checksum"));
    assertThat(response.headers().firstValue("X-Kept")).contains("yes");
    assertThat(response.headers().allValues("Transfer-Encoding")).containsExactly("chunked"); // the gateway's own framing
    assertThat(json.readTree(response.body()).get("instance_url").asText()).isEqualTo(gateway.toString());
  }

  @Test
  void otherAnswersPassOnByteForByteWithTheirLength() throws Exception {
    String csv = "\"Id\",\"Link\"\n\"001A\",\"" + upstream.url() + "/001A\"\n";
    upstream.script("/services/data/v62.0/limits", RawUpstream.response("200 OK", csv, "Content-Type: text/csv"));
    String token = session("api:read");

    HttpResponse<String> response = get("/services/data/v62.0/limits", token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(csv);
    assertThat(response.headers().firstValue("Content-Length")).contains(String.valueOf(csv.length()));
  }

  @Test
  void anXmlQueryAnswerIsRedactedAndItsLinksMoved() throws Exception {
    String answer = XmlAnswerFilterTest.REST_QUERY.replace("<totalSize>",
        "<nextRecordsUrl>{{instance}}/services/data/v62.0/query/01g-2000</nextRecordsUrl><totalSize>");
    upstream.script("/services/data/v62.0/query", RawUpstream.response("200 OK", answer,
        "Content-Type: application/xml;charset=UTF-8"));
    String token = session("api:read");

    HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(
            query("SELECT Id, SSN__c, Name, Account.SSN__c FROM Contact"))).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Accept", "application/xml").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("900-")
        .contains("<SSN__c xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/><Name>Wile</Name>")
        .contains("<SSN__c>acct-visible</SSN__c>")
        .contains("<nextRecordsUrl>" + gateway + "/services/data/v62.0/query/01g-2000</nextRecordsUrl>");
    assertThat(upstream.requests.getLast()).as("answers must come readable").doesNotContainIgnoringCase("Accept-Encoding");
    GatewayCompletion completion = completed.get(30, TimeUnit.SECONDS);
    assertThat(completion.responseBytes()).isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void anAnswerUnderRedactionThatCannotBeRedactedIsWithheld() throws Exception {
    upstream.script("/services/data/v62.0/query", RawUpstream.response("200 OK", "Id,SSN__c\n003A,900-12-3456\n",
        "Content-Type: text/csv"));
    String token = session("api:read");

    HttpResponse<String> response = get(query("SELECT Id, SSN__c FROM Contact"), token);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("PORTCULLIS_UNREDACTABLE").contains("text/csv").doesNotContain("900-");
  }

  @Test
  void aTruncatedXmlAnswerUnderRedactionEndsTheClientsAnswerWithAnError() throws Exception {
    String cut = XmlAnswerFilterTest.REST_QUERY.substring(0, XmlAnswerFilterTest.REST_QUERY.indexOf("<SSN__c>") + 12);
    upstream.script("/services/data/v62.0/query", RawUpstream.response("200 OK", cut, "Content-Type: application/xml"));
    String token = session("api:read");

    java.util.concurrent.CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
        gateway.resolve(query("SELECT Id, SSN__c FROM Contact"))).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer).failsWithin(java.time.Duration.ofSeconds(30));
    assertThat(completed.get(30, TimeUnit.SECONDS).outcome()).startsWith("failed");
  }
}
