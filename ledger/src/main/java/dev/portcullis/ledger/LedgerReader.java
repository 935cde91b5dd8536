package dev.portcullis.ledger;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads the files of a C2SP tlog-tiles log by their path relative to the log's root: {@value #CHECKPOINT},
 * {@value #CHECKPOINT_HISTORY}, hash tiles {@code tile/<L>/<N>[.p/<W>]} and entry bundles
 * {@code tile/entries/<N>[.p/<W>]} (see {@link TilePath}).
 *
 * <p>Only canonical relative paths are read: segments of letters, digits, {@code .}, {@code _} and {@code -},
 * no empty segment, no {@code .} or {@code ..}, no leading slash; anything else fails with
 * {@link LedgerErrorCode#READ_REFUSED}. A storage failure fails with {@link LedgerErrorCode#READ_FAILED} naming
 * the file. Implementations are thread-safe.
 */
public interface LedgerReader {
  /** The latest signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note). */
  String CHECKPOINT = "checkpoint";
  /** Every checkpoint published, oldest first: uint32 big-endian length ‖ signed note, per record. */
  String CHECKPOINT_HISTORY = "checkpoint-history";

  /**
   * The bytes of the file at {@code relativePath}, or {@code null} if it does not exist.
   *
   * @throws LedgerException {@code READ_REFUSED} for a non-canonical or escaping path, {@code READ_FAILED} on I/O
   */
  byte[] read(String relativePath);

  /** The bytes of a hash tile or entry bundle, or {@code null} if absent. */
  default byte[] read(TilePath path) {
    return read(path.format());
  }

  /**
   * A stream over the file at {@code relativePath}, or {@code null} if it does not exist; for files that can be
   * large ({@value #CHECKPOINT_HISTORY}). The caller closes it.
   */
  default InputStream open(String relativePath) {
    byte[] bytes = read(relativePath);
    return bytes == null ? null : new ByteArrayInputStream(bytes);
  }

  /** This log's hash tiles as a {@link TileReader}. */
  default TileReader tiles() {
    return (level, index, width) -> read(TilePath.tile(level, index, width));
  }

  /**
   * Reads a log through its storage (file system or PostgreSQL); the history is assembled in memory in its file
   * format.
   */
  static LedgerReader storage(LedgerStorage storage) {
    return new StorageLedgerReader(storage);
  }

  /**
   * Reads a log laid out in a local directory. Refuses paths that leave it, including through symbolic links
   * whose target lies outside the directory.
   */
  static LedgerReader directory(Path root) {
    return new DirectoryLedgerReader(root);
  }

  /**
   * Reads a log served over HTTP(S) under {@code base} (e.g. {@code http://host:8080/ledger/}), with a 10 s
   * connect and 30 s read timeout and responses capped at {@value HttpLedgerReader#DEFAULT_MAX_RESPONSE_BYTES}
   * bytes. 404 reads as absent; redirects are not followed.
   */
  static LedgerReader http(URI base) {
    return new HttpLedgerReader(base, Duration.ofSeconds(10), Duration.ofSeconds(30),
        HttpLedgerReader.DEFAULT_MAX_RESPONSE_BYTES);
  }

  /** As {@link #http(URI)}, with explicit timeouts and response size cap. */
  static LedgerReader http(URI base, Duration connectTimeout, Duration readTimeout, int maxResponseBytes) {
    return new HttpLedgerReader(base, connectTimeout, readTimeout, maxResponseBytes);
  }
}
