package dev.portcullis.ledger;

import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint v1.0.0 note text: the log's origin, its tree size and its RFC 6962 root
 * hash, then optional extension lines, each line ending in a newline:
 *
 * <pre>
 * example.com/behind-the-sofa
 * 20852163
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 * </pre>
 *
 * <p>The size is ASCII decimal without leading zeroes ({@code 0} for the empty tree); the root is
 * the canonical standard base64 of 32 bytes; extension lines are non-empty and opaque. The origin
 * is any non-empty line: the spec recommends a schema-less URL but forbids clients to assume it
 * ({@code go.sum database tree} has spaces). {@link #parse} accepts exactly what {@link #text}
 * writes.
 *
 * @param origin the log identity
 * @param size the number of leaves
 * @param rootHash the 32-byte root hash
 * @param extensions the extension lines, without their newlines
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

  /** The length of an RFC 6962 SHA-256 root hash. */
  public static final int HASH_BYTES = 32;

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rootHash, "rootHash");
    extensions = List.copyOf(extensions);
    rootHash = rootHash.clone();
    if (origin.isEmpty()) {
      throw malformed("checkpoint origin is empty");
    }
    String problem = lineProblem(origin);
    if (problem != null) {
      throw malformed("checkpoint origin " + problem);
    }
    if (size < 0) {
      throw malformed("checkpoint tree size is negative: " + size);
    }
    if (rootHash.length != HASH_BYTES) {
      throw malformed("checkpoint root hash is " + rootHash.length + " bytes, not 32");
    }
    for (int i = 0; i < extensions.size(); i++) {
      String extension = extensions.get(i);
      if (extension.isEmpty()) {
        throw malformed("checkpoint line " + (4 + i) + ": extension lines must be non-empty");
      }
      problem = lineProblem(extension);
      if (problem != null) {
        throw malformed("checkpoint line " + (4 + i) + ": extension line " + problem);
      }
    }
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  /** Parses a checkpoint note text (including its final newline, without signatures). */
  public static Checkpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      throw malformed("checkpoint text does not end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw malformed("checkpoint has " + lines.length
          + " lines; it needs an origin, a tree size and a root hash");
    }
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        throw malformed("checkpoint line " + (i + 1) + " is empty");
      }
    }
    long size = parseSize(lines[1]);
    byte[] root = NoteKeys.decodeBase64(lines[2]);
    if (root == null) {
      throw malformed("checkpoint line 3: root hash is not canonical standard base64");
    }
    if (root.length != HASH_BYTES) {
      throw malformed("checkpoint line 3: root hash is " + root.length + " bytes, not 32");
    }
    return new Checkpoint(lines[0], size, root, Arrays.asList(lines).subList(3, lines.length));
  }

  /** Parses the checkpoint a signed note carries (signatures are not checked here). */
  public static Checkpoint of(SignedNote note) {
    return parse(note.text());
  }

  /**
   * Verifies {@code note} against {@code known} (at least one known signature) and parses its
   * checkpoint, which must be of {@code origin}.
   */
  public static Checkpoint verify(SignedNote note, String origin,
      Collection<? extends NoteVerifier> known) {
    note.verify(known);
    Checkpoint checkpoint = of(note);
    if (!checkpoint.origin().equals(origin)) {
      throw new NoteException(LedgerErrorCode.MALFORMED_CHECKPOINT, "checkpoint origin '"
          + checkpoint.origin() + "' is not the expected '" + origin + "'");
    }
    return checkpoint;
  }

  private static long parseSize(String line) {
    boolean digits = !line.isEmpty() && line.length() <= 19
        && line.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits) {
      throw malformed("checkpoint line 2: tree size '" + line + "' is not a decimal number");
    }
    if (line.length() > 1 && line.charAt(0) == '0') {
      throw malformed("checkpoint line 2: tree size '" + line + "' has a leading zero");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw malformed("checkpoint line 2: tree size '" + line + "' is larger than 2^63 - 1");
    }
  }

  /** The note text: origin, size, root and extension lines, each ending in a newline. */
  public String text() {
    StringBuilder out = new StringBuilder(origin.length() + 80);
    out.append(origin).append('\n').append(size).append('\n')
        .append(NoteKeys.encodeBase64(rootHash)).append('\n');
    for (String extension : extensions) {
      out.append(extension).append('\n');
    }
    return out.toString();
  }

  /** This checkpoint signed by each signer. */
  public SignedNote sign(NoteSigner... signers) {
    return SignedNote.sign(text(), signers);
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint other && origin.equals(other.origin) && size == other.size
        && Arrays.equals(rootHash, other.rootHash) && extensions.equals(other.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root "
        + HexFormat.of().formatHex(rootHash) + (extensions.isEmpty() ? "" : ", " + extensions)
        + "]";
  }

  private static String lineProblem(String line) {
    String problem = SignedNote.textProblem(line + "\n");
    if (problem != null) {
      return "is not a valid note line (" + problem + ")";
    }
    return line.indexOf('\n') >= 0 ? "contains a newline" : null;
  }

  private static NoteException malformed(String message) {
    return new NoteException(LedgerErrorCode.MALFORMED_CHECKPOINT, message);
  }

}
