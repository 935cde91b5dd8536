package dev.portcullis.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a request an approval is bound to: the lower-case hex SHA-256 of its canonical
 * form, each part length-prefixed so no two different requests share one:
 * {@code gateway.request}, org alias, principal issuer, principal subject, method (upper case), the
 * normalised path, the raw query string, and the SHA-256 of the body (of the empty body when there
 * is none; for a SOAP call, of the envelope with its session id blanked, so another session of the
 * same principal can use the approval). Any change to any part needs a new approval.
 */
public final class ApprovalBinding {
  private ApprovalBinding() {}

  public static String of(String org, String issuer, String subject, String method, String path, String rawQuery,
      byte[] body) {
    MessageDigest sha256 = sha256();
    byte[] bodyDigest = sha256().digest(body == null ? new byte[0] : body);
    for (String part : new String[] {"gateway.request", org, issuer, subject, method.toUpperCase(java.util.Locale.ROOT),
        path, rawQuery == null ? "" : rawQuery, HexFormat.of().formatHex(bodyDigest)}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha256.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
      sha256.update(bytes);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
