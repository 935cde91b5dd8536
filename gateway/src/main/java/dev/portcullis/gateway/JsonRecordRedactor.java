package dev.portcullis.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Redacts the fields of a {@code redact_fields} obligation from a Salesforce JSON answer, as the
 * bytes arrive: a push (non-blocking) Jackson parser reads each chunk and a generator writes the
 * redacted tokens at once, so memory stays flat whatever the answer's size.
 *
 * <h2>Design</h2>
 *
 * <p>Salesforce marks every record object with {@code "attributes": {"type": "Contact", …}}, first
 * of its keys: query and queryAll results, their next pages, record reads, relationship records
 * nested in a record ({@code "Account": {"attributes": …}}) and the records of subquery results
 * ({@code "Contacts": {"totalSize": 1, "records": [{"attributes": …}]}}) alike. The redactor keeps a
 * stack of the open objects and arrays; an object learns its type when its {@code attributes.type}
 * is read. A field listed for that type has its value, scalar or structure, replaced by {@code
 * null}: the key stays so that clients still see the column.
 *
 * <p>Invariants, each failing closed:
 *
 * <ul>
 *   <li>An object whose type is not known (no {@code attributes}, or fields before it) has every
 *       field redacted whose name is redacted on any object: typing can only narrow redaction, never
 *       reveal.
 *   <li>The input must be one complete JSON value (or nothing); truncated, malformed, doubled or
 *       duplicate-key input is an {@link IOException}, and the caller must not pass on anything
 *       unredacted. Parse errors never carry source text (Jackson leaves it out by default).
 *   <li>Only whole tokens are written; a token split across chunks is held by the parser until it
 *       is complete (within Jackson's read constraints: 20 MB per string, nesting 1000).
 * </ul>
 */
final class JsonRecordRedactor {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  /** An open object or array; an object's {@code type} is set by its {@code attributes}. */
  private static final class Frame {
    final boolean object;
    /** For the {@code attributes} object of a record: that record's frame. */
    final Frame attributesOf;
    String type;

    Frame(boolean object, Frame attributesOf) {
      this.object = object;
      this.attributesOf = attributesOf;
    }
  }

  private final RedactedFields fields;
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final JsonGenerator generator;
  private final Deque<Frame> frames = new ArrayDeque<>();
  /** The next value belongs to a redacted field. */
  private boolean redactNext;
  /** Depth inside a redacted structure being skipped; 0 when not skipping. */
  private int skipping;
  /** The next object is the {@code attributes} of the current record. */
  private boolean nextIsAttributes;
  /** The next string is the current {@code attributes} object's {@code type}. */
  private boolean nextIsType;
  private boolean rootDone;
  private long tokens;

  JsonRecordRedactor(RedactedFields fields) {
    this.fields = fields;
    try {
      this.parser = JSON.createNonBlockingByteArrayParser();
      this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
      this.generator = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a JSON parser", e);
    }
  }

  /**
   * Why an answer with these headers cannot be redacted, or empty when it can: it must be JSON
   * ({@code application/json} or {@code +json}), in UTF-8 (the default for JSON), without a
   * {@code Content-Encoding} other than {@code identity}.
   */
  static Optional<String> whyUnredactable(String contentType, String contentEncoding) {
    if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.strip().equalsIgnoreCase("identity")) {
      return Optional.of("it is encoded (Content-Encoding: " + contentEncoding + ")");
    }
    if (contentType == null) {
      return Optional.of("it has no Content-Type");
    }
    String[] parts = contentType.split(";");
    String media = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!media.equals("application/json") && !media.endsWith("+json")) {
      return Optional.of("it is " + media + ", and only JSON answers are redacted (ask for application/json)");
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
        String charset = parameter.substring(8).replace("\"", "").strip();
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return Optional.of("it is in " + charset + ", and only UTF-8 JSON is redacted");
        }
      }
    }
    return Optional.empty();
  }

  /** Reads {@code input} (consumed whole) and returns the redacted bytes it completes, maybe none. */
  ByteBuffer feed(ByteBuffer input) throws IOException {
    byte[] bytes = new byte[input.remaining()];
    input.get(bytes);
    return feed(bytes, 0, bytes.length);
  }

  ByteBuffer feed(byte[] input, int offset, int length) throws IOException {
    if (length > 0) {
      feeder.feedInput(input, offset, offset + length);
      drain();
    }
    return flushed();
  }

  /** Ends the input: returns the last redacted bytes, or fails when the JSON is incomplete. */
  ByteBuffer finish() throws IOException {
    feeder.endOfInput();
    drain();
    if (!frames.isEmpty() || redactNext || skipping > 0 || (tokens > 0 && !rootDone)) {
      throw new IOException("the JSON answer ended before its value was complete");
    }
    return flushed();
  }

  private ByteBuffer flushed() throws IOException {
    generator.flush();
    ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
    out.reset();
    return bytes;
  }

  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      process(token);
    }
  }

  private void process(JsonToken token) throws IOException {
    tokens++;
    if (skipping > 0) {
      if (token.isStructStart()) {
        skipping++;
      } else if (token.isStructEnd()) {
        skipping--;
        valueEnded();
      }
      return;
    }
    if (rootDone) {
      throw new IOException("the JSON answer holds more than one value");
    }
    if (redactNext) {
      redactNext = false;
      generator.writeNull();
      if (token.isStructStart()) {
        skipping = 1;
      }
      return;
    }
    switch (token) {
      case START_OBJECT -> {
        Frame attributesOf = nextIsAttributes ? frames.peek() : null;
        nextIsAttributes = false;
        frames.push(new Frame(true, attributesOf));
        generator.writeStartObject();
      }
      case START_ARRAY -> {
        nextIsAttributes = false;
        frames.push(new Frame(false, null));
        generator.writeStartArray();
      }
      case END_OBJECT, END_ARRAY -> {
        frames.pop();
        generator.copyCurrentEvent(parser);
        valueEnded();
      }
      case FIELD_NAME -> {
        String name = parser.currentName();
        Frame frame = frames.peek();
        nextIsAttributes = false;
        nextIsType = false;
        if (frame.attributesOf != null) {
          nextIsType = name.equals("type");
        } else if (name.equals("attributes")) {
          nextIsAttributes = true;
        } else if (fields.redacts(Optional.ofNullable(frame.type), name)) {
          redactNext = true;
        }
        generator.writeFieldName(name);
      }
      default -> { // scalars
        if (nextIsType && token == JsonToken.VALUE_STRING) {
          frames.peek().attributesOf.type = parser.getText();
        }
        nextIsType = false;
        nextIsAttributes = false;
        generator.copyCurrentEventExact(parser);
        valueEnded();
      }
    }
  }

  private void valueEnded() {
    if (skipping == 0 && frames.isEmpty()) {
      rootDone = true;
    }
  }
}
