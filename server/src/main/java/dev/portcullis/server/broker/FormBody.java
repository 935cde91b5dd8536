package dev.portcullis.server.broker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A strict {@code application/x-www-form-urlencoded} body (WHATWG URL standard, "application/
 * x-www-form-urlencoded parsing"), as OAuth token endpoints receive (RFC 6749 §3.2, RFC 8693 §2.1).
 * Stricter than browsers on purpose: the body must be UTF-8, every name may appear once (RFC 6749
 * §3.2: "Request and response parameters MUST NOT be included more than once"), percent escapes
 * must be well formed, and the size is capped before anything is decoded.
 */
final class FormBody {
  private final Map<String, String> fields;

  private FormBody(Map<String, String> fields) {
    this.fields = fields;
  }

  /** Why a body was refused; the message names what was wrong. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown when the body is larger than the limit. */
  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads at most {@code limit} bytes from {@code in} and parses them. */
  static FormBody read(InputStream in, int limit) throws IOException, Invalid, TooLarge {
    byte[] bytes = in.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new TooLarge("the request body is larger than " + limit + " bytes");
    }
    return parse(bytes);
  }

  static FormBody parse(byte[] bytes) throws Invalid {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Invalid("the request body is not UTF-8");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return new FormBody(fields);
    }
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2": empty sequences are skipped, as the standard says
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.isEmpty()) {
        throw new Invalid("the request body has a parameter without a name");
      }
      if (fields.putIfAbsent(name, value) != null) {
        throw new Invalid("parameter '" + printable(name) + "' is given more than once (RFC 6749 section 3.2)");
      }
    }
    return new FormBody(fields);
  }

  private static String decode(String part) throws Invalid {
    for (int i = 0; i < part.length(); i++) {
      if (part.charAt(i) == '%') {
        if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
            || Character.digit(part.charAt(i + 2), 16) < 0) {
          throw new Invalid("the request body has a malformed percent escape");
        }
      }
    }
    try {
      String decoded = URLDecoder.decode(part, StandardCharsets.UTF_8);
      if (decoded.indexOf('\uFFFD') >= 0 && part.indexOf('\uFFFD') < 0) {
        throw new Invalid("the request body has percent escapes that are not UTF-8");
      }
      return decoded;
    } catch (IllegalArgumentException e) {
      throw new Invalid("the request body has a malformed percent escape");
    }
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  boolean has(String name) {
    return fields.containsKey(name);
  }

  /** {@code text} cut to 64 characters with control characters replaced, for error messages. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return text.codePointCount(0, text.length()) > 64 ? out + "…" : out.toString();
  }
}
