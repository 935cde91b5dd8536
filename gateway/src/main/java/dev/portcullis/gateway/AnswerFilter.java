package dev.portcullis.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes an answer's body as it streams from Salesforce to the client: redacts the fields of a
 * {@code redact_fields} obligation and moves absolute links on the org's instance to the gateway.
 * Bytes that are not changed pass through exactly as they came; a filter holds back only what it
 * may still change (one token or text node).
 *
 * <p>A filter with fields to redact fails closed: input it cannot read is an {@link IOException}
 * and nothing more may be passed on. A filter that only rewrites links passes the rest of an
 * unreadable answer on unchanged: a link left alone is not a leak.
 */
abstract sealed class AnswerFilter permits JsonAnswerFilter, XmlAnswerFilter {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerFilter.class);

  /** What to redact ({@link RedactedFields#isEmpty()}: nothing, and then unreadable input passes on). */
  final RedactedFields fields;
  /** The answer's bytes not yet passed on. */
  final AnswerSplicer bytes = new AnswerSplicer();
  /** The input could not be read and nothing is redacted: the rest passes on unchanged. */
  private boolean passingOn;

  AnswerFilter(RedactedFields fields) {
    this.fields = fields;
  }

  /** Reads {@code input} (consumed whole) and returns the bytes to pass on now, maybe none. */
  final ByteBuffer feed(ByteBuffer input) throws IOException {
    byte[] copy = new byte[input.remaining()]; // the parsers keep what they are fed: a copy of their own
    input.get(copy);
    if (copy.length > 0) {
      bytes.append(copy, 0, copy.length);
      if (!passingOn) {
        try {
          parse(copy);
        } catch (IOException e) {
          giveUp(e);
        }
      }
    }
    return taken();
  }

  /** As {@link #feed(ByteBuffer)}, from part of an array (not kept). */
  final ByteBuffer feed(byte[] input, int offset, int length) throws IOException {
    return feed(ByteBuffer.wrap(input, offset, length));
  }

  /** Ends the input: the last bytes to pass on; fails when a redacting filter's input is incomplete. */
  final ByteBuffer finish() throws IOException {
    if (!passingOn && bytes.end() > 0) { // no body at all has nothing to filter
      try {
        end();
        bytes.copyAll(); // what follows the document (whitespace)
      } catch (IOException e) {
        giveUp(e);
      }
    }
    return taken();
  }

  /** Parses the next bytes of the answer (a fresh array, kept by the parser), splicing {@link #bytes}. */
  abstract void parse(byte[] chunk) throws IOException;

  /** The input ended: parses what is left, and fails unless the document was complete. */
  abstract void end() throws IOException;

  /** Every byte before this offset is settled: passed on as it is, or dropped when {@link #dropping()}. */
  abstract long settled();

  /** Inside a redacted value: settled bytes are dropped, not passed on. */
  abstract boolean dropping();

  /** Fails when redacting; otherwise passes the rest of the answer on unchanged. */
  private void giveUp(IOException e) throws IOException {
    if (!fields.isEmpty()) {
      throw e;
    }
    LOG.debug("an answer is passed on unchanged from byte {}: {}", settled(), e.getClass().getSimpleName());
    passingOn = true;
  }

  private ByteBuffer taken() {
    if (passingOn) {
      bytes.copyAll();
    } else if (dropping()) {
      bytes.dropTo(settled());
    } else {
      bytes.copyTo(settled());
    }
    return bytes.take();
  }

  /** What happens to an answer's body, from its headers. */
  sealed interface Choice {
    /** The body streams through this filter ({@code Content-Length} no longer holds). */
    record Filter(AnswerFilter filter) implements Choice {}

    /** The body passes on unchanged: nothing in it needs changing, or it cannot be read and need not be. */
    record PassOn() implements Choice {}

    /** The body must be redacted but cannot be: it must not be passed on. */
    record Refuse(String why) implements Choice {}
  }

  /**
   * How to treat an answer with these headers: JSON ({@code application/json}, {@code +json}) and
   * XML ({@code text/xml}, {@code application/xml}, {@code +xml}) in UTF-8 without a {@code
   * Content-Encoding} are filtered; anything else passes on unchanged, unless fields must be
   * redacted, when it is refused.
   *
   * @param redacted the fields to redact, empty when none
   */
  static Choice choose(String contentType, String contentEncoding, RedactedFields redacted, InstanceUrlRewriter urls) {
    Optional<String> unreadable = whyUnreadable(contentType, contentEncoding);
    if (unreadable.isPresent()) {
      return redacted.isEmpty() ? new Choice.PassOn() : new Choice.Refuse(unreadable.get());
    }
    return isJson(contentType) ? new Choice.Filter(new JsonAnswerFilter(redacted, urls))
        : new Choice.Filter(new XmlAnswerFilter(redacted, urls));
  }

  /**
   * Why an answer with these headers cannot be filtered, or empty when it can: it must be JSON or
   * XML, in UTF-8 (JSON's default; an XML answer must not declare another encoding either), without a
   * {@code Content-Encoding} other than {@code identity}.
   */
  static Optional<String> whyUnreadable(String contentType, String contentEncoding) {
    if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.strip().equalsIgnoreCase("identity")) {
      return Optional.of("it is encoded (Content-Encoding: " + contentEncoding + ")");
    }
    if (contentType == null) {
      return Optional.of("it has no Content-Type");
    }
    String[] parts = contentType.split(";");
    String media = parts[0].strip().toLowerCase(Locale.ROOT);
    if (!isJson(contentType) && !isXml(media)) {
      return Optional.of("it is " + media + ", and only JSON and XML answers are redacted");
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
        String charset = parameter.substring(8).replace("\"", "").strip();
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return Optional.of("it is in " + charset + ", and only UTF-8 answers are redacted");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isJson(String contentType) {
    String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json");
  }

  private static boolean isXml(String media) {
    return media.equals("text/xml") || media.equals("application/xml") || media.endsWith("+xml");
  }
}
