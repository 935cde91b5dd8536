package dev.portcullis.deploy.diff;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Readings of URLs and opaque values that the diffs report on. */
final class Urls {
  private Urls() {}

  /** Whether {@code url} uses plain {@code http://} (any case). */
  static boolean isInsecureHttp(String url) {
    return url != null && url.strip().toLowerCase(Locale.ROOT).startsWith("http://");
  }

  /** Whether the host part of {@code url} (or the bare value) holds a {@code *}. */
  static boolean hasWildcardHost(String url) {
    if (url == null) {
      return false;
    }
    String rest = url.strip();
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      rest = rest.substring(scheme + 3);
    }
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int index = rest.indexOf(c);
      if (index >= 0 && index < end) {
        end = index;
      }
    }
    return rest.substring(0, end).contains("*");
  }

  /**
   * A short, stable fingerprint of an opaque value (a PEM certificate, base64 content): the first 16
   * hex digits of the SHA-256 of its text without whitespace, so a reformatted value keeps its
   * fingerprint and the value itself never appears in a report.
   */
  static String fingerprint(String value) {
    if (value == null) {
      return null;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(value.replaceAll("\\s+", "").getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
