package dev.portcullis.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * Signs C2SP tlog-cosignature/v1 Ed25519 cosignatures (signature type 0x04) with the time of its
 * {@link Clock}: {@code u64 timestamp || Ed25519(cosignature/v1\ntime <t>\n<checkpoint text>)}.
 * A cosigner must use a key of its own: the signed message does not commit to the cosigner name.
 */
public final class Cosigner implements NoteSigner {
  private final String name;
  private final byte[] seed;
  private final CosignatureVerifier verifier;
  private final Clock clock;

  /** A cosigner for {@code name} from a 32-byte RFC 8032 seed (copied), stamping {@code clock}. */
  public Cosigner(String name, byte[] seed, Clock clock) {
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
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] raw = NoteKeys.publicKeyOfSeed(seed);
    this.verifier = new CosignatureVerifier(name, raw, NoteKeys.publicKey(raw));
  }

  /** A new random cosigner key named {@code name}. */
  public static Cosigner generate(String name, Clock clock) {
    byte[] seed = NoteKeys.generateSeed();
    try {
      return new Cosigner(name, seed, clock);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** Parses a {@code PRIVATE+KEY+…} string of type 0x04. */
  public static Cosigner parse(String privateKey, Clock clock) {
    NoteKeys.ParsedPrivateKey parsed =
        NoteKeys.ParsedPrivateKey.parse(privateKey, NoteKeys.TYPE_COSIGNATURE_V1);
    try {
      return new Cosigner(parsed.name(), parsed.seed(), clock);
    } finally {
      Arrays.fill(parsed.seed(), (byte) 0);
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

  /** {@code u64 timestamp || signature}, the timestamp being the clock's epoch second now. */
  @Override
  public byte[] sign(byte[] text) {
    return sign(text, clock.instant().getEpochSecond());
  }

  /** The cosignature of {@code text} at {@code timestamp} (POSIX seconds, not negative). */
  public byte[] sign(byte[] text, long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("cosignature timestamp before 1970: " + timestamp);
    }
    byte[] signature = NoteKeys.sign(seed, CosignatureVerifier.signedMessage(timestamp, text));
    byte[] out = new byte[8 + signature.length];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    System.arraycopy(signature, 0, out, 8, signature.length);
    return out;
  }

  /** The cosignature line for {@code checkpoint} at the clock's current time. */
  public NoteSignature cosign(Checkpoint checkpoint) {
    return NoteSignature.of(name, keyId(),
        sign(checkpoint.text().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public CosignatureVerifier verifier() {
    return verifier;
  }

  @Override
  public String privateKey() {
    return NoteKeys.ParsedPrivateKey.PREFIX + name + "+" + NoteKeys.hex8(keyId()) + "+"
        + NoteKeys.encodeBase64(NoteKeys.concat(NoteKeys.TYPE_COSIGNATURE_V1, seed));
  }

  @Override
  public String toString() {
    return "Cosigner[" + verifier.vkey() + ", private key redacted]";
  }
}
