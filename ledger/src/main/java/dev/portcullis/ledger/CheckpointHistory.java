package dev.portcullis.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code checkpoint-history} file of a file-system ledger: every published checkpoint, oldest first,
 * each record {@code uint32 big-endian length ‖ signed note bytes}.
 *
 * <p>Design: the writer appends a whole record with one positional write and then fdatasyncs; that
 * fdatasync is the ledger's commit point. A record whose length runs past the end of the file is torn
 * (the writer crashed before its commit point): readers stop before it, and {@link #truncateTornTail}
 * (called only by the lock holder) cuts it off. Any other malformation (a zero or oversized length, a
 * body without a decimal tree size, sizes not strictly increasing) is corruption and fails with
 * {@link LedgerErrorCode#HISTORY_CORRUPT} naming the byte offset.
 *
 * <p>Lookup by tree size uses a sparse index: every {@code interval}-th record's (size, offset), built
 * incrementally as far as the file has been scanned. With the default interval of 1,024 a history of
 * ten million records costs ~160 KiB of index and a lookup reads at most 1,024 records. Tree sizes in
 * the history strictly increase, so the index is sorted. Thread-safe (methods synchronize on this).
 */
final class CheckpointHistory implements AutoCloseable {
  static final int HEADER = 4;
  static final int DEFAULT_INDEX_INTERVAL = 1024;

  private final Path file;
  private final int interval;
  private FileChannel channel;
  /** End offset of the last complete record scanned. */
  private long end;
  private long records;
  private long lastSize = -1;
  private long lastOffset = -1;
  private long[] indexSizes = new long[16];
  private long[] indexOffsets = new long[16];
  private int indexCount;

  CheckpointHistory(Path file, int interval) {
    this.file = file;
    this.interval = interval;
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return null;
      }
    }
    return channel;
  }

  /** Scans records appended since the last scan (by this or another process). */
  synchronized void refresh() throws IOException {
    FileChannel ch = channel();
    if (ch == null) {
      return;
    }
    long fileSize = ch.size();
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (end + HEADER <= fileSize) {
      header.clear();
      readFully(ch, header, end);
      long length = Integer.toUnsignedLong(header.getInt(0));
      if (end + HEADER + length > fileSize) {
        return; // torn tail: never published
      }
      if (length == 0 || length > SignedNote.MAX_NOTE_BYTES) {
        throw corrupt(end, "record length " + length + " is outside 1.." + SignedNote.MAX_NOTE_BYTES);
      }
      byte[] body = new byte[(int) length];
      readFully(ch, ByteBuffer.wrap(body), end + HEADER);
      long size = treeSize(body, end);
      if (size <= lastSize) {
        throw corrupt(end, "tree size " + size + " does not exceed the previous record's " + lastSize);
      }
      if (records % interval == 0) {
        addIndex(size, end);
      }
      lastSize = size;
      lastOffset = end;
      records++;
      end += HEADER + length;
    }
  }

  private void addIndex(long size, long offset) {
    if (indexCount == indexSizes.length) {
      indexSizes = Arrays.copyOf(indexSizes, indexCount * 2);
      indexOffsets = Arrays.copyOf(indexOffsets, indexCount * 2);
    }
    indexSizes[indexCount] = size;
    indexOffsets[indexCount] = offset;
    indexCount++;
  }

  /** Tree size of the last complete record, or −1 for an empty history (as of the last refresh). */
  synchronized long lastSize() {
    return lastSize;
  }

  /** The last complete record, or empty. */
  synchronized Optional<byte[]> last() throws IOException {
    refresh();
    return lastOffset < 0 ? Optional.empty() : Optional.of(readRecord(lastOffset));
  }

  /** The record for exactly {@code size}, or empty. */
  synchronized Optional<byte[]> find(long size) throws IOException {
    refresh();
    if (size < 0 || size > lastSize || indexCount == 0) {
      return Optional.empty();
    }
    int i = Arrays.binarySearch(indexSizes, 0, indexCount, size);
    if (i < 0) {
      i = -i - 2; // greatest indexed size below
      if (i < 0) {
        return Optional.empty();
      }
    }
    long offset = indexOffsets[i];
    while (offset < end) {
      byte[] body = readRecord(offset);
      long s = treeSize(body, offset);
      if (s == size) {
        return Optional.of(body);
      }
      if (s > size) {
        return Optional.empty();
      }
      offset += HEADER + body.length;
    }
    return Optional.empty();
  }

  /** Every complete record, oldest first. */
  synchronized void forEach(Consumer<byte[]> action) throws IOException {
    refresh();
    long offset = 0;
    while (offset < end) {
      byte[] body = readRecord(offset);
      action.accept(body);
      offset += HEADER + body.length;
    }
  }

  /** Removes a torn tail record; only the sequencer-lock holder calls this, before it appends. */
  synchronized void truncateTornTail() throws IOException {
    refresh();
    try (FileChannel w = openForWrite()) {
      if (w.size() > end) {
        w.truncate(end);
        w.force(false);
      }
    }
  }

  /** Appends one record and fdatasyncs it. On failure the tail is cut back. */
  synchronized void append(byte[] note, long size) throws IOException {
    append(note, size, true);
  }

  /**
   * Appends one record, fdatasyncing it when {@code force} (a ledger with a write-ahead log forces the history
   * later, in {@link #force}). On failure the tail is cut back.
   */
  synchronized void append(byte[] note, long size, boolean force) throws IOException {
    refresh();
    if (size <= lastSize) {
      throw new LedgerException(LedgerErrorCode.BAD_BATCH, "checkpoint size " + size
          + " does not exceed the last published size " + lastSize + " in " + file);
    }
    ByteBuffer record = ByteBuffer.allocate(HEADER + note.length);
    record.putInt(note.length).put(note).flip();
    try (FileChannel w = openForWrite()) {
      long at = end;
      try {
        while (record.hasRemaining()) {
          w.write(record, at + record.position());
        }
        if (force) {
          w.force(false);
        }
      } catch (IOException e) {
        try {
          w.truncate(at);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
    refresh();
    if (lastSize != size) {
      throw new IOException("checkpoint history " + file + " did not read back the record of size " + size);
    }
  }

  /** Length in bytes of the complete records (as of the last refresh). */
  synchronized long length() throws IOException {
    refresh();
    return end;
  }

  /** Forces the records appended so far to disk (fdatasync). */
  synchronized void force() throws IOException {
    try (FileChannel w = openForWrite()) {
      w.force(false);
    }
  }

  /**
   * Cuts the file back to its first {@code length} bytes, which must end on a record boundary (a write-ahead log
   * replays what follows); only the sequencer-lock holder calls this.
   *
   * @throws LedgerException {@link LedgerErrorCode#HISTORY_CORRUPT} when the file is shorter than that
   */
  synchronized void truncateTo(long length) throws IOException {
    long fileSize;
    try (FileChannel w = openForWrite()) {
      fileSize = w.size();
      if (fileSize < length) {
        throw corrupt(fileSize, "the file ends before byte " + length + ", which the write-ahead log recorded as"
            + " durable");
      }
      if (fileSize > length) {
        w.truncate(length);
        w.force(false);
      }
    }
    end = 0;
    records = 0;
    lastSize = -1;
    lastOffset = -1;
    indexCount = 0;
    refresh();
    if (end != length) {
      throw corrupt(end, "byte " + length + ", where the write-ahead log's history starts, is not a record boundary");
    }
  }

  private FileChannel openForWrite() throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  private byte[] readRecord(long offset) throws IOException {
    FileChannel ch = channel();
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    readFully(ch, header, offset);
    byte[] body = new byte[header.getInt(0)];
    readFully(ch, ByteBuffer.wrap(body), offset + HEADER);
    return body;
  }

  private void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new IOException("checkpoint history " + file + " ended early at offset " + at);
      }
      at += n;
    }
  }

  /** The tree size on the second line of a checkpoint note, without parsing the rest. */
  private long treeSize(byte[] body, long offset) {
    int first = indexOf(body, 0);
    int second = first < 0 ? -1 : indexOf(body, first + 1);
    if (second < 0) {
      throw corrupt(offset, "record is not a checkpoint note (no tree size line)");
    }
    int from = first + 1;
    int digits = second - from;
    if (digits < 1 || digits > 19 || (digits > 1 && body[from] == '0')) {
      throw corrupt(offset, "record's tree size line is not a canonical decimal number");
    }
    long size = 0;
    for (int i = from; i < second; i++) {
      int d = body[i] - '0';
      if (d < 0 || d > 9 || size > (Long.MAX_VALUE - d) / 10) {
        throw corrupt(offset, "record's tree size line is not a decimal number below 2^63");
      }
      size = size * 10 + d;
    }
    return size;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private LedgerException corrupt(long offset, String why) {
    return new LedgerException(LedgerErrorCode.HISTORY_CORRUPT, file + " at byte " + offset + ": " + why);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
