package dev.portcullis.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

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
sealed interface AnswerFilter permits JsonAnswerFilter, XmlAnswerFilter {
  /** Reads {@code input} (consumed whole) and returns the bytes to pass on now, maybe none. */
  ByteBuffer feed(ByteBuffer input) throws IOException;

  /** Ends the input: the last bytes to pass on; fails when a redacting filter's input is incomplete. */
  ByteBuffer finish() throws IOException;

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
