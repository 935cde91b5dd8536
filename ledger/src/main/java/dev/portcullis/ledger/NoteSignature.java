package dev.portcullis.ledger;

import java.util.Arrays;

/**
 * One signature line of a signed note: {@code — <keyName> <base64(keyId || signature)>}. The
 * base64 text is kept as it appeared so that a parsed note formats back byte for byte.
 *
 * @param keyName the key name (non-empty, no Unicode spaces, no '+')
 * @param keyId the big-endian key ID, the first four bytes of the decoded signature
 * @param base64 the canonical standard base64 of the key ID followed by the algorithm's bytes
 */
public record NoteSignature(String keyName, int keyId, String base64) {

  /** The em dash (U+2014) and space that open every signature line. */
  static final String LINE_PREFIX = "\u2014 ";

  public NoteSignature {
    if (keyName == null || !NoteKeys.isValidName(keyName)) {
      throw new NoteException(LedgerErrorCode.MALFORMED_NOTE,
          "invalid key name " + quote(keyName) + ": it must be non-empty, without spaces or '+'");
    }
    byte[] bytes = base64 == null ? null : NoteKeys.decodeBase64(base64);
    if (bytes == null || bytes.length < 5) {
      throw new NoteException(LedgerErrorCode.MALFORMED_NOTE, "signature of key " + keyName
          + " is not canonical standard base64 of a 4-byte key ID and a signature");
    }
    int decodedId = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16)
        | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    if (decodedId != keyId) {
      throw new NoteException(LedgerErrorCode.MALFORMED_NOTE, "signature of key " + keyName
          + " carries key ID " + NoteKeys.hex8(decodedId) + ", not " + NoteKeys.hex8(keyId));
    }
  }

  /** A signature line for {@code signature} (the algorithm's bytes, without the key ID). */
  public static NoteSignature of(String keyName, int keyId, byte[] signature) {
    byte[] bytes = new byte[4 + signature.length];
    bytes[0] = (byte) (keyId >>> 24);
    bytes[1] = (byte) (keyId >>> 16);
    bytes[2] = (byte) (keyId >>> 8);
    bytes[3] = (byte) keyId;
    System.arraycopy(signature, 0, bytes, 4, signature.length);
    return new NoteSignature(keyName, keyId, NoteKeys.encodeBase64(bytes));
  }

  /**
   * Parses one signature line, without its newline: for the cosignature lines a witness answers
   * (c2sp.org/tlog-witness), which come without a note.
   */
  public static NoteSignature parse(String line) {
    if (line.indexOf('\n') >= 0) {
      throw malformed("a signature line must not contain a newline");
    }
    String problem = SignedNote.textProblem(line + "\n");
    if (problem != null) {
      throw malformed("signature line: " + problem);
    }
    return parseLine(line, "signature line: ");
  }

  static NoteSignature parseLine(String line, String where) {
    if (!line.startsWith(LINE_PREFIX)) {
      throw malformed(
          where + "a signature line must start with an em dash (U+2014) and a space");
    }
    String rest = line.substring(LINE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw malformed(
          where + "a signature line must be '\u2014 <key name> <base64 signature>'");
    }
    String name = rest.substring(0, space);
    String base64 = rest.substring(space + 1);
    if (!NoteKeys.isValidName(name)) {
      throw malformed(where + "invalid key name " + quote(name)
          + ": it must be non-empty, without spaces or '+'");
    }
    byte[] bytes = NoteKeys.decodeBase64(base64);
    if (bytes == null) {
      throw malformed(
          where + "signature of key " + name + " is not canonical standard base64");
    }
    if (bytes.length < 5) {
      throw malformed(where + "signature of key " + name + " is " + bytes.length
          + " bytes, shorter than a key ID and a signature");
    }
    int keyId = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16)
        | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    return new NoteSignature(name, keyId, base64);
  }

  /** The algorithm's signature bytes, after the key ID. */
  public byte[] signature() {
    byte[] bytes = NoteKeys.decodeBase64(base64);
    return Arrays.copyOfRange(bytes, 4, bytes.length);
  }

  /** The signature line, without its final newline. */
  public String line() {
    return LINE_PREFIX + keyName + " " + base64;
  }

  /** {@code name+hex8}, how messages name a key. */
  String keyLabel() {
    return keyName + "+" + NoteKeys.hex8(keyId);
  }

  static String quote(String s) {
    return s == null ? "null" : "'" + s + "'";
  }

  private static NoteException malformed(String message) {
    return new NoteException(LedgerErrorCode.MALFORMED_NOTE, message);
  }
}
