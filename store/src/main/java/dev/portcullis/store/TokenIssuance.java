package dev.portcullis.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * One access token that Portcullis obtained or issued. The token itself is never stored: only
 * its SHA-256 fingerprint, which lets an operator match a token in hand against the record.
 *
 * @param id unique per issuance (e.g. the token's jti, or a random UUID)
 * @param orgAlias the org the token is for; must be registered
 * @param issuedAt when it was issued
 * @param expiresAt when it expires, or {@code null} when unknown
 * @param subject who or what the token acts as (user name, CI identity)
 * @param purpose why it was issued (e.g. {@code gateway-session}, {@code deploy})
 * @param tokenFingerprint lower-case hex SHA-256 of the token, see {@link #fingerprint(String)}
 */
public record TokenIssuance(
    UUID id,
    String orgAlias,
    Instant issuedAt,
    Instant expiresAt,
    String subject,
    String purpose,
    String tokenFingerprint) {

  public TokenIssuance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orgAlias, "orgAlias");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(tokenFingerprint, "tokenFingerprint");
    if (!tokenFingerprint.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "token issuance " + id + ": tokenFingerprint must be 64 lower-case hex digits"
              + " (SHA-256); was it given the token instead of its fingerprint?");
    }
    issuedAt = issuedAt.truncatedTo(ChronoUnit.MICROS);
    expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
  }

  /** The lower-case hex SHA-256 of the token's UTF-8 bytes. */
  public static String fingerprint(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
