package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A C2SP signed note (c2sp.org/signed-note v1.0.0): a text and the signature lines under it.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Wire form.</b> A note is its text (one or more lines, each ending in U+000A), one empty
 * line, then one or more signature lines {@code — <key name> <base64(key ID || signature)>\n},
 * where the dash is U+2014 EM DASH. The signed message is the text including its final newline
 * and excluding the separating empty line. The text may itself contain empty lines, so the
 * separator is the <em>last</em> empty line of the note; signature lines are never empty, so the
 * last {@code "\n\n"} of the note always ends the text. The whole note is valid UTF-8 with no
 * control character but newline.
 *
 * <p><b>Byte for byte.</b> {@link #format()} of a parsed note returns exactly the bytes that were
 * parsed: base64 is accepted only in its canonical padded form (the one that re-encodes to the
 * same text), so there is exactly one way to write each signature, and signature lines are kept in
 * order, duplicates included. A note is an immutable value; signing returns a new note.
 *
 * <p><b>Untrusted input.</b> {@link #parse(byte[])} is written for bytes from the network: it
 * checks the size ({@value #MAX_NOTE_BYTES} bytes) before anything else, decodes UTF-8 strictly,
 * accepts at most {@value #MAX_SIGNATURES} signature lines (the spec asks for at least 16), and
 * rejects every malformed line with a {@link NoteException} that names the 1-based line number.
 * It throws nothing else, whatever the input (a property test feeds it arbitrary and mutated
 * notes).
 *
 * <p><b>Verification</b> follows the spec's rules. A signature is by a known key when a verifier
 * has both its key name and its key ID; signatures by unknown keys, even ones sharing only a name
 * or only an ID with a known key, are kept and ignored. A signature by a known key that fails
 * rejects the whole note ({@code BAD_SIGNATURE}): a note altered after signing, or signed by a
 * different key under the same name, is an attack, not noise. The note is accepted only when at
 * least the required number of distinct known keys verify ({@code UNVERIFIED} otherwise). Two
 * different verifiers with the same name and key ID make the configuration ambiguous and fail the
 * note ({@code AMBIGUOUS_KEY}) rather than letting either one win.
 *
 * @param text the note text, ending in a newline
 * @param signatures the signature lines, in order
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

  /** The largest note {@link #parse(byte[])} reads. */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  /** The most signature lines {@link #parse(byte[])} reads. */
  public static final int MAX_SIGNATURES = 100;

  public SignedNote {
    Objects.requireNonNull(text, "text");
    signatures = List.copyOf(signatures);
    String problem = textProblem(text);
    if (problem != null) {
      throw malformed(problem);
    }
    if (signatures.isEmpty()) {
      throw malformed("a signed note needs at least one signature line");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new NoteException(LedgerErrorCode.NOTE_TOO_LARGE, "a signed note has "
          + signatures.size() + " signature lines, more than " + MAX_SIGNATURES);
    }
  }

  /** Signs {@code text} with each signer, in order. */
  public static SignedNote sign(String text, NoteSigner... signers) {
    Objects.requireNonNull(text, "text");
    String problem = textProblem(text);
    if (problem != null) {
      throw malformed(problem);
    }
    byte[] message = text.getBytes(UTF_8);
    List<NoteSignature> signatures = new ArrayList<>();
    for (NoteSigner signer : signers) {
      signatures.add(NoteSignature.of(signer.name(), signer.keyId(), signer.sign(message)));
    }
    return new SignedNote(text, signatures);
  }

  /**
   * This note with {@code signer}'s signature added, replacing any signature of the same key name
   * and key ID.
   */
  public SignedNote withSignature(NoteSigner signer) {
    return withSignature(NoteSignature.of(signer.name(), signer.keyId(),
        signer.sign(text.getBytes(UTF_8))));
  }

  /**
   * This note with {@code signature} added (not checked), replacing any signature of the same key
   * name and key ID; for cosignatures obtained from a witness.
   */
  public SignedNote withSignature(NoteSignature signature) {
    List<NoteSignature> out = new ArrayList<>();
    for (NoteSignature existing : signatures) {
      if (!(existing.keyName().equals(signature.keyName())
          && existing.keyId() == signature.keyId())) {
        out.add(existing);
      }
    }
    out.add(signature);
    return new SignedNote(text, out);
  }

  /** The note in its wire form. */
  public String format() {
    StringBuilder out = new StringBuilder(text.length() + 128 * signatures.size());
    out.append(text).append('\n');
    for (NoteSignature signature : signatures) {
      out.append(signature.line()).append('\n');
    }
    return out.toString();
  }

  /** The note in its wire form, UTF-8. */
  public byte[] bytes() {
    return format().getBytes(UTF_8);
  }

  /**
   * Checks the signatures against {@code known} and requires at least one to verify.
   *
   * @return the distinct verified signatures, in note order
   */
  public List<NoteSignature> verify(Collection<? extends NoteVerifier> known) {
    return verify(known, 1);
  }

  /**
   * Checks the signatures against {@code known} and requires signatures of at least {@code
   * minimum} distinct known keys to verify (k of n for witnesses).
   *
   * @return the distinct verified signatures, in note order
   * @throws NoteException {@code BAD_SIGNATURE} if a known key's signature fails, {@code
   *     AMBIGUOUS_KEY} if two verifiers share a name and key ID and one is needed, {@code
   *     UNVERIFIED} if fewer than {@code minimum} known keys verified
   */
  public List<NoteSignature> verify(Collection<? extends NoteVerifier> known, int minimum) {
    if (minimum < 1) {
      throw new IllegalArgumentException("minimum must be at least 1, not " + minimum);
    }
    Set<NoteVerifier> distinct = new LinkedHashSet<>(known);
    byte[] message = text.getBytes(UTF_8);
    int textLines = (int) text.chars().filter(c -> c == '\n').count();
    List<NoteSignature> verified = new ArrayList<>();
    Set<String> verifiedKeys = new LinkedHashSet<>();
    for (int i = 0; i < signatures.size(); i++) {
      NoteSignature signature = signatures.get(i);
      NoteVerifier match = null;
      for (NoteVerifier verifier : distinct) {
        if (verifier.name().equals(signature.keyName()) && verifier.keyId() == signature.keyId()) {
          if (match != null) {
            throw new NoteException(LedgerErrorCode.AMBIGUOUS_KEY,
                "ambiguous key " + signature.keyLabel() + ": two verifiers share its name and ID");
          }
          match = verifier;
        }
      }
      if (match == null) {
        continue;
      }
      if (!match.verify(message, signature.signature())) {
        throw new NoteException(LedgerErrorCode.BAD_SIGNATURE, "signed note line "
            + (textLines + 2 + i) + ": invalid signature for key " + signature.keyLabel());
      }
      if (verifiedKeys.add(signature.keyLabel())) {
        verified.add(signature);
      }
    }
    if (verifiedKeys.size() < minimum) {
      throw new NoteException(LedgerErrorCode.UNVERIFIED, minimum == 1
          ? "signed note has no verifiable signature by a known key (signed by "
              + signerLabels() + ")"
          : "signed note is signed by " + verifiedKeys.size() + " known keys, " + minimum
              + " are required");
    }
    return List.copyOf(verified);
  }

  private String signerLabels() {
    List<String> labels = new ArrayList<>();
    for (NoteSignature signature : signatures) {
      labels.add(signature.keyLabel());
    }
    return String.join(", ", labels);
  }

  /** Parses a note in its wire form. */
  public static SignedNote parse(String note) {
    Objects.requireNonNull(note, "note");
    if (note.length() > MAX_NOTE_BYTES) {
      throw tooLarge(note.length() + " characters");
    }
    ByteBuffer encoded;
    try {
      encoded = UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(note));
    } catch (CharacterCodingException e) {
      throw malformed("signed note contains an unpaired surrogate, which is not valid UTF-8");
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    return parse(bytes);
  }

  /** Parses a note in its wire form, UTF-8. */
  public static SignedNote parse(byte[] note) {
    Objects.requireNonNull(note, "note");
    if (note.length > MAX_NOTE_BYTES) {
      throw tooLarge(note.length + " bytes");
    }
    String s;
    try {
      s = UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(note))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("signed note is not valid UTF-8");
    }
    int line = 1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c < 0x20) {
        throw malformed("signed note line " + line + ": control character U+"
            + String.format("%04X", (int) c) + " (only newline is allowed)");
      }
    }
    if (s.isEmpty() || s.charAt(s.length() - 1) != '\n') {
      throw malformed("signed note does not end with a newline");
    }
    int split = s.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("signed note has no empty line between its text and its signatures");
    }
    String text = s.substring(0, split + 1);
    String block = s.substring(split + 2);
    if (block.isEmpty()) {
      throw malformed("signed note has no signature lines after its last empty line");
    }
    int lineNumber = (int) text.chars().filter(c -> c == '\n').count() + 2;
    List<NoteSignature> signatures = new ArrayList<>();
    int start = 0;
    while (start < block.length()) {
      int end = block.indexOf('\n', start);
      if (signatures.size() == MAX_SIGNATURES) {
        throw new NoteException(LedgerErrorCode.NOTE_TOO_LARGE,
            "signed note line " + lineNumber + ": more than " + MAX_SIGNATURES + " signatures");
      }
      signatures.add(NoteSignature.parseLine(block.substring(start, end),
          "signed note line " + lineNumber + ": "));
      start = end + 1;
      lineNumber++;
    }
    return new SignedNote(text, signatures);
  }

  /** Why {@code text} cannot be a note text, or null. */
  static String textProblem(String text) {
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      return "note text must be non-empty and end with a newline";
    }
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c < 0x20) {
        return "note text line " + line + ": control character U+"
            + String.format("%04X", (int) c) + " (only newline is allowed)";
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return "note text line " + line + ": unpaired surrogate, not valid UTF-8";
        }
      }
    }
    return null;
  }

  private static NoteException malformed(String message) {
    return new NoteException(LedgerErrorCode.MALFORMED_NOTE, message);
  }

  private static NoteException tooLarge(String size) {
    return new NoteException(LedgerErrorCode.NOTE_TOO_LARGE,
        "signed note is " + size + " long, more than the " + MAX_NOTE_BYTES + " bytes allowed");
  }
}
