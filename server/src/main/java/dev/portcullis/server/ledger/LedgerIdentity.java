package dev.portcullis.server.ledger;

import dev.portcullis.ledger.NoteSigner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The name and key the server's ledger signs its checkpoints with: the server's Ed25519 signing key
 * ({@code DATA_DIR/keys/server-signing-ed25519.pem}) as a C2SP signed-note signer whose key name is the
 * checkpoint origin.
 *
 * <p>The origin is {@code ledger.origin} from the configuration or, by default,
 * {@value #DEFAULT_ORIGIN_PREFIX} followed by the first 16 hex digits of SHA-256 of the raw public key: stable
 * for as long as the installation keeps its key, distinct between installations, and a schema-less name with
 * neither spaces nor {@code +} as C2SP tlog-checkpoint asks of an origin.
 */
public record LedgerIdentity(String origin, NoteSigner.Ed25519 signer) {
  public static final String DEFAULT_ORIGIN_PREFIX = "portcullis.ledger/";

  /** DER prefix of a JDK PKCS#8 Ed25519 private key (RFC 8410 §7): the 32-byte seed follows. */
  private static final byte[] PKCS8_ED25519_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): the 32-byte key follows. */
  private static final byte[] SPKI_ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /**
   * @param pkcs8 the PKCS#8 encoding of the Ed25519 private key
   * @param spki the SubjectPublicKeyInfo encoding of its public key
   * @param configuredOrigin {@code ledger.origin}, if set
   * @throws IllegalArgumentException if the encodings are not Ed25519 or do not belong together
   */
  public static LedgerIdentity of(byte[] pkcs8, byte[] spki, Optional<String> configuredOrigin) {
    byte[] seed = strip(pkcs8, PKCS8_ED25519_PREFIX, "private key");
    byte[] publicKey = strip(spki, SPKI_ED25519_PREFIX, "public key");
    String origin = configuredOrigin.orElseGet(() -> defaultOrigin(publicKey));
    NoteSigner.Ed25519 signer = new NoteSigner.Ed25519(origin, seed);
    Arrays.fill(seed, (byte) 0);
    String vkey = signer.verifier().vkey(); // a name holds no "+"; the base64 key may
    byte[] typedKey = Base64.getDecoder().decode(vkey.substring(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1));
    if (!Arrays.equals(typedKey, 1, typedKey.length, publicKey, 0, publicKey.length)) {
      throw new IllegalArgumentException("the signing key's public half does not match its private half");
    }
    return new LedgerIdentity(origin, signer);
  }

  /** The default origin for a log key. */
  static String defaultOrigin(byte[] rawPublicKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawPublicKey);
      return DEFAULT_ORIGIN_PREFIX + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The verifier key, {@code <origin>+<hex key id>+<base64(0x01 ‖ public key)>}. */
  public String vkey() {
    return signer.verifier().vkey();
  }

  private static byte[] strip(byte[] der, byte[] prefix, String what) {
    if (der.length != prefix.length + 32 || !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
      throw new IllegalArgumentException("the server's " + what + " is not an Ed25519 key in the expected encoding");
    }
    return Arrays.copyOfRange(der, prefix.length, der.length);
  }

  @Override
  public String toString() {
    return "LedgerIdentity[" + vkey() + ", private key redacted]";
  }
}
