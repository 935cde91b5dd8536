package dev.portcullis.certs.path;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 of a DER encoding: the identity of a certificate or key in the caches shared across validations. */
final class DerDigest {
  private final byte[] sha256;
  private final int hash;

  private DerDigest(byte[] sha256) {
    this.sha256 = sha256;
    this.hash = Arrays.hashCode(sha256);
  }

  static DerDigest of(byte[] der) {
    try {
      return new DerDigest(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform (MessageDigest)", e);
    }
  }

  /** Lowercase hex, as the checks show a fingerprint. */
  String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DerDigest that && MessageDigest.isEqual(sha256, that.sha256);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
