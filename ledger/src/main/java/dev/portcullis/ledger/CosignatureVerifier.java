package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies C2SP tlog-cosignature/v1 Ed25519 cosignatures (signature type 0x04): the signature is
 * {@code u64 timestamp || Ed25519(cosignature/v1\ntime <timestamp>\n<checkpoint text>)}.
 */
public final class CosignatureVerifier implements NoteVerifier {

  static final int COSIGNATURE_BYTES = 8 + NoteKeys.ED25519_SIGNATURE_BYTES;

  private final String name;
  private final byte[] rawKey;
  private final PublicKey publicKey;
  private final int keyId;

  CosignatureVerifier(String name, byte[] rawKey, PublicKey publicKey) {
    this.name = name;
    this.rawKey = rawKey.clone();
    this.publicKey = publicKey;
    this.keyId = NoteKeys.keyId(name, NoteKeys.TYPE_COSIGNATURE_V1, rawKey);
  }

  /** Parses a cosigner's vkey (type 0x04). */
  public static CosignatureVerifier parse(String vkey) {
    return switch (NoteVerifier.parse(vkey)) {
      case CosignatureVerifier cosigner -> cosigner;
      case NoteVerifier.Ed25519 plain -> throw new NoteException(
          LedgerErrorCode.UNSUPPORTED_KEY_TYPE, "verifier key " + plain.name()
              + " is a note signing key (type 0x01), not a cosignature key (type 0x04)");
    };
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
        + NoteKeys.encodeBase64(NoteKeys.concat(NoteKeys.TYPE_COSIGNATURE_V1, rawKey));
  }

  @Override
  public boolean verify(byte[] text, byte[] signature) {
    if (signature.length != COSIGNATURE_BYTES) {
      return false;
    }
    long timestamp = timestampOf(signature);
    if (timestamp < 0) {
      return false; // above 2^63 - 1, which the spec forbids
    }
    return NoteKeys.verify(rawKey, signedMessage(timestamp, text),
        Arrays.copyOfRange(signature, 8, signature.length));
  }

  /**
   * The timestamp (POSIX seconds) of this cosigner's valid cosignature on {@code note}.
   *
   * @throws NoteException {@code UNVERIFIED} if the note carries no such cosignature, {@code
   *     BAD_SIGNATURE} if it carries one that does not verify
   */
  public long verifiedTimestamp(SignedNote note) {
    List<NoteSignature> verified = note.verify(List.of(this));
    return timestampOf(verified.getFirst().signature());
  }

  /**
   * As {@link #verifiedTimestamp(SignedNote)}, and refuses a cosignature dated more than {@code
   * maxSkew} after the clock's current second (verifiers MAY refuse future timestamps).
   */
  public long verifiedTimestamp(SignedNote note, Clock clock, Duration maxSkew) {
    long timestamp = verifiedTimestamp(note);
    long latest = clock.instant().plus(maxSkew).getEpochSecond();
    if (timestamp > latest) {
      throw new NoteException(LedgerErrorCode.FUTURE_TIMESTAMP, "cosignature of "
          + name + "+" + NoteKeys.hex8(keyId) + " is dated " + timestamp
          + ", later than the latest acceptable " + latest);
    }
    return timestamp;
  }

  static long timestampOf(byte[] signature) {
    long t = 0;
    for (int i = 0; i < 8; i++) {
      t = (t << 8) | (signature[i] & 0xff);
    }
    return t;
  }

  /** {@code cosignature/v1\ntime <timestamp>\n} followed by the note text. */
  static byte[] signedMessage(long timestamp, byte[] text) {
    byte[] header = ("cosignature/v1\ntime " + timestamp + "\n").getBytes(UTF_8);
    byte[] message = Arrays.copyOf(header, header.length + text.length);
    System.arraycopy(text, 0, message, header.length, text.length);
    return message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosignatureVerifier other && name.equals(other.name)
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
