package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Shared pieces of the C2SP signed-note key formats: key names, key IDs, strict base64, and
 * Ed25519 through the JDK (raw 32-byte keys wrapped in their fixed DER prefixes).
 */
final class NoteKeys {

  /** Signature type of plain Ed25519 note signatures (c2sp.org/signed-note). */
  static final byte TYPE_ED25519 = 0x01;

  /** Signature type of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
  static final byte TYPE_COSIGNATURE_V1 = 0x04;

  static final int ED25519_KEY_BYTES = 32;
  static final int ED25519_SIGNATURE_BYTES = 64;

  /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 public key (RFC 8410). */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /** DER prefix of a PKCS#8 PrivateKeyInfo holding a raw Ed25519 seed (RFC 8410). */
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private NoteKeys() {}

  /**
   * Key names: non-empty, no Unicode spaces, no '+' (c2sp.org/signed-note §Format); also no
   * control character and no unpaired surrogate, which no note may carry.
   */
  static boolean isValidName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      // Go's unicode.IsSpace: the ASCII spaces, U+0085, and every Z category (incl. U+00A0).
      if (cp == '+' || cp < 0x20 || cp == 0x85 || Character.isWhitespace(cp)
          || Character.isSpaceChar(cp) || cp >= 0xd800 && cp <= 0xdfff) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /** {@code SHA-256(name || 0x0A || type || publicKey)[:4]}, big-endian. */
  static int keyId(String name, byte type, byte[] publicKey) {
    MessageDigest sha256 = sha256();
    sha256.update(name.getBytes(UTF_8));
    sha256.update((byte) '\n');
    sha256.update(type);
    sha256.update(publicKey);
    byte[] digest = sha256.digest();
    return ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8)
        | (digest[3] & 0xff);
  }

  static String hex8(int keyId) {
    return HexFormat.of().toHexDigits(keyId);
  }

  /** Parses exactly eight lowercase hex digits, or returns null. */
  static Integer parseHex8(String s) {
    if (s.length() != 8) {
      return null;
    }
    for (int i = 0; i < 8; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return (int) Long.parseLong(s, 16);
  }

  /**
   * Decodes standard base64 (RFC 4648 §4) with padding, accepting only the canonical encoding (the
   * one that re-encodes to the same text), or returns null.
   */
  static byte[] decodeBase64(String s) {
    if (s.isEmpty() || s.length() % 4 != 0) {
      return null;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(s);
      return Base64.getEncoder().encodeToString(bytes).equals(s) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String encodeBase64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] concat(byte first, byte[] rest) {
    byte[] out = new byte[1 + rest.length];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A JDK public key from a raw 32-byte Ed25519 public key, or null if it is not a valid point. */
  static PublicKey publicKey(byte[] raw) {
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + ED25519_KEY_BYTES);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, ED25519_KEY_BYTES);
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      // The key factory takes any 32 bytes; the point is decoded (and rejected) only here.
      Signature.getInstance("Ed25519").initVerify(key);
      return key;
    } catch (GeneralSecurityException | ProviderException e) {
      return null;
    }
  }

  /** 2^255 - 19. */
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  /** The y coordinate of the points of order 8 (the others are P minus it). */
  private static final BigInteger Y_ORDER_8 = new BigInteger(
      "2707385501144840649318225287225658788936804267575313519463743609750303402022");

  /**
   * Whether a raw Ed25519 public key is a point of small order (1, 2, 4 or 8), in any encoding.
   * RFC 8032 verification accepts such keys, and with them anyone can forge signatures (a zero
   * signature verifies under the all-zero key), so a verifier key must never be one. The eight
   * such points have y in {0, 1, -1, ±Y_ORDER_8} mod p; x is fixed by y up to sign.
   */
  static boolean isSmallOrder(byte[] raw) {
    byte[] bigEndian = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      bigEndian[i] = raw[raw.length - 1 - i];
    }
    bigEndian[0] &= 0x7f; // the sign bit of x
    BigInteger y = new BigInteger(1, bigEndian).mod(P);
    return y.signum() == 0 || y.equals(BigInteger.ONE) || y.equals(P.subtract(BigInteger.ONE))
        || y.equals(Y_ORDER_8) || y.equals(P.subtract(Y_ORDER_8));
  }

  /**
   * The raw public key of a seed. The JDK has no "public key of this private key" call, so the key
   * pair generator is fed the seed as its randomness (it draws exactly the 32-byte seed, RFC 8032
   * §5.1.5); the result is checked against the seed, so a JDK that drew differently fails loudly.
   */
  static byte[] publicKeyOfSeed(byte[] seed) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] drawn = rawSeed(pair.getPrivate());
      boolean same = Arrays.equals(drawn, seed);
      Arrays.fill(drawn, (byte) 0);
      if (!same) {
        throw new IllegalStateException("the JDK's Ed25519 key generator did not use the seed");
      }
      return rawPublicKey(pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** A fresh random seed from the JDK's Ed25519 key generator. */
  static byte[] generateSeed() {
    try {
      return rawSeed(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  static byte[] rawPublicKey(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der.length != SPKI_PREFIX.length + ED25519_KEY_BYTES
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalStateException("unexpected Ed25519 public key encoding");
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  private static byte[] rawSeed(PrivateKey key) {
    byte[] der = key.getEncoded();
    try {
      if (der.length < PKCS8_PREFIX.length + ED25519_KEY_BYTES
          || !Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
        throw new IllegalStateException("unexpected Ed25519 private key encoding");
      }
      return Arrays.copyOfRange(der, PKCS8_PREFIX.length, PKCS8_PREFIX.length + ED25519_KEY_BYTES);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * Signs with Ed25519 (RFC 8032 §5.1.6; deterministic, so the bytes equal any conforming implementation's) using
   * BouncyCastle, about ten times faster than the JDK's: the sequencer signs a checkpoint on every commit, and
   * the time is on every append's acknowledgement path.
   */
  static byte[] sign(byte[] seed, byte[] message) {
    byte[] signature = new byte[ED25519_SIGNATURE_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * The same signature as {@link #sign(byte[], byte[])}, given the seed's public key ({@link #publicKeyOfSeed}):
   * one scalar multiplication instead of two (the sequencer signs a checkpoint per commit).
   */
  static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
    byte[] signature = new byte[ED25519_SIGNATURE_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * Verifies an Ed25519 signature (RFC 8032 §5.1.7) with BouncyCastle's implementation, about six times faster
   * than the JDK's (it matters when a verifier checks every checkpoint a log ever published). The key has been
   * validated when it was parsed (on the curve, not of small order).
   */
  static boolean verify(byte[] rawKey, byte[] message, byte[] signature) {
    if (signature.length != ED25519_SIGNATURE_BYTES || rawKey.length != ED25519_KEY_BYTES) {
      return false;
    }
    return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, rawKey, 0, message, 0, message.length);
  }

  /** A parsed private key string; the seed is the caller's to wipe. */
  record ParsedPrivateKey(String name, byte[] seed) {
    static final String PREFIX = "PRIVATE+KEY+";

    static ParsedPrivateKey parse(String privateKey, byte wantedType) {
      Objects.requireNonNull(privateKey, "privateKey");
      // The message never quotes the string: it is a secret.
      if (!privateKey.startsWith(PREFIX)) {
        throw malformed("private key does not start with PRIVATE+KEY+");
      }
      String rest = privateKey.substring(PREFIX.length());
      int first = rest.indexOf('+');
      int second = first < 0 ? -1 : rest.indexOf('+', first + 1);
      if (second < 0) {
        throw malformed("private key is not of the form PRIVATE+KEY+<name>+<hex8>+<base64>");
      }
      String name = rest.substring(0, first);
      if (!NoteKeys.isValidName(name)) {
        throw malformed("private key name is invalid: it must be non-empty, without spaces or '+'");
      }
      Integer keyId = NoteKeys.parseHex8(rest.substring(first + 1, second));
      if (keyId == null) {
        throw malformed("private key " + name + ": key ID is not eight lowercase hex digits");
      }
      byte[] key = NoteKeys.decodeBase64(rest.substring(second + 1));
      if (key == null) {
        throw malformed("private key " + name + ": key is not canonical standard base64");
      }
      try {
        if (key[0] != wantedType) {
          throw new NoteException(LedgerErrorCode.UNSUPPORTED_KEY_TYPE, "private key " + name
              + ": signature type 0x" + String.format("%02x", key[0] & 0xff) + " where 0x"
              + String.format("%02x", wantedType) + " is expected");
        }
        if (key.length != 1 + NoteKeys.ED25519_KEY_BYTES) {
          throw malformed("private key " + name + ": Ed25519 seed is " + (key.length - 1)
              + " bytes, not 32");
        }
        byte[] seed = Arrays.copyOfRange(key, 1, key.length);
        byte[] publicKey = NoteKeys.publicKeyOfSeed(seed);
        int expected = NoteKeys.keyId(name, wantedType, publicKey);
        if (expected != keyId) {
          Arrays.fill(seed, (byte) 0);
          throw malformed("private key " + name + ": key ID " + NoteKeys.hex8(keyId)
              + " does not match the key (" + NoteKeys.hex8(expected) + ")");
        }
        return new ParsedPrivateKey(name, seed);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }

    private static NoteException malformed(String message) {
      return new NoteException(LedgerErrorCode.MALFORMED_KEY, message);
    }

    @Override
    public String toString() {
      return "ParsedPrivateKey[name=" + name + ", seed=<redacted>]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParsedPrivateKey other && name.equals(other.name)
          && Arrays.equals(seed, other.seed);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  /** Randomness that yields the given bytes once, then fails: only for {@link #publicKeyOfSeed}. */
  private static final class FixedRandom extends SecureRandom {
    private byte[] remaining;

    FixedRandom(byte[] bytes) {
      this.remaining = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (remaining == null || out.length != remaining.length) {
        throw new IllegalStateException("unexpected draw of " + out.length + " random bytes");
      }
      System.arraycopy(remaining, 0, out, 0, out.length);
      Arrays.fill(remaining, (byte) 0);
      remaining = null;
    }
  }
}
