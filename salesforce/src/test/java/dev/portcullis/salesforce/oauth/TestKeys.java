package dev.portcullis.salesforce.oauth;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Keys generated once per test run, and PEM written by hand (RFC 7468 textual encoding). */
final class TestKeys {
  private static KeyPair rsa2048;

  private TestKeys() {}

  static synchronized KeyPair rsa2048() {
    if (rsa2048 == null) {
      rsa2048 = generate("RSA", 2048);
    }
    return rsa2048;
  }

  static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (size > 0) {
        generator.initialize(size);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN label-----}, Base64 in 64-character lines, {@code -----END label-----}. */
  static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
