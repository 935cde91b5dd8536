package dev.portcullis.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Filters a Salesforce JSON answer as the bytes arrive: redacts the fields of a {@code
 * redact_fields} obligation and rewrites absolute links on the org's instance
 * ({@link InstanceUrlRewriter}). A push (non-blocking) Jackson parser reads each chunk; the bytes
 * themselves pass through an {@link AnswerSplicer}, so whatever is not changed goes out byte for
 * byte as Salesforce sent it (whitespace, escapes and number forms included), and memory stays flat
 * whatever the answer's size.
 *
 * <h2>Design</h2>
 *
 * <p>Salesforce marks every record object with {@code "attributes": {"type": "Contact", …}}, first
 * of its keys: query and queryAll results, their next pages, record reads, relationship records
 * nested in a record ({@code "Account": {"attributes": …}}) and the records of subquery results
 * ({@code "Contacts": {"totalSize": 1, "records": [{"attributes": …}]}}) alike. The filter keeps a
 * stack of the open objects and arrays; an object learns its type when its {@code attributes.type}
 * is read. A field listed for that type has its value, scalar or structure, replaced by {@code
 * null}: the key stays so that clients still see the column. A string value (never a key) that is
 * an absolute URL on the instance is replaced by the same URL on the gateway.
 *
 * <p>Where a token is in the bytes: Jackson reports where each token ends (the offset after its
 * last byte, exact across chunk boundaries); between the end of one token and the start of the next
 * there is only whitespace, {@code :} and {@code ,}. A replaced value is the span from there to its
 * end (to the end of its closing bracket for a structure).
 *
 * <p>Invariants, each failing closed when fields are redacted:
 *
 * <ul>
 *   <li>An object whose type is not known (no {@code attributes}, or fields before it) has every
 *       field redacted whose name is redacted on any object: typing can only narrow redaction, never
 *       reveal.
 *   <li>The input must be one complete JSON value (or nothing); truncated, malformed, doubled or
 *       duplicate-key input is an {@link IOException}, and the caller must not pass on anything
 *       more. Parse errors never carry source text (Jackson leaves it out by default).
 *   <li>Only bytes before the token in progress are passed on: a token split across chunks is held
 *       until it is complete (within Jackson's read constraints: 20 MB per string, nesting 1000).
 * </ul>
 *
 * <p>Without fields to redact, an answer that turns out not to be JSON passes on unchanged from
 * where the parser gave up.
 */
final class JsonAnswerFilter extends AnswerFilter {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  /** What may stand between two tokens (and a UTF-8 byte order mark before the first). */
  private static final String BETWEEN_TOKENS = " \t\r\n,:\u00ef\u00bb\u00bf";

  /** An open object or array; an object's {@code type} is set by its {@code attributes}. */
  private static final class Frame {
    /** For the {@code attributes} object of a record: that record's frame. */
    final Frame attributesOf;
    String type;

    Frame(Frame attributesOf) {
      this.attributesOf = attributesOf;
    }
  }

  private final InstanceUrlRewriter urls;
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final Deque<Frame> frames = new ArrayDeque<>();
  /** The offset just after the last token read. */
  private long tokenEnd;
  /** The next value belongs to a redacted field. */
  private boolean redactNext;
  /** Depth inside a redacted structure being dropped; 0 when not dropping. */
  private int skipping;
  /** The next object is the {@code attributes} of the current record. */
  private boolean nextIsAttributes;
  /** The next string is the current {@code attributes} object's {@code type}. */
  private boolean nextIsType;
  private boolean rootDone;
  private long tokens;

  /**
   * @param fields what to redact ({@link RedactedFields#isEmpty()}: nothing)
   * @param urls how links on the instance move to the gateway
   */
  JsonAnswerFilter(RedactedFields fields, InstanceUrlRewriter urls) {
    super(fields);
    this.urls = urls;
    try {
      this.parser = JSON.createNonBlockingByteArrayParser();
      this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a JSON parser", e);
    }
  }

  @Override
  void parse(byte[] chunk) throws IOException {
    feeder.feedInput(chunk, 0, chunk.length);
    drain();
  }

  @Override
  void end() throws IOException {
    feeder.endOfInput();
    drain();
    if (!frames.isEmpty() || redactNext || skipping > 0 || (tokens > 0 && !rootDone)) {
      throw new IOException("the JSON answer ended before its value was complete");
    }
  }

  @Override
  long settled() {
    return tokenEnd;
  }

  @Override
  boolean dropping() {
    return skipping > 0;
  }

  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      long start = tokenEnd;
      tokenEnd = parser.currentLocation().getByteOffset();
      process(token, start);
    }
  }

  /** @param after the offset after the previous token: this one starts there, past whitespace and separators */
  private void process(JsonToken token, long after) throws IOException {
    tokens++;
    if (skipping > 0) {
      if (token.isStructStart()) {
        skipping++;
      } else if (token.isStructEnd()) {
        skipping--;
        valueEnded();
      }
      bytes.dropTo(tokenEnd);
      return;
    }
    if (rootDone) {
      throw new IOException("the JSON answer holds more than one value");
    }
    if (redactNext) {
      redactNext = false;
      bytes.replace(bytes.skip(after, BETWEEN_TOKENS), tokenEnd, NULL);
      if (token.isStructStart()) {
        skipping = 1;
      }
      return;
    }
    switch (token) {
      case START_OBJECT -> {
        Frame attributesOf = nextIsAttributes ? frames.peek() : null;
        nextIsAttributes = false;
        frames.push(new Frame(attributesOf));
      }
      case START_ARRAY -> {
        nextIsAttributes = false;
        frames.push(new Frame(null));
      }
      case END_OBJECT, END_ARRAY -> {
        frames.pop();
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
      }
      case VALUE_STRING -> {
        if (nextIsType) {
          frames.peek().attributesOf.type = parser.getText();
        } else if (InstanceUrlRewriter.mayBeUrl(parser.getTextCharacters(), parser.getTextOffset(),
            parser.getTextLength())) {
          Optional<String> moved = urls.rewrite(parser.getText());
          if (moved.isPresent()) {
            bytes.replace(bytes.skip(after, BETWEEN_TOKENS), tokenEnd, quoted(moved.get()));
          }
        }
        nextIsType = false;
        nextIsAttributes = false;
        valueEnded();
      }
      default -> { // other scalars
        nextIsType = false;
        nextIsAttributes = false;
        valueEnded();
      }
    }
  }

  private static byte[] quoted(String text) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] quoted = new byte[escaped.length + 2];
    quoted[0] = '"';
    System.arraycopy(escaped, 0, quoted, 1, escaped.length);
    quoted[quoted.length - 1] = '"';
    return quoted;
  }

  private void valueEnded() {
    if (skipping == 0 && frames.isEmpty()) {
      rootDone = true;
    }
  }
}
