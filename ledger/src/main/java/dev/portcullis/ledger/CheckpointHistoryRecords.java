package dev.portcullis.ledger;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Streams the records of the {@value LedgerReader#CHECKPOINT_HISTORY} file for readers (the writer side is
 * {@link CheckpointHistory}): records of uint32 big-endian length ‖ signed note, oldest
 * first. A last record cut short (header or note running past the end of the file) was torn by a crash before
 * it was published and reads as the end.
 */
final class CheckpointHistoryRecords {
  private CheckpointHistoryRecords() {
  }

  /** A record whose length cannot be that of a signed note. */
  static final class MalformedRecord extends IOException {
    private static final long serialVersionUID = 1L;
    final long record;

    MalformedRecord(long record, String message) {
      super(message);
      this.record = record;
    }
  }

  /** The next record's note bytes, or null at the end (or at a torn last record). */
  static byte[] next(DataInputStream in, long record) throws IOException {
    byte[] header = new byte[4];
    int got = in.readNBytes(header, 0, 4);
    if (got < 4) {
      return null;
    }
    long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
        | (header[3] & 0xff);
    if (length == 0 || length > SignedNote.MAX_NOTE_BYTES) {
      throw new MalformedRecord(record, "record " + record + " has length " + length + ", not 1.."
          + SignedNote.MAX_NOTE_BYTES);
    }
    byte[] note = in.readNBytes((int) length);
    return note.length < length ? null : note;
  }
}
