package dev.portcullis.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of a file-system ledger: two segment files, {@code .wal-0} and {@code .wal-1}, used in
 * turn. A group commit is made durable by appending one record (the batch's tiles and its signed checkpoint)
 * to the current segment and fdatasyncing it; that is the ledger's commit point. The tiles, the
 * {@code checkpoint-history} record and the {@code checkpoint} file are then written without forcing, and a
 * background flush forces them when the segment fills up and the writer moves to the other one; only a
 * flushed segment is reused. So an acknowledgement costs one fdatasync of a file that is already allocated
 * (no new file, no directory, nothing for the file system's journal) instead of forcing every new tile file
 * and its directory.
 *
 * <p>Segment layout. A 32-byte header at offset 0: {@code "PWAL"}, version 1 (uint32), generation
 * (uint64), the length of {@code checkpoint-history} when the segment was started (uint64), flushed flag
 * (uint32), CRC-32C of the preceding 28 bytes (uint32). Records start at offset 4,096:
 * {@code uint32 payload length ‖ uint32 CRC-32C(generation ‖ payload) ‖ payload}, the payload being
 * {@code uint64 tree size ‖ uint32 length ‖ signed checkpoint ‖ uint32 tile count ‖ (uint16 length ‖ tile path
 * ‖ uint32 length ‖ tile bytes)…}. All integers big-endian. Reading a segment stops at the first record that
 * is incomplete or whose checksum fails: a torn write, or a record left from an earlier generation of the
 * reused file (its checksum covers the generation, so it cannot pass for a current one).
 *
 * <p>Recovery ({@link #unflushed}): the segments whose header is valid and not flushed, oldest generation first,
 * hold every batch whose files may not all be on disk; the oldest one's history length is a prefix of
 * {@code checkpoint-history} that is durable (a segment is reused only after the one before it was flushed).
 * The storage cuts the history back to that length and replays every record: identical tile bytes
 * (tiles are functions of the entries), then the checkpoints, then forces it all.
 *
 * <p>Not thread-safe: the storage calls it under its write lock, and flushes mark a segment only while the
 * writer is in the other one.
 */
final class WriteAheadLog implements AutoCloseable {
  static final String[] NAMES = {".wal-0", ".wal-1"};
  /** Default size of a segment; a segment is switched once a record would run past it. */
  static final long DEFAULT_SEGMENT_BYTES = 32L << 20;
  static final int RECORDS_START = 4096;
  private static final int HEADER_BYTES = 32;
  private static final int MAGIC = 0x5057414c; // "PWAL"
  private static final int VERSION = 1;
  private static final int RECORD_HEADER = 8;
  /** Caps one record (a batch bigger than this is refused as corrupt on replay, never written). */
  static final int MAX_RECORD_BYTES = Integer.MAX_VALUE - 64;

  /** One replayed batch. */
  record Entry(long size, byte[] signedCheckpoint, List<LedgerStorage.Tile> tiles) {}

  /** What recovery must replay: the history length to cut back to, and the records in order. */
  record Unflushed(long historyLength, List<Entry> entries) {}

  private final Path root;
  private final long segmentBytes;
  private final Segment[] segments = new Segment[2];
  private int current = -1;
  private long position;

  private WriteAheadLog(Path root, long segmentBytes) {
    this.root = root;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creating empty if absent) both segments of the ledger directory {@code root}. */
  static WriteAheadLog open(Path root, long segmentBytes) throws IOException {
    WriteAheadLog wal = new WriteAheadLog(root, segmentBytes);
    try {
      boolean created = false;
      for (int i = 0; i < 2; i++) {
        Path file = root.resolve(NAMES[i]);
        created |= !java.nio.file.Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        wal.segments[i] = new Segment(file, ch, readHeader(ch));
      }
      if (created) { // the new names must survive a crash before any record in them counts
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
          dir.force(true);
        }
      }
    } catch (IOException | RuntimeException e) {
      wal.close();
      throw e;
    }
    return wal;
  }

  /** The segments not yet flushed and their records, oldest first (empty after a clean close). */
  Unflushed unflushed() throws IOException {
    List<Segment> pending = new ArrayList<>();
    for (Segment s : segments) {
      if (s.header != null && !s.header.flushed()) {
        pending.add(s);
      }
    }
    pending.sort(Comparator.comparingLong(s -> s.header.generation()));
    if (pending.isEmpty()) {
      return new Unflushed(-1, List.of());
    }
    List<Entry> entries = new ArrayList<>();
    for (Segment s : pending) {
      readRecords(s, entries);
    }
    return new Unflushed(pending.get(0).header.historyLength(), entries);
  }

  /**
   * Marks every segment flushed and starts a new generation in one of them, with {@code historyLength} as its
   * durable history prefix. Called once everything replayed is on disk.
   */
  void start(long historyLength) throws IOException {
    long generation = 0;
    for (Segment s : segments) {
      if (s.header != null) {
        generation = Math.max(generation, s.header.generation());
        if (!s.header.flushed()) {
          writeHeader(s, s.header.asFlushed());
        }
      }
    }
    int next = segments[0].header == null ? 0 : segments[1].header == null ? 1
        : segments[0].header.generation() <= segments[1].header.generation() ? 0 : 1;
    writeHeader(segments[next], new Header(generation + 1, historyLength, false));
    current = next;
    position = RECORDS_START;
  }

  /** Whether a record of {@code payloadBytes} would not fit in the current segment (time to switch). */
  boolean full(int payloadBytes) {
    return position > RECORDS_START && position + RECORD_HEADER + payloadBytes > segmentBytes;
  }

  /** The current segment's index (0 or 1). */
  int current() {
    return current;
  }

  /**
   * Moves the writer to the other segment, which the caller has flushed: writes and forces its header with a new
   * generation. Returns the index of the segment left, which the caller must now flush and then {@link #markFlushed}.
   */
  int switchSegment(long historyLength) throws IOException {
    int left = current;
    int next = 1 - current;
    writeHeader(segments[next], new Header(segments[left].header.generation() + 1, historyLength, false));
    current = next;
    position = RECORDS_START;
    return left;
  }

  /** Records that segment {@code index} is flushed (every file its records wrote is on disk). */
  void markFlushed(int index) throws IOException {
    Segment s = segments[index];
    if (s.header != null && !s.header.flushed()) {
      writeHeader(s, s.header.asFlushed());
    }
  }

  /**
   * Extends segment {@code index} with zeros up to the segment size and forces it, so that later appends to it
   * overwrite allocated blocks and their fdatasync has no file size to commit. For a segment the writer is not in.
   */
  void preallocate(int index) throws IOException {
    FileChannel ch = segments[index].channel;
    long size = ch.size();
    if (size >= segmentBytes) {
      return;
    }
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    for (long at = size; at < segmentBytes; ) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), segmentBytes - at));
      at += ch.write(zeros, at);
    }
    ch.force(true);
  }

  /** Whether segment {@code index} is already allocated to the full segment size. */
  boolean preallocated(int index) throws IOException {
    return segments[index].channel.size() >= segmentBytes;
  }

  /** Appends one batch to the current segment and fdatasyncs it: when this returns, the batch is durable. */
  void append(byte[] payload) throws IOException {
    Segment s = segments[current];
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, s.header.generation()));
    crc.update(payload);
    ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + payload.length);
    record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    long at = position;
    while (record.hasRemaining()) {
      s.channel.write(record, at + record.position());
    }
    s.channel.force(false);
    position = at + RECORD_HEADER + payload.length;
  }

  /** Encodes one batch as a record payload. */
  static byte[] encode(LedgerStorage.Batch batch) {
    long bytes = 8 + 4 + batch.signedCheckpoint().length + 4L;
    List<byte[]> paths = new ArrayList<>(batch.tiles().size());
    for (LedgerStorage.Tile tile : batch.tiles()) {
      byte[] path = tile.path().format().getBytes(StandardCharsets.US_ASCII);
      paths.add(path);
      bytes += 2 + path.length + 4L + tile.data().length;
    }
    if (bytes > MAX_RECORD_BYTES) {
      throw new LedgerException(LedgerErrorCode.BAD_BATCH, "batch of " + bytes + " bytes is too large for one"
          + " write-ahead log record");
    }
    ByteBuffer out = ByteBuffer.allocate((int) bytes);
    out.putLong(batch.size()).putInt(batch.signedCheckpoint().length).put(batch.signedCheckpoint());
    out.putInt(batch.tiles().size());
    for (int i = 0; i < paths.size(); i++) {
      byte[] data = batch.tiles().get(i).data();
      out.putShort((short) paths.get(i).length).put(paths.get(i)).putInt(data.length).put(data);
    }
    return out.array();
  }

  private void readRecords(Segment s, List<Entry> into) throws IOException {
    FileChannel ch = s.channel;
    long size = ch.size();
    long at = RECORDS_START;
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER);
    while (at + RECORD_HEADER <= size) {
      head.clear();
      readFully(ch, head, at);
      long length = Integer.toUnsignedLong(head.getInt(0));
      if (length == 0 || length > MAX_RECORD_BYTES || at + RECORD_HEADER + length > size) {
        return; // the end: zeros, or a record torn by a crash
      }
      byte[] payload = new byte[(int) length];
      readFully(ch, ByteBuffer.wrap(payload), at + RECORD_HEADER);
      if (!checksumMatches(s, payload, head.getInt(4))) {
        // torn, or left from an earlier generation of this file; but if a current record follows, the disk
        // corrupted this one after it was written, and skipping it would drop acknowledged entries
        if (validRecordAt(s, at + RECORD_HEADER + length, size)) {
          throw new LedgerException(LedgerErrorCode.HISTORY_CORRUPT, "write-ahead log " + s.file + " at byte " + at
              + ": the record's checksum does not match, and an intact record follows it");
        }
        return;
      }
      into.add(decode(payload, s.file, at));
      at += RECORD_HEADER + length;
    }
  }

  private static boolean checksumMatches(Segment s, byte[] payload, int expected) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, s.header.generation()));
    crc.update(payload);
    return (int) crc.getValue() == expected;
  }

  private static boolean validRecordAt(Segment s, long at, long fileSize) throws IOException {
    if (at + RECORD_HEADER > fileSize) {
      return false;
    }
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER);
    readFully(s.channel, head, at);
    long length = Integer.toUnsignedLong(head.getInt(0));
    if (length == 0 || length > MAX_RECORD_BYTES || at + RECORD_HEADER + length > fileSize) {
      return false;
    }
    byte[] payload = new byte[(int) length];
    readFully(s.channel, ByteBuffer.wrap(payload), at + RECORD_HEADER);
    return checksumMatches(s, payload, head.getInt(4));
  }

  private static Entry decode(byte[] payload, Path file, long offset) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    try {
      long size = in.getLong();
      byte[] note = new byte[in.getInt()];
      in.get(note);
      int count = in.getInt();
      if (count < 0 || count > payload.length) {
        throw new IllegalArgumentException("tile count " + count);
      }
      List<LedgerStorage.Tile> tiles = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] path = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(path);
        byte[] data = new byte[in.getInt()];
        in.get(data);
        tiles.add(new LedgerStorage.Tile(TilePath.parse(new String(path, StandardCharsets.US_ASCII)), data));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the last tile");
      }
      return new Entry(size, note, tiles);
    } catch (RuntimeException e) {
      // the checksum matched, so this is not a torn write: refuse to guess
      throw new LedgerException(LedgerErrorCode.HISTORY_CORRUPT, "write-ahead log " + file + " at byte " + offset
          + " holds a record with a valid checksum that does not decode: " + e.getMessage(), e);
    }
  }

  private static Header readHeader(FileChannel ch) throws IOException {
    if (ch.size() < HEADER_BYTES) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES);
    readFully(ch, buf, 0);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, HEADER_BYTES - 4);
    if (buf.getInt(0) != MAGIC || buf.getInt(4) != VERSION || (int) crc.getValue() != buf.getInt(28)) {
      return null; // never started, or a header torn while being written (before any record of it counted)
    }
    return new Header(buf.getLong(8), buf.getLong(16), buf.getInt(24) != 0);
  }

  private static void writeHeader(Segment s, Header header) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES);
    buf.putInt(MAGIC).putInt(VERSION).putLong(header.generation()).putLong(header.historyLength())
        .putInt(header.flushed() ? 1 : 0);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, HEADER_BYTES - 4);
    buf.putInt((int) crc.getValue()).flip();
    while (buf.hasRemaining()) {
      s.channel.write(buf, buf.position());
    }
    s.channel.force(false);
    s.header = header;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at offset " + at);
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Segment s : segments) {
      if (s != null) {
        try {
          s.channel.close();
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private record Header(long generation, long historyLength, boolean flushed) {
    Header asFlushed() {
      return new Header(generation, historyLength, true);
    }
  }

  private static final class Segment {
    final Path file;
    final FileChannel channel;
    Header header;

    Segment(Path file, FileChannel channel, Header header) {
      this.file = file;
      this.channel = channel;
      this.header = header;
    }
  }
}
