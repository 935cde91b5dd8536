package dev.portcullis.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Reads a log through its {@link LedgerStorage} (either backend), laid out as tlog-tiles names it: the
 * {@value LedgerReader#CHECKPOINT} file is the latest checkpoint, {@value LedgerReader#CHECKPOINT_HISTORY} the history
 * in its file format, anything else must be a canonical tile path.
 */
final class StorageLedgerReader implements LedgerReader {
  private final LedgerStorage storage;

  StorageLedgerReader(LedgerStorage storage) {
    this.storage = storage;
  }

  @Override
  public byte[] read(String relativePath) {
    try {
      return switch (relativePath) {
        case CHECKPOINT -> storage.latestCheckpoint().orElse(null);
        case CHECKPOINT_HISTORY -> history();
        default -> {
          TilePath path;
          try {
            path = TilePath.parse(relativePath);
          } catch (IllegalArgumentException e) {
            throw new LedgerException(LedgerErrorCode.READ_REFUSED, "not a ledger path: " + relativePath, e);
          }
          if (!path.format().equals(relativePath)) {
            throw new LedgerException(LedgerErrorCode.READ_REFUSED, "not a canonical ledger path: " + relativePath);
          }
          yield storage.read(path).orElse(null);
        }
      };
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "reading " + relativePath + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "reading " + relativePath + ": " + e.getMessage(), e);
    }
  }

  private byte[] history() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean[] any = {false};
    storage.forEachCheckpoint(note -> {
      any[0] = true;
      out.writeBytes(ByteBuffer.allocate(4).putInt(note.length).array());
      out.writeBytes(note);
    });
    return any[0] ? out.toByteArray() : null;
  }
}
