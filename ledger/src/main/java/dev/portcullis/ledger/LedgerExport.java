package dev.portcullis.ledger;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes a self-contained evidence bundle: a complete copy of a C2SP tlog-tiles log as of one signed checkpoint,
 * plus the selected entries with their RFC 9162 §2.1.3 inclusion proofs, the log's verifier keys and a README on
 * how to check it offline.
 *
 * <h2>Design note</h2>
 *
 * <p>The checkpoint is read once and pins the export: every tile and bundle copied is the one that checkpoint's tree
 * size needs (full tiles, and partial tiles at exactly that size's widths), and the history is cut after the last
 * record not larger than it, so a log that grows during the export still yields a consistent copy. Everything is
 * written to a temporary directory beside the output, verified there with {@link LedgerVerifier} (the same check an
 * auditor will run), and only then renamed to the output directory; on any failure the temporary directory is
 * removed and the output directory is left as it was. The output directory must be absent or empty.
 *
 * <p>Layout of the bundle:
 * <pre>
 *   checkpoint, checkpoint-history, tile/…   the log, as served (C2SP tlog-tiles)
 *   vkey                                       the log's verifier keys, one per line (C2SP signed-note vkey)
 *   entries.jsonl                              one JSON object per selected entry: index, tree_size, leaf_hash,
 *                                              inclusion_proof (hex), entry (base64), entry_text (if UTF-8)
 *   README.md                                  how to verify
 * </pre>
 */
public final class LedgerExport {
  /** The name of the selected-entries file. */
  public static final String ENTRIES_FILE = "entries.jsonl";

  private LedgerExport() {
  }

  /**
   * What was exported.
   *
   * @param directory the evidence bundle
   * @param size the tree size of the pinned checkpoint
   * @param rootHash its root hash
   * @param entriesExported the number of entries listed in {@value #ENTRIES_FILE}
   */
  public record Summary(Path directory, long size, Hash rootHash, long entriesExported) {}

  /** Selects entries by their index and bytes. */
  @FunctionalInterface
  private interface Selector {
    boolean test(long index, byte[] entry, int offset, int length);
  }

  /** Exports the log with the entries {@code fromIndex ≤ i < toIndexExclusive} listed and proved. */
  public static Summary exportRange(LedgerReader source, Path outDir, long fromIndex, long toIndexExclusive,
      List<? extends NoteVerifier> logKeys) {
    if (fromIndex < 0 || toIndexExclusive < fromIndex) {
      throw new IllegalArgumentException("bad entry range [" + fromIndex + ", " + toIndexExclusive + ")");
    }
    return export(source, outDir, logKeys, fromIndex, toIndexExclusive,
        (index, entry, offset, length) -> index >= fromIndex && index < toIndexExclusive);
  }

  /** Exports the log with every entry whose bytes {@code selector} accepts listed and proved. */
  public static Summary exportMatching(LedgerReader source, Path outDir, Predicate<byte[]> selector,
      List<? extends NoteVerifier> logKeys) {
    Objects.requireNonNull(selector, "selector");
    return export(source, outDir, logKeys, 0, Long.MAX_VALUE,
        (index, entry, offset, length) -> selector.test(Arrays.copyOfRange(entry, offset, offset + length)));
  }

  private static Summary export(LedgerReader source, Path outDir, List<? extends NoteVerifier> logKeys,
      long from, long to, Selector selector) {
    List<NoteVerifier> keys = List.copyOf(logKeys);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one log key is required");
    }
    Path out = outDir.toAbsolutePath().normalize();
    refuseNonEmpty(out);
    byte[] checkpointBytes = source.read(LedgerReader.CHECKPOINT);
    if (checkpointBytes == null) {
      throw failed(LedgerErrorCode.CHECKPOINT_INVALID, "no checkpoint in " + source);
    }
    Checkpoint checkpoint;
    try {
      SignedNote note = SignedNote.parse(checkpointBytes);
      note.verify(keys);
      checkpoint = Checkpoint.of(note);
    } catch (NoteException e) {
      throw failed(e.code(), "checkpoint of " + source + ": " + e.getMessage());
    }
    long size = checkpoint.size();
    if (to != Long.MAX_VALUE && to > size) {
      throw failed(LedgerErrorCode.EXPORT_FAILED, "entry range [" + from + ", " + to + ") is outside the tree of "
          + size + " entries");
    }
    Path tmp;
    try {
      Files.createDirectories(out.getParent());
      tmp = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".export-");
    } catch (IOException e) {
      throw failed(LedgerErrorCode.EXPORT_FAILED, "cannot create a directory beside " + out + ": " + e);
    }
    try {
      write(tmp, LedgerReader.CHECKPOINT, checkpointBytes);
      write(tmp, LedgerReader.CHECKPOINT_HISTORY, history(source, size));
      copyTiles(source, tmp, size);
      long exported = copyBundles(source, tmp, size, selector);
      StringBuilder vkeys = new StringBuilder();
      for (NoteVerifier k : keys) {
        vkeys.append(k.vkey()).append('\n');
      }
      write(tmp, "vkey", vkeys.toString().getBytes(StandardCharsets.UTF_8));
      write(tmp, "README.md", ExportReadme.text(checkpoint, exported, keys).getBytes(StandardCharsets.UTF_8));
      LedgerVerifier.Result result = LedgerVerifier.builder(LedgerReader.directory(tmp), keys)
          .origin(checkpoint.origin()).build().verify();
      if (!result.ok()) {
        LedgerVerifier.Problem p = result.problems().getFirst();
        throw failed(p.code(), "the exported copy of " + source + " does not verify: " + p.message());
      }
      if (Files.isDirectory(out)) {
        Files.delete(out); // empty, checked above
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return new Summary(out, size, Hash.of(checkpoint.rootHash()), exported);
    } catch (IOException | RuntimeException e) {
      deleteRecursively(tmp);
      if (e instanceof LedgerException le) {
        throw le;
      }
      throw failed(LedgerErrorCode.EXPORT_FAILED, "export to " + out + " failed: " + e, e);
    }
  }

  private static void refuseNonEmpty(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw failed(LedgerErrorCode.EXPORT_FAILED, "refusing to export to " + out + ": it is not a directory");
    }
    try (Stream<Path> s = Files.list(out)) {
      if (s.findAny().isPresent()) {
        throw failed(LedgerErrorCode.EXPORT_FAILED, "refusing to export to " + out + ": directory is not empty");
      }
    } catch (IOException e) {
      throw failed(LedgerErrorCode.EXPORT_FAILED, "cannot list " + out + ": " + e);
    }
  }

  /** The history records whose checkpoints are not larger than {@code size}, in order. */
  private static byte[] history(LedgerReader source, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = source.open(LedgerReader.CHECKPOINT_HISTORY);
    if (in == null) {
      return out.toByteArray();
    }
    try (DataInputStream data = new DataInputStream(in)) {
      for (long record = 0; ; record++) {
        byte[] note = CheckpointHistoryRecords.next(data, record);
        if (note == null) {
          break;
        }
        try {
          if (Checkpoint.of(SignedNote.parse(note)).size() > size) {
            break; // published after the pinned checkpoint
          }
        } catch (NoteException e) {
          // copied as is: the verification of the copy reports it
        }
        out.write(note.length >>> 24);
        out.write(note.length >>> 16);
        out.write(note.length >>> 8);
        out.write(note.length);
        out.write(note);
      }
    }
    return out.toByteArray();
  }

  private static void copyTiles(LedgerReader source, Path tmp, long size) throws IOException {
    for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
      long tiles = lt.fullTiles() + (lt.partialWidth() > 0 ? 1 : 0);
      for (long t = 0; t < tiles; t++) {
        TilePath path = TilePath.tile(lt.level(), t, t < lt.fullTiles() ? TilePath.FULL_WIDTH : lt.partialWidth());
        write(tmp, path.format(), require(source, path));
      }
    }
  }

  /** Copies the entry bundles and lists the selected entries with their inclusion proofs. */
  private static long copyBundles(LedgerReader source, Path tmp, long size, Selector selector) throws IOException {
    TileHashSource proofs = new TileHashSource(LedgerReader.directory(tmp).tiles(), size);
    long exported = 0;
    try (BufferedWriter jsonl = Files.newBufferedWriter(tmp.resolve(ENTRIES_FILE), StandardCharsets.UTF_8)) {
      long fullTiles = size >>> TilePath.HEIGHT;
      int partial = (int) (size & (TilePath.FULL_WIDTH - 1));
      long units = fullTiles + (partial > 0 ? 1 : 0);
      for (long t = 0; t < units; t++) {
        int width = t < fullTiles ? TilePath.FULL_WIDTH : partial;
        TilePath path = TilePath.entryBundle(t, width);
        byte[] bundle = require(source, path);
        write(tmp, path.format(), bundle);
        long first = t * TilePath.FULL_WIDTH;
        long[] count = {0};
        IOException[] failure = {null};
        EntryBundle.Malformed m = EntryBundle.parse(bundle, width, (i, b, off, len) -> {
          long index = first + i;
          if (failure[0] == null && selector.test(index, b, off, len)) {
            try {
              jsonl.write(line(index, size, b, off, len, MerkleProofs.inclusionProof(proofs, index, size)));
              count[0]++;
            } catch (IOException e) {
              failure[0] = e;
            }
          }
        });
        if (failure[0] != null) {
          throw failure[0];
        }
        if (m != null) {
          throw failed(LedgerErrorCode.ENTRY_BUNDLE_MALFORMED, path + " in " + source + ": " + m.reason());
        }
        exported += count[0];
      }
    }
    return exported;
  }

  private static String line(long index, long size, byte[] b, int off, int len, List<Hash> proof) {
    StringBuilder sb = new StringBuilder(256 + 2 * len);
    sb.append("{\"index\":").append(index).append(",\"tree_size\":").append(size)
        .append(",\"leaf_hash\":\"").append(MerkleHash.leaf(b, off, len).hex()).append("\",\"inclusion_proof\":[");
    for (int i = 0; i < proof.size(); i++) {
      sb.append(i == 0 ? "\"" : ",\"").append(proof.get(i).hex()).append('"');
    }
    sb.append("],\"entry\":\"").append(Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, off, off + len)))
        .append('"');
    String text = utf8(b, off, len);
    if (text != null) {
      sb.append(",\"entry_text\":");
      jsonString(sb, text);
    }
    return sb.append("}\n").toString();
  }

  private static String utf8(byte[] b, int off, int len) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Appends {@code s} as a JSON string (RFC 8259 §7). */
  static void jsonString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static byte[] require(LedgerReader source, TilePath path) {
    byte[] bytes = source.read(path);
    if (bytes == null) {
      throw failed(LedgerErrorCode.MISSING_TILE, path + " is missing from " + source);
    }
    return bytes;
  }

  private static void write(Path root, String relative, byte[] bytes) throws IOException {
    Path file = root.resolve(LedgerPaths.checkRelative(relative));
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover hidden temporary directory beside the output is harmless
    }
  }

  private static LedgerException failed(LedgerErrorCode code, String message) {
    return new LedgerException(code, message);
  }

  private static LedgerException failed(LedgerErrorCode code, String message, Throwable cause) {
    return new LedgerException(code, message, cause);
  }
}
