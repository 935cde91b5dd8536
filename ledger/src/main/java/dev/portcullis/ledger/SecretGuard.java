package dev.portcullis.ledger;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of the ledger, which is append-only and published: a secret written once could
 * never be taken back.
 *
 * <p>Design note. Two independent checks, both over every member at every depth:
 *
 * <ol>
 *   <li><b>Names.</b> A member name is split into words (snake, kebab, dotted and camel case); it is
 *       refused when a word is a secret word ({@code token}, {@code password}, {@code secret},
 *       {@code assertion}, {@code authorization}, {@code cookie}, {@code credential}, ...) or two
 *       adjacent words name a key ({@code private_key}, {@code api_key}, ...). The only way to keep
 *       such a field is to hash it: a name ending in {@code _sha256} whose value is 64 lower-case
 *       hex digits ({@code token_sha256}). A {@code _sha256} name holding anything else is refused
 *       too, because it may be the secret itself. An identifier is not a secret: {@code session}
 *       and {@code session_id} are fine, {@code session_token} is not.
 *   <li><b>Values.</b> Every string anywhere is searched for credential shapes, whatever its
 *       field is called: a JWT (base64url {@code eyJ…} header, payload and signature), a Salesforce
 *       access token or session ID (an org ID, {@code !}, the token), a PEM private key block, an
 *       HTTP {@code Bearer} credential or {@code Authorization:} header value.
 * </ol>
 *
 * <p>Refusals name the field by its JSON Pointer and never quote the value.
 */
final class SecretGuard {

  private static final Set<String> SECRET_WORDS =
      Set.of(
          "token", "tokens", "password", "passwords", "passwd", "passphrase", "pwd", "secret",
          "secrets", "assertion", "authorization", "cookie", "cookies", "credential",
          "credentials", "apikey", "privatekey", "bearer", "jwt", "otp");

  /** Adjacent word pairs that name a secret key. */
  private static final Set<String> SECRET_PAIRS =
      Set.of("private key", "api key", "signing key", "secret key", "session key", "access key",
          "client key", "encryption key");

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private static final Pattern WORD_BOUNDARY =
      Pattern.compile("[_\\-.\\s]+|(?<=[a-z0-9])(?=[A-Z])");

  /**
   * A credential shape: what it is, its pattern, and a substring every match contains (checked
   * first, case-insensitively when the pattern is, so that most values never reach the pattern).
   */
  private record Shape(String what, Pattern pattern, String needle, boolean ignoreCase) {
    boolean mayMatch(String value) {
      if (!ignoreCase) {
        return value.contains(needle);
      }
      int n = needle.length();
      for (int i = 0; i + n <= value.length(); i++) {
        if (value.regionMatches(true, i, needle, 0, n)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final List<Shape> CREDENTIAL_SHAPES =
      List.of(
          new Shape(
              "a JWT",
              Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), "eyJ", false),
          new Shape(
              "a Salesforce access token or session ID",
              Pattern.compile("00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?![^\\s\"]{16,}"), "!", false),
          new Shape(
              "a PEM private key",
              Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"), "-----BEGIN ", false),
          new Shape(
              "an HTTP Bearer credential",
              Pattern.compile("(?i)(?:^\\s*bearer\\s+\\S|\\bbearer\\s+[A-Za-z0-9\\-._~+/]{20,})"), "bearer", true),
          new Shape(
              "an HTTP Authorization header",
              Pattern.compile("(?i)\\bauthorization\\s*:\\s*\\S"), "authorization", true));

  private SecretGuard() {}

  /**
   * Names already judged: entries reuse a small set of field names, so each is split into words
   * once. Bounded: past the limit names are judged again each time, never wrongly.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_NAMES = 4096;

  /** Refuses {@code fields} if any member at any depth holds or is named like a secret. */
  static void check(Map<String, Object> fields) {
    for (Map.Entry<String, Object> member : fields.entrySet()) {
      checkMember("", member.getKey(), member.getValue());
    }
  }

  /** Whether {@code name} names a secret (see the class comment); a {@code _sha256} name does not. */
  static boolean isSecretName(String name) {
    Boolean known = NAMES.get(name);
    if (known != null) {
      return known;
    }
    boolean secret = judgeName(name);
    if (NAMES.size() < MAX_CACHED_NAMES) {
      NAMES.putIfAbsent(name, secret);
    }
    return secret;
  }

  private static boolean judgeName(String name) {
    if (name.endsWith("_sha256")) {
      return false;
    }
    String[] words = WORD_BOUNDARY.split(name);
    String previous = null;
    for (String raw : words) {
      String word = raw.toLowerCase(Locale.ROOT);
      if (SECRET_WORDS.contains(word)
          || (previous != null && SECRET_PAIRS.contains(previous + " " + word))) {
        return true;
      }
      previous = word;
    }
    String flat = name.toLowerCase(Locale.ROOT);
    return flat.contains("password") || flat.contains("privatekey") || flat.contains("accesstoken");
  }

  /**
   * What credential {@code value} looks like, or {@code null} when it looks like none. A value
   * without any character that every shape needs (the {@code .} of a JWT, the {@code !} of a
   * Salesforce token, the dashes of a PEM block, the words {@code bearer} or {@code authorization}
   * in any case) is none, without running the patterns: most values are ids, names and times.
   */
  static String credentialShape(String value) {
    if (!mayHoldCredential(value)) {
      return null;
    }
    for (Shape shape : CREDENTIAL_SHAPES) {
      if (shape.mayMatch(value) && shape.pattern().matcher(value).find()) {
        return shape.what();
      }
    }
    return null;
  }

  /** A necessary condition of every credential shape; false means none can match. */
  static boolean mayHoldCredential(String value) {
    if (value.indexOf('.') >= 0 || value.indexOf('!') >= 0 || value.contains("-----")) {
      return true;
    }
    for (int i = 0; i + 6 <= value.length(); i++) {
      char c = value.charAt(i);
      if ((c == 'b' || c == 'B') && value.regionMatches(true, i, "bearer", 0, 6)) {
        return true;
      }
      if ((c == 'a' || c == 'A') && value.regionMatches(true, i, "authorization", 0, 13)) {
        return true;
      }
    }
    return false;
  }

  private static void checkMember(String parent, String name, Object value) {
    // the field's JSON Pointer is built only when it is needed: for a refusal or to descend
    if (name.endsWith("_sha256")) {
      if (!(value instanceof String hash) || !HASH.matcher(hash).matches()) {
        throw refuse(
            JsonPointer.member(parent, name),
            "is named as a SHA-256 but does not hold 64 lower-case hex digits; it may hold the"
                + " secret itself (use LedgerEntry.sha256)");
      }
      return;
    }
    if (isSecretName(name)) {
      throw refuse(
          JsonPointer.member(parent, name),
          "is named like a secret; record its hash instead, as '" + name
              + "_sha256' (LedgerEntry.sha256)");
    }
    if (value instanceof String text) {
      String shape = credentialShape(text);
      if (shape != null) {
        throw refuse(JsonPointer.member(parent, name), "holds what looks like " + shape + "; record its hash instead");
      }
    } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
      checkValue(JsonPointer.member(parent, name), value);
    }
  }

  private static void checkValue(String path, Object value) {
    switch (value) {
      case Map<?, ?> map -> {
        for (Map.Entry<?, ?> member : map.entrySet()) {
          checkMember(path, String.valueOf(member.getKey()), member.getValue());
        }
      }
      case List<?> list -> {
        for (int i = 0; i < list.size(); i++) {
          checkValue(path + "/" + i, list.get(i));
        }
      }
      case String text -> {
        String shape = credentialShape(text);
        if (shape != null) {
          throw refuse(path, "holds what looks like " + shape + "; record its hash instead");
        }
      }
      case null, default -> {}
    }
  }

  private static LedgerException refuse(String path, String why) {
    return new LedgerException(
        LedgerErrorCode.ENTRY_HOLDS_SECRET, "ledger entry field '" + path + "' " + why);
  }
}
