package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON filter: redaction by record type, links moved to the gateway, everything else byte for byte. */
class JsonAnswerFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final RedactedFields SSN = RedactedFields.of(List.of("Contact.SSN__c"));
  static final RedactedFields NOTHING = RedactedFields.of(List.of());
  static final InstanceUrlRewriter LINKS = new InstanceUrlRewriter(URI.create("https://acme.my.salesforce.com"),
      "https://gw.example.com:8443");

  /** Runs {@code input} through a filter in chunks of {@code chunk} bytes. */
  static byte[] redact(RedactedFields fields, byte[] input, int chunk) throws IOException {
    JsonAnswerFilter redactor = new JsonAnswerFilter(fields, LINKS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < input.length; at += chunk) {
      write(out, redactor.feed(input, at, Math.min(chunk, input.length - at)));
    }
    write(out, redactor.finish());
    return out.toByteArray();
  }

  static void write(ByteArrayOutputStream out, ByteBuffer bytes) {
    out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
  }

  static JsonNode redacted(RedactedFields fields, String input, int chunk) throws IOException {
    return JSON.readTree(redact(fields, input.getBytes(StandardCharsets.UTF_8), chunk));
  }

  @Test
  void queryRecordsLoseTheFieldValueButKeepTheKey() throws Exception {
    String input = """
        {"totalSize":2,"done":true,"records":[
          {"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003A"},"Id":"003A","ssn__C":"900-12-3456","LastName":"Coyote"},
          {"attributes":{"type":"Contact"},"Id":"003B","SSN__c":{"odd":"900-65-4321"},"LastName":"Runner"}]}""";
    for (int chunk : new int[] {1, 7, 4096}) {
      JsonNode out = redacted(SSN, input, chunk);
      assertThat(out.at("/records/0/ssn__C").isNull()).isTrue();
      assertThat(out.at("/records/1/SSN__c").isNull()).isTrue();
      assertThat(out.at("/records/0/LastName").asText()).isEqualTo("Coyote");
      assertThat(out.at("/records/0/attributes/url").asText()).endsWith("003A");
      assertThat(out.toString()).doesNotContain("900-");
    }
  }

  @Test
  void subqueriesAndRelationshipsAreRedactedByTheirOwnType() throws Exception {
    String input = """
        {"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"Acme","SSN__c":"account-field",
          "Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact"},"SSN__c":"900-12-3456"}]}}]}""";
    JsonNode out = redacted(SSN, input, 3);
    assertThat(out.at("/records/0/SSN__c").asText()).isEqualTo("account-field"); // Account.SSN__c is not redacted
    assertThat(out.at("/records/0/Contacts/records/0/SSN__c").isNull()).isTrue();

    String caseToContact = """
        {"attributes":{"type":"Case"},"Id":"500A","Contact":{"attributes":{"type":"Contact"},"SSN__c":"900-11-2233","Name":"Hank"}}""";
    JsonNode read = redacted(SSN, caseToContact, 5);
    assertThat(read.at("/Contact/SSN__c").isNull()).isTrue();
    assertThat(read.at("/Contact/Name").asText()).isEqualTo("Hank");
  }

  @Test
  void objectsOfUnknownTypeLoseEveryFieldOfARedactedName() throws Exception {
    JsonNode out = redacted(SSN, "{\"SSN__c\":\"900-00-0001\",\"attributes\":{\"type\":\"Account\"},\"Name\":\"x\"}", 2);
    assertThat(out.get("SSN__c").isNull()).isTrue();
    assertThat(out.get("Name").asText()).isEqualTo("x");
  }

  @Test
  void incompleteMalformedDoubledOrDuplicatedInputFails() {
    for (String bad : new String[] {"{\"records\":[", "{\"a\":1}{\"b\":2}", "{\"a\":}", "{\"SSN__c\":1,\"SSN__c\":2}",
        "[1,2"}) {
      assertThatThrownBy(() -> redact(SSN, bad.getBytes(StandardCharsets.UTF_8), 2)).as(bad)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void anEmptyBodyAndScalarsPassThrough() throws Exception {
    assertThat(redact(SSN, new byte[0], 1)).isEmpty();
    assertThat(new String(redact(SSN, "[{\"message\":\"m\",\"errorCode\":\"E\"}]".getBytes(StandardCharsets.UTF_8), 3),
        StandardCharsets.UTF_8)).isEqualTo("[{\"message\":\"m\",\"errorCode\":\"E\"}]");
  }

  @Test
  void anAnswerFarLargerThanAnyBufferStreamsChunkByChunk() throws Exception {
    // 500,000 records (~41 MB, more than any buffer the gateway would allow) fed in 16 KiB chunks: each chunk's output is about its input's size,
    // so nothing is held back beyond the token in progress.
    JsonAnswerFilter redactor = new JsonAnswerFilter(SSN, LINKS);
    byte[] head = "{\"totalSize\":500000,\"done\":true,\"records\":[".getBytes(StandardCharsets.UTF_8);
    long out = redactor.feed(head, 0, head.length).remaining();
    byte[] record = "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003000000000001AAA\",\"SSN__c\":\"900-12-3456\"},"
        .getBytes(StandardCharsets.UTF_8);
    byte[] chunk = new byte[16 * 1024];
    long in = head.length;
    int filled = 0;
    for (int i = 0; i < 500_000; i++) {
      for (byte b : record) {
        chunk[filled++] = b;
        if (filled == chunk.length) {
          ByteBuffer written = redactor.feed(chunk, 0, filled);
          assertThat(written.remaining()).isPositive();
          assertThat(new String(written.array(), 0, written.limit(), StandardCharsets.UTF_8)).doesNotContain("900-");
          in += filled;
          out += written.remaining();
          filled = 0;
          // each redacted value shrinks by 9 bytes ("900-12-3456" → null); beyond that, output lags
          // input by at most one record (the token in progress): nothing else is held back
          assertThat(in - out).isLessThanOrEqualTo(9L * (i + 1) + record.length);
        }
      }
    }
    ByteBuffer tail = redactor.feed(chunk, 0, filled);
    byte[] end = "{\"attributes\":{\"type\":\"Contact\"}}]}".getBytes(StandardCharsets.UTF_8);
    redactor.feed(end, 0, end.length);
    assertThat(tail.remaining() + redactor.finish().remaining()).isPositive();
    assertThat(in).isGreaterThan(32L << 20);
  }

  static String filtered(RedactedFields fields, String input, int chunk) throws IOException {
    return new String(redact(fields, input.getBytes(StandardCharsets.UTF_8), chunk), StandardCharsets.UTF_8);
  }

  @Test
  void whatIsNotChangedPassesByteForByteWhitespaceEscapesAndNumberFormsIncluded() throws Exception {
    String input = "\n{ \"totalSize\" : 1.0E+2 ,\"done\":true,\t\"records\" : [ {\"attributes\":{\"type\":\"Contact\"},"
        + "\"Name\":\"J\\u00e9r\\u00f4me \\\"JJ\\\" \\/ Smith\",\"N\":-0.50e-3,\"SSN__c\" :\t\"900-1\" } ] }\r\n";
    String expected = input.replace("\"900-1\"", "null");
    for (int chunk : new int[] {1, 2, 5, 4096}) {
      assertThat(filtered(NOTHING, input, chunk)).isEqualTo(input);
      assertThat(filtered(SSN, input, chunk)).isEqualTo(expected);
    }
  }

  @Test
  void absoluteLinksOnTheInstanceMoveToTheGatewayAndNothingElseDoes() throws Exception {
    String input = """
        {"id":"https://login.salesforce.com/id/00D5e000000AbCdEAA/005000000000001AAA",
         "instance_url":"https://acme.my.salesforce.com",
         "urls":{"enterprise":"https://acme.my.salesforce.com/services/Soap/c/{version}/00D5e000000AbCd",
                 "rest":"HTTPS://ACME.my.salesforce.com:443/services/data/v{version}/",
                 "escaped":"https:\\/\\/acme.my.salesforce.com\\/services\\/data",
                 "profile":"https://acme.my.salesforce.com/005000000000001AAA?x=1#y",
                 "photo":"https://acme.file.force.com/profilephoto/005/F",
                 "lookalike":"https://acme.my.salesforce.com.example.net/services",
                 "userinfo":"https://x@acme.my.salesforce.com/services",
                 "plain_http":"http://acme.my.salesforce.com/services",
                 "other_port":"https://acme.my.salesforce.com:8443/services",
                 "text":"see https://acme.my.salesforce.com/005"},
         "https://acme.my.salesforce.com/key":"keys are never rewritten",
         "nextRecordsUrl":"/services/data/v62.0/query/01gD0000002HU6KIAW-2000"}""";
    for (int chunk : new int[] {1, 3, 4096}) {
      JsonNode out = JSON.readTree(filtered(NOTHING, input, chunk));
      assertThat(out.get("instance_url").asText()).isEqualTo("https://gw.example.com:8443");
      assertThat(out.at("/urls/enterprise").asText())
          .isEqualTo("https://gw.example.com:8443/services/Soap/c/{version}/00D5e000000AbCd");
      assertThat(out.at("/urls/rest").asText()).isEqualTo("https://gw.example.com:8443/services/data/v{version}/");
      assertThat(out.at("/urls/escaped").asText()).isEqualTo("https://gw.example.com:8443/services/data");
      assertThat(out.at("/urls/profile").asText()).isEqualTo("https://gw.example.com:8443/005000000000001AAA?x=1#y");
      JsonNode in = JSON.readTree(input);
      for (String untouched : List.of("/id", "/urls/photo", "/urls/lookalike", "/urls/userinfo", "/urls/plain_http",
          "/urls/other_port", "/urls/text", "/nextRecordsUrl")) {
        assertThat(out.at(untouched)).as(untouched).isEqualTo(in.at(untouched));
      }
      assertThat(out.has("https://acme.my.salesforce.com/key")).isTrue();
    }
  }

  @Test
  void everySplitPointGivesTheSameOutput() throws Exception {
    String input = """
        {"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003A"},
        "SSN__c":{"nested":["900-12-3456",1.5e3]},"Link":"https://acme.my.salesforce.com/003A","Name":"\\u00e9 \u4e2d",
        "Account":{"attributes":{"type":"Account"},"SSN__c":-12.75}}]}""";
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    byte[] whole = redact(SSN, bytes, bytes.length);
    assertThat(new String(whole, StandardCharsets.UTF_8)).doesNotContain("900-")
        .contains("\"SSN__c\":null,\"Link\":\"https://gw.example.com:8443/003A\"").contains("\"SSN__c\":-12.75");
    for (int split = 0; split <= bytes.length; split++) {
      JsonAnswerFilter filter = new JsonAnswerFilter(SSN, LINKS);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      write(out, filter.feed(bytes, 0, split));
      write(out, filter.feed(bytes, split, bytes.length - split));
      write(out, filter.finish());
      assertThat(out.toByteArray()).as("split at %d", split).isEqualTo(whole);
    }
  }

  @Test
  void withNothingToRedactAnAnswerThatIsNotJsonPassesOnUnchanged() throws Exception {
    for (String notJson : new String[] {"<html>Service Unavailable</html>", "{\"a\":1}{\"b\":\"https://acme.my.salesforce.com\"}",
        "{\"truncated\":[1,", "{\"u\":\"https://acme.my.salesforce.com/x\", oops}"}) {
      String out = filtered(NOTHING, notJson, 3);
      assertThat(out).as(notJson).isEqualTo(notJson.startsWith("{\"u\"")
          ? notJson.replace("https://acme.my.salesforce.com", "https://gw.example.com:8443") : notJson);
    }
  }
}
