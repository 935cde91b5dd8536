package dev.portcullis.ledger;

import java.util.Arrays;
import java.util.Objects;

/**
 * A private key that signs signed notes under one key name. Private keys are read and written in
 * the Go note form {@code PRIVATE+KEY+<name>+<hex8 key ID>+<base64(type || 32-byte seed)>}; they
 * never appear in {@code toString()}.
 */
public sealed interface NoteSigner permits NoteSigner.Ed25519, Cosigner {

  /** The key name written on signature lines. */
  String name();

  /** The key ID written on signature lines. */
  int keyId();

  /** The signature of the note text, without the key ID. */
  byte[] sign(byte[] text);

  /** The matching verifier. */
  NoteVerifier verifier();

  /** The private key string; a secret. */
  String privateKey();

  /** Parses a {@code PRIVATE+KEY+…} string of type 0x01 (Ed25519 note signatures). */
  static Ed25519 parse(String privateKey) {
    NoteKeys.ParsedPrivateKey parsed =
        NoteKeys.ParsedPrivateKey.parse(privateKey, NoteKeys.TYPE_ED25519);
    try {
      return new Ed25519(parsed.name(), parsed.seed());
    } finally {
      Arrays.fill(parsed.seed(), (byte) 0);
    }
  }

  /** Signs notes with Ed25519 (type 0x01) over the note text. */
  final class Ed25519 implements NoteSigner {
    private final String name;
    private final byte[] seed;
    /** The public key (RFC 8032 encoding), kept so that signing does not derive it again each time. */
    private final byte[] publicKey;
    private final NoteVerifier.Ed25519 verifier;

    /** A signer for {@code name} from a 32-byte RFC 8032 seed (copied). */
    public Ed25519(String name, byte[] seed) {
      if (!NoteKeys.isValidName(Objects.requireNonNull(name, "name"))) {
        throw new NoteException(LedgerErrorCode.MALFORMED_KEY, "key name "
            + NoteSignature.quote(name) + " is invalid: it must be non-empty, without spaces or '+'");
      }
      if (seed.length != NoteKeys.ED25519_KEY_BYTES) {
        throw new NoteException(LedgerErrorCode.MALFORMED_KEY,
            "Ed25519 seed is " + seed.length + " bytes, not 32");
      }
      this.name = name;
      this.seed = seed.clone();
      byte[] raw = NoteKeys.publicKeyOfSeed(seed);
      this.publicKey = raw.clone();
      this.verifier = new NoteVerifier.Ed25519(name, raw, NoteKeys.publicKey(raw));
    }

    /** A new random key named {@code name}. */
    public static Ed25519 generate(String name) {
      byte[] seed = NoteKeys.generateSeed();
      try {
        return new Ed25519(name, seed);
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int keyId() {
      return verifier.keyId();
    }

    @Override
    public byte[] sign(byte[] text) {
      return NoteKeys.sign(seed, publicKey, text);
    }

    @Override
    public NoteVerifier.Ed25519 verifier() {
      return verifier;
    }

    @Override
    public String privateKey() {
      return NoteKeys.ParsedPrivateKey.PREFIX + name + "+" + NoteKeys.hex8(keyId()) + "+"
          + NoteKeys.encodeBase64(NoteKeys.concat(NoteKeys.TYPE_ED25519, seed));
    }

    @Override
    public String toString() {
      return "NoteSigner.Ed25519[" + verifier.vkey() + ", private key redacted]";
    }
  }
}
