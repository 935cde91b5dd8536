package dev.portcullis.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Session tokens and session ids.
 *
 * <p>A session token is {@code <org id>!<random>}: the target org's ID, {@code !}, and {@value
 * #RANDOM_CHARACTERS} characters from {@code [A-Za-z0-9._]} drawn from {@link SecureRandom}
 * ({@value #RANDOM_BYTES} random bytes, {@value #RANDOM_BITS} bits). That is the shape of a
 * Salesforce access token, so the Salesforce CLI accepts a session token where it expects one
 * ({@code sf org login access-token} checks {@link #SF_ACCESS_TOKEN}), and secret scanners that
 * know Salesforce tokens (96 characters after the {@code !}) flag a leaked one.
 *
 * <p>Only {@link #hash} of a token is stored. Looking a session up by that hash needs no secret
 * comparison: the hash of a {@value #RANDOM_BITS}-bit secret reveals nothing through the timing of
 * an index lookup. Where a token must be compared with a stored hash, {@link #matches} compares
 * in constant time. Never log a token; log the session id.
 */
public final class SessionTokens {

  /** Random bytes per token: 72 bytes are 96 base64url characters. */
  public static final int RANDOM_BYTES = 72;

  public static final int RANDOM_CHARACTERS = RANDOM_BYTES / 3 * 4;

  public static final int RANDOM_BITS = RANDOM_BYTES * 8;

  /**
   * The check {@code sf org login access-token} applies before it sends anything: {@code
   * matchesAccessToken} in forcedotcom/sfdx-core, {@code src/util/sfdc.ts}: {@code
   * /^(00D\w{12,15})![.\w]*$/} (JavaScript's {@code \w} without the {@code u} flag is Java's
   * default {@code \w}, {@code [a-zA-Z_0-9]}).
   */
  public static final Pattern SF_ACCESS_TOKEN = Pattern.compile("^(00D\\w{12,15})![.\\w]*$");

  /** What {@link #generate} produces; {@link #isWellFormed} accepts exactly this. */
  private static final Pattern TOKEN =
      Pattern.compile("(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)![A-Za-z0-9._]{" + RANDOM_CHARACTERS + "}");

  private static final Pattern ORG_ID = Pattern.compile("00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");

  // Crockford's base32, as ULIDs use it (https://github.com/ulid/spec): no I, L, O, U.
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionTokens() {}

  /**
   * A new session token for the org {@code orgId}.
   *
   * @param orgId the 15- or 18-character Salesforce org ID the session is for
   */
  public static String generate(String orgId) {
    Objects.requireNonNull(orgId, "orgId");
    if (!ORG_ID.matcher(orgId).matches()) {
      throw new IllegalArgumentException(
          "not a Salesforce org ID (00D + 12 or 15 letters or digits): '" + orgId + "'");
    }
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    // base64url is A-Z a-z 0-9 - _; '-' becomes '.', which Salesforce tokens and sf allow.
    return orgId + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(random).replace('-', '.');
  }

  /** Whether {@code token} has the shape {@link #generate} gives (says nothing of its validity). */
  public static boolean isWellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }

  /** The lower-case hex SHA-256 of the token's UTF-8 bytes: what the store keeps. */
  public static String hash(String token) {
    Objects.requireNonNull(token, "token");
    return HexFormat.of().formatHex(sha256(token));
  }

  /**
   * Whether {@code token} hashes to {@code expectedHash}, compared in constant time (the time
   * depends on the lengths only).
   */
  public static boolean matches(String token, String expectedHash) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expectedHash, "expectedHash");
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(expectedHash);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(sha256(token), expected);
  }

  /**
   * A new session id: {@code ses_} and a ULID (26 Crockford base32 characters: 48 bits of
   * milliseconds since the epoch, then 80 random bits), so ids sort by issue time.
   */
  public static String newSessionId(Instant now) {
    long millis = now.toEpochMilli();
    if (millis < 0 || millis >= 1L << 48) {
      throw new IllegalArgumentException("a ULID holds 48-bit milliseconds since 1970: " + now);
    }
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] id = new char[26];
    for (int i = 9; i >= 0; i--) {
      id[i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits as 16 characters of 5 bits.
    long high = 0;
    for (int i = 0; i < 5; i++) {
      high = high << 8 | (random[i] & 0xff);
    }
    long low = 0;
    for (int i = 5; i < 10; i++) {
      low = low << 8 | (random[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      id[i] = CROCKFORD[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      id[i] = CROCKFORD[(int) (low & 31)];
      low >>>= 5;
    }
    return "ses_" + new String(id);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
