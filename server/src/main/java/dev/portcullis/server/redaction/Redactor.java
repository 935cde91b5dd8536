package dev.portcullis.server.redaction;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text bound for a log: Salesforce access tokens ({@code 00D…!…}), JWTs
 * ({@code eyJ…}), PEM private key blocks, bearer tokens, and the values of password, assertion,
 * token and secret parameters (in {@code key=value}, {@code key: value} and JSON forms, also
 * JSON-escaped). The patterns run over whole encoded log lines, so they also catch secrets in
 * arguments, MDC values and exception messages.
 */
public final class Redactor {
  /** What a masked value is replaced with. */
  public static final String MASK = "***";

  private static final List<Rule> RULES = List.of(
      // PEM private key blocks, terminated or cut off.
      new Rule(Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(?:(?s:.*?)-----END [A-Z0-9 ]*PRIVATE KEY-----|[A-Za-z0-9+/=\\s\\\\:,-]*)"),
          "-----BEGIN $1PRIVATE KEY-----" + MASK + "-----END $1PRIVATE KEY-----"),
      // Salesforce session ids / access tokens: 15 or 18 character org id, '!', opaque rest.
      new Rule(Pattern.compile("\\b00D[0-9A-Za-z]{12,15}![0-9A-Za-z._-]+"), "00D" + MASK),
      // JWS / JWT compact serialization (and a bare base64url JSON header).
      new Rule(Pattern.compile("\\beyJ[0-9A-Za-z_-]{4,}(?:\\.[0-9A-Za-z_-]*){0,2}"), "eyJ" + MASK),
      // Authorization: Bearer …
      new Rule(Pattern.compile("(?i)(\\bBearer\\s+)[0-9A-Za-z._~+/!-]+=*"), "$1" + MASK),
      // key=value, key: value, "key":"value", \"key\":\"value\" for secret-named keys.
      new Rule(Pattern.compile(
          "(?i)((?<![A-Za-z])(?:password|passwd|pwd|secret|client_secret|assertion|access_token|refresh_token|id_token|token|sid)"
              + "(?:\\\\?\")?\\s*[=:]\\s*(?:\\\\?\")?)(?!\\*\\*\\*)[^&\\s\",;}\\\\]+"),
          "$1" + MASK));

  private Redactor() {}

  /** {@code text} with every recognised credential masked. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (Rule rule : RULES) {
      Matcher matcher = rule.pattern().matcher(result);
      if (matcher.find()) {
        result = matcher.replaceAll(rule.replacement());
      }
    }
    return result;
  }

  private record Rule(Pattern pattern, String replacement) {}
}
