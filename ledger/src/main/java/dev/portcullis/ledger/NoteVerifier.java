package dev.portcullis.ledger;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A public key that checks signed-note signatures of one (key name, key ID) pair, read from and
 * written as a C2SP verifier key ("vkey"): {@code <name>+<hex8 key ID>+<base64(type || key)>}.
 * Type 0x01 gives an {@link Ed25519} note verifier; type 0x04 a {@link CosignatureVerifier}.
 *
 * <p>{@link #parse} is strict: canonical base64, lowercase hex, a key ID that matches the name and
 * key, and a key that is a valid Ed25519 point of large order. The JDK's key factory accepts any
 * 32 bytes (an invalid point fails only when verifying), and RFC 8032 verification accepts keys of
 * small order, under which signatures can be forged without a private key; both are refused here,
 * once, so that {@link #verify} can only answer true or false.
 */
public sealed interface NoteVerifier permits NoteVerifier.Ed25519, CosignatureVerifier {

  /** The key name signature lines carry. */
  String name();

  /** The key ID signature lines carry. */
  int keyId();

  /** The verifier key in vkey form. */
  String vkey();

  /**
   * Whether {@code signature} (without the key ID) is this key's valid signature of the note text.
   */
  boolean verify(byte[] text, byte[] signature);

  /** Parses a vkey, checking that its key ID is the one its name and key imply. */
  static NoteVerifier parse(String vkey) {
    Objects.requireNonNull(vkey, "vkey");
    // Split on '+' at most twice: standard base64 may itself contain '+'.
    int first = vkey.indexOf('+');
    int second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
    if (second < 0) {
      throw malformed("verifier key is not of the form <name>+<hex8 key ID>+<base64 key>");
    }
    String name = vkey.substring(0, first);
    String hash = vkey.substring(first + 1, second);
    String material = vkey.substring(second + 1);
    if (!NoteKeys.isValidName(name)) {
      throw malformed("verifier key name " + NoteSignature.quote(name)
          + " is invalid: it must be non-empty, without spaces or '+'");
    }
    Integer keyId = NoteKeys.parseHex8(hash);
    if (keyId == null) {
      throw malformed("verifier key " + name + ": key ID " + NoteSignature.quote(hash)
          + " is not eight lowercase hex digits");
    }
    byte[] key = NoteKeys.decodeBase64(material);
    if (key == null) {
      throw malformed("verifier key " + name + ": key is not canonical standard base64");
    }
    byte type = key[0];
    if (type != NoteKeys.TYPE_ED25519 && type != NoteKeys.TYPE_COSIGNATURE_V1) {
      throw new NoteException(LedgerErrorCode.UNSUPPORTED_KEY_TYPE, "verifier key " + name
          + ": signature type 0x" + String.format("%02x", type & 0xff)
          + " is not supported (0x01 Ed25519, 0x04 Ed25519 cosignature)");
    }
    byte[] raw = Arrays.copyOfRange(key, 1, key.length);
    if (raw.length != NoteKeys.ED25519_KEY_BYTES) {
      throw malformed("verifier key " + name + ": Ed25519 key is " + raw.length
          + " bytes, not 32");
    }
    int expected = NoteKeys.keyId(name, type, raw);
    if (expected != keyId) {
      throw malformed("verifier key " + name + ": key ID " + hash + " does not match the key ("
          + NoteKeys.hex8(expected) + ")");
    }
    if (NoteKeys.isSmallOrder(raw)) {
      throw malformed("verifier key " + name
          + ": a small-order Ed25519 public key, for which anyone can forge signatures");
    }
    PublicKey publicKey = NoteKeys.publicKey(raw);
    if (publicKey == null) {
      throw malformed("verifier key " + name + ": not a valid Ed25519 public key");
    }
    return type == NoteKeys.TYPE_ED25519
        ? new Ed25519(name, raw, publicKey)
        : new CosignatureVerifier(name, raw, publicKey);
  }

  private static NoteException malformed(String message) {
    return new NoteException(LedgerErrorCode.MALFORMED_KEY, message);
  }

  /** Verifies Ed25519 note signatures (type 0x01) over the note text. */
  final class Ed25519 implements NoteVerifier {
    private final String name;
    private final byte[] rawKey;
    private final PublicKey publicKey;
    private final int keyId;

    Ed25519(String name, byte[] rawKey, PublicKey publicKey) {
      this.name = name;
      this.rawKey = rawKey.clone();
      this.publicKey = publicKey;
      this.keyId = NoteKeys.keyId(name, NoteKeys.TYPE_ED25519, rawKey);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int keyId() {
      return keyId;
    }

    @Override
    public String vkey() {
      return name + "+" + NoteKeys.hex8(keyId) + "+"
          + NoteKeys.encodeBase64(NoteKeys.concat(NoteKeys.TYPE_ED25519, rawKey));
    }

    @Override
    public boolean verify(byte[] text, byte[] signature) {
      return NoteKeys.verify(rawKey, text, signature);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ed25519 other && name.equals(other.name)
          && Arrays.equals(rawKey, other.rawKey);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(rawKey);
    }

    @Override
    public String toString() {
      return vkey();
    }
  }
}
