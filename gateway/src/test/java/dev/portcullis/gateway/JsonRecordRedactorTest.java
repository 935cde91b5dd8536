package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordRedactorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final RedactedFields SSN = RedactedFields.of(List.of("Contact.SSN__c"));

  /** Runs {@code input} through a redactor in chunks of {@code chunk} bytes. */
  static byte[] redact(RedactedFields fields, byte[] input, int chunk) throws IOException {
    JsonRecordRedactor redactor = new JsonRecordRedactor(fields);
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
    JsonRecordRedactor redactor = new JsonRecordRedactor(SSN);
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
}
