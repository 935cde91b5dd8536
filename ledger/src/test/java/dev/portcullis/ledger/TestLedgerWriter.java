package dev.portcullis.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Test-only writer: lays out a complete ledger directory as the file-system writer will (common layout: entry
 * bundles, hash tiles with the partial tiles at the final widths, {@code checkpoint}, {@code checkpoint-history}),
 * from entries held in memory. Deliberately independent of the production writer, so that the verifier tests
 * stand on their own.
 */
final class TestLedgerWriter {
  static final String ORIGIN = "example.com/portcullis/test-log";
  static final NoteSigner.Ed25519 LOG_KEY = new NoteSigner.Ed25519("example.com/portcullis/test-log", seed(7));
  static final NoteSigner.Ed25519 OTHER_KEY = new NoteSigner.Ed25519("example.com/portcullis/test-log", seed(8));

  private final Path dir;
  private final List<byte[]> entries = new ArrayList<>();
  private final MemoryHashSource hashes = new MemoryHashSource();
  private final ByteArrayOutputStream history = new ByteArrayOutputStream();
  private NoteSigner signer = LOG_KEY;
  private String origin = ORIGIN;

  TestLedgerWriter(Path dir) {
    this.dir = dir;
  }

  static byte[] seed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }

  /** Deterministic entries of varying length (0..40 bytes), some empty. */
  static byte[] entry(long i) {
    if (i % 97 == 13) {
      return new byte[0];
    }
    String s = "entry " + i + " " + "abcdefghijklmnopqrstuvwxyz".substring(0, (int) (i % 27));
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A log of {@code size} standard test entries, with checkpoints published at the given sizes then at size. */
  static Checkpoint write(Path dir, long size, long... earlierCheckpoints) {
    TestLedgerWriter w = new TestLedgerWriter(dir);
    long at = 0;
    for (long s : earlierCheckpoints) {
      w.append(at, s, TestLedgerWriter::entry);
      at = s;
      w.publish();
    }
    w.append(at, size, TestLedgerWriter::entry);
    return w.publish();
  }

  TestLedgerWriter signer(NoteSigner signer) {
    this.signer = signer;
    return this;
  }

  TestLedgerWriter origin(String origin) {
    this.origin = origin;
    return this;
  }

  void append(long from, long to, LongFunction<byte[]> entry) {
    for (long i = from; i < to; i++) {
      append(entry.apply(i));
    }
  }

  void append(byte[] entry) {
    entries.add(entry.clone());
    hashes.appendEntry(entry);
  }

  long size() {
    return entries.size();
  }

  Hash root(long size) {
    return MerkleProofs.root(hashes, size);
  }

  /** Writes tiles and bundles for the current size, appends the checkpoint to the history, makes it latest. */
  Checkpoint publish() {
    long size = entries.size();
    writeTiles(size);
    Checkpoint checkpoint = new Checkpoint(origin, size, root(size).toBytes());
    byte[] note = checkpoint.sign(signer).bytes();
    appendHistory(note);
    put(LedgerReader.CHECKPOINT, note);
    return checkpoint;
  }

  /** Appends a record to checkpoint-history (also for forged histories in tests). */
  void appendHistory(byte[] note) {
    history.write(note.length >>> 24);
    history.write(note.length >>> 16);
    history.write(note.length >>> 8);
    history.write(note.length);
    history.writeBytes(note);
    put(LedgerReader.CHECKPOINT_HISTORY, history.toByteArray());
  }

  private void writeTiles(long size) {
    for (TilePath.LevelTiles lt : TilePath.coverage(size)) {
      long tiles = lt.fullTiles() + (lt.partialWidth() > 0 ? 1 : 0);
      for (long t = 0; t < tiles; t++) {
        int width = t < lt.fullTiles() ? TilePath.FULL_WIDTH : lt.partialWidth();
        byte[] tile = new byte[width * Hash.SIZE];
        for (int i = 0; i < width; i++) {
          hashes.hash(TilePath.HEIGHT * lt.level(), t * TilePath.FULL_WIDTH + i).copyTo(tile, i * Hash.SIZE);
        }
        put(TilePath.tile(lt.level(), t, width).format(), tile);
        if (lt.level() == 0) {
          ByteArrayOutputStream bundle = new ByteArrayOutputStream();
          for (int i = 0; i < width; i++) {
            byte[] e = entries.get((int) (t * TilePath.FULL_WIDTH + i));
            bundle.write(e.length >>> 8);
            bundle.write(e.length);
            bundle.writeBytes(e);
          }
          put(TilePath.entryBundle(t, width).format(), bundle.toByteArray());
        }
      }
    }
  }

  private void put(String relative, byte[] bytes) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes entries as an entry bundle. */
  static byte[] bundle(List<byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.write(e.length >>> 8);
      out.write(e.length);
      out.writeBytes(e);
    }
    return out.toByteArray();
  }

  /** Splits an entry bundle into its entries (the bundle must be well formed). */
  static List<byte[]> entries(byte[] bundle) {
    List<byte[]> out = new ArrayList<>();
    for (int at = 0; at < bundle.length; ) {
      int n = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
      out.add(Arrays.copyOfRange(bundle, at + 2, at + 2 + n));
      at += 2 + n;
    }
    return out;
  }
}
