package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP tlog-witness {@code add-checkpoint} request (c2sp.org/tlog-witness, section
 * "add-checkpoint"):
 *
 * <pre>
 * old 20852014
 * PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
 * …                      (0 to 63 consistency proof hashes, standard base64)
 *
 * example.com/behind-the-sofa
 * 20852163
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 *
 * — example.com/behind-the-sofa Az3grlgt…
 * </pre>
 *
 * <p>The old size line is {@code old}, one space and ASCII decimal without leading zeroes; every line
 * ends in U+000A; the first empty line ends the proof and the rest is the signed checkpoint note.
 * {@link #parse} is written for bytes from the network: it checks the size ({@value #MAX_BYTES}
 * bytes) first, accepts only canonical padded base64, at most {@value #MAX_PROOF_HASHES} proof lines,
 * a checkpoint that is a well-formed C2SP tlog-checkpoint, and accepts exactly what {@link #bytes()}
 * writes. Every malformed input fails with a {@link LedgerException} naming the line; nothing else
 * is thrown. Whether the old size fits the checkpoint is the witness's check (it answers 400 after
 * the 404 and 403 checks, in the spec's order), not the parser's.
 *
 * @param oldSize the tree size the client believes the witness last cosigned
 * @param consistencyProof the RFC 6962 consistency proof from {@code oldSize} to the checkpoint
 * @param checkpoint the signed checkpoint note
 */
public record AddCheckpointRequest(long oldSize, List<Hash> consistencyProof, SignedNote checkpoint) {

  /** The largest request body accepted: a checkpoint with many signatures fits comfortably. */
  public static final int MAX_BYTES = 128 * 1024;

  /** The most consistency proof lines a client may send (tlog-witness: "MUST NOT send more than 63"). */
  public static final int MAX_PROOF_HASHES = 63;

  public AddCheckpointRequest {
    Objects.requireNonNull(checkpoint, "checkpoint");
    consistencyProof = List.copyOf(consistencyProof);
    if (oldSize < 0) {
      throw malformed("old size is negative: " + oldSize);
    }
    if (consistencyProof.size() > MAX_PROOF_HASHES) {
      throw malformed("consistency proof has " + consistencyProof.size() + " hashes, more than "
          + MAX_PROOF_HASHES);
    }
    try {
      Checkpoint.of(checkpoint);
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.MALFORMED_WITNESS_REQUEST,
          "add-checkpoint request: " + e.getMessage(), e);
    }
  }

  /** The checkpoint the note carries. */
  public Checkpoint parsedCheckpoint() {
    return Checkpoint.of(checkpoint);
  }

  /** Parses a request body. */
  public static AddCheckpointRequest parse(byte[] body) {
    Objects.requireNonNull(body, "body");
    if (body.length > MAX_BYTES) {
      throw new LedgerException(LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE, "add-checkpoint request is "
          + body.length + " bytes, more than the " + MAX_BYTES + " allowed");
    }
    int position = 0;
    int lineNumber = 1;
    long oldSize = -1;
    List<Hash> proof = new ArrayList<>();
    while (true) {
      int end = indexOf(body, (byte) '\n', position);
      if (end < 0) {
        throw malformed("line " + lineNumber + " does not end with a newline"
            + (oldSize < 0 ? "" : " (an empty line must separate the proof from the checkpoint)"));
      }
      String line = ascii(body, position, end, lineNumber);
      position = end + 1;
      if (lineNumber == 1) {
        oldSize = parseOldSize(line);
      } else if (line.isEmpty()) {
        break;
      } else {
        if (proof.size() == MAX_PROOF_HASHES) {
          throw malformed("line " + lineNumber + ": more than " + MAX_PROOF_HASHES
              + " consistency proof lines");
        }
        byte[] hash = NoteKeys.decodeBase64(line);
        if (hash == null || hash.length != Hash.SIZE) {
          throw malformed("line " + lineNumber + ": consistency proof line is not a 32-byte hash "
              + "in canonical standard base64");
        }
        proof.add(Hash.of(hash));
      }
      lineNumber++;
    }
    byte[] note = new byte[body.length - position];
    System.arraycopy(body, position, note, 0, note.length);
    SignedNote checkpoint;
    try {
      checkpoint = SignedNote.parse(note);
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.MALFORMED_WITNESS_REQUEST, "add-checkpoint request: "
          + "checkpoint starting at line " + (lineNumber + 1) + ": " + e.getMessage(), e);
    }
    return new AddCheckpointRequest(oldSize, proof, checkpoint);
  }

  /** The request body. */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    out.writeBytes(("old " + oldSize + "\n").getBytes(UTF_8));
    for (Hash hash : consistencyProof) {
      out.writeBytes((hash.base64() + "\n").getBytes(UTF_8));
    }
    out.write('\n');
    out.writeBytes(checkpoint.bytes());
    return out.toByteArray();
  }

  private static long parseOldSize(String line) {
    if (!line.startsWith("old ")) {
      throw malformed("line 1: expected 'old <size>', got '" + abbreviate(line) + "'");
    }
    String digits = line.substring(4);
    boolean decimal = !digits.isEmpty() && digits.length() <= 19
        && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!decimal) {
      throw malformed("line 1: old size '" + abbreviate(digits) + "' is not a decimal number");
    }
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      throw malformed("line 1: old size '" + digits + "' has a leading zero");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw malformed("line 1: old size '" + digits + "' is larger than 2^63 - 1");
    }
  }

  private static String ascii(byte[] body, int from, int to, int lineNumber) {
    for (int i = from; i < to; i++) {
      if (body[i] < 0x20 || body[i] > 0x7e) {
        throw malformed("line " + lineNumber + ": byte 0x"
            + String.format("%02x", body[i] & 0xff) + " is not printable ASCII");
      }
    }
    return new String(body, from, to - from, UTF_8);
  }

  private static int indexOf(byte[] body, byte b, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private static LedgerException malformed(String message) {
    return new LedgerException(LedgerErrorCode.MALFORMED_WITNESS_REQUEST,
        "add-checkpoint request: " + message);
  }
}
