package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A witness's durable memory: per log origin, the size and root hash of the latest checkpoint it
 * cosigned and the timestamp of that cosignature.
 *
 * <h2>Design note</h2>
 *
 * <p><b>One small file per log</b>, {@code log-<hex SHA-256(origin)>.state}, so that logs never
 * share a write and a torn write can touch at most one log. The file is text:
 *
 * <pre>
 * portcullis-witness-state/v1
 * origin example.com/log
 * size 1234
 * root CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 * time 1700000000
 * sha256 &lt;hex SHA-256 of the five lines above&gt;
 * </pre>
 *
 * <p><b>Crash safety.</b> {@link #update} writes a temporary file, forces it to disk, renames it
 * over the old file atomically and forces the directory, and only then changes memory: after a
 * crash the file holds either the old or the new record, never a mix, and a caller told "done"
 * finds the new one after restart. Leftover temporary files are deleted at {@link #open}: they were
 * never renamed, so nothing was ever answered from them.
 *
 * <p><b>Fail closed.</b> A state file that does not parse, whose checksum does not match, or whose
 * origin does not hash to its name, makes {@link #open} fail with {@code WITNESS_STATE_CORRUPT}
 * naming the file. The witness never silently forgets a log: forgetting would let it cosign a
 * rolled-back or forked tree. An operator who really wants to start over deletes the file.
 *
 * <p><b>One process.</b> A lock file ({@code .lock}) keeps a second witness process off the same
 * directory, since two processes would each believe they own the latest size.
 */
public final class WitnessState implements AutoCloseable {

  /** What the witness last cosigned for one log. */
  public record Entry(long size, Hash root, long timestamp) {
    public Entry {
      Objects.requireNonNull(root, "root");
      if (size < 0 || timestamp < 0) {
        throw new IllegalArgumentException("size and timestamp must not be negative");
      }
    }
  }

  private static final String MAGIC = "portcullis-witness-state/v1";
  private static final String SUFFIX = ".state";
  private static final String TEMPORARY = ".tmp";
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private WitnessState(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the state directory, locks it and loads every log's record.
   *
   * @throws LedgerException {@code WITNESS_STATE_CORRUPT} for a malformed file, {@code
   *     WITNESS_STATE_IO} if the directory cannot be created, read or locked
   */
  public static WitnessState open(Path directory) {
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LedgerException(LedgerErrorCode.WITNESS_STATE_IO, "witness state directory "
            + directory + " is in use by another witness (" + directory.resolve(".lock") + ")");
      }
      WitnessState state = new WitnessState(directory, channel, lock);
      channel = null;
      try {
        state.load();
      } catch (RuntimeException e) {
        state.close();
        throw e;
      }
      return state;
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.WITNESS_STATE_IO,
          "cannot open witness state directory " + directory + ": " + e.getMessage(), e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith("log-") && name.endsWith(SUFFIX + TEMPORARY)) {
          Files.delete(file);
        } else if (name.startsWith("log-") && name.endsWith(SUFFIX)) {
          read(file);
        }
      }
    }
  }

  private void read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw corrupt(file, "larger than " + MAX_FILE_BYTES + " bytes");
    }
    String text;
    try {
      text = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw corrupt(file, "not valid UTF-8");
    }
    String[] lines = text.split("\n", -1);
    if (lines.length != 7 || !lines[6].isEmpty()) {
      throw corrupt(file, "expected six lines each ending in a newline");
    }
    if (!lines[0].equals(MAGIC)) {
      throw corrupt(file, "line 1 is not '" + MAGIC + "'");
    }
    String body = String.join("\n", java.util.Arrays.copyOf(lines, 5)) + "\n";
    if (!lines[5].equals("sha256 " + sha256Hex(body))) {
      throw corrupt(file, "line 6: checksum does not match the record (torn or altered file)");
    }
    String origin = field(file, lines, 1, "origin");
    if (!fileName(origin).equals(file.getFileName().toString())) {
      throw corrupt(file, "origin '" + origin + "' belongs in " + fileName(origin));
    }
    long size = number(file, lines, 2, "size");
    byte[] root = NoteKeys.decodeBase64(field(file, lines, 3, "root"));
    if (root == null || root.length != Hash.SIZE) {
      throw corrupt(file, "line 4: root is not a 32-byte hash in base64");
    }
    long time = number(file, lines, 4, "time");
    entries.put(origin, new Entry(size, Hash.of(root), time));
  }

  private static String field(Path file, String[] lines, int index, String key) {
    if (!lines[index].startsWith(key + " ")) {
      throw corrupt(file, "line " + (index + 1) + " does not start with '" + key + " '");
    }
    return lines[index].substring(key.length() + 1);
  }

  private static long number(Path file, String[] lines, int index, String key) {
    String value = field(file, lines, index, key);
    if (!value.matches("0|[1-9][0-9]{0,18}")) {
      throw corrupt(file, "line " + (index + 1) + ": " + key + " '" + value + "' is not a number");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw corrupt(file, "line " + (index + 1) + ": " + key + " is larger than 2^63 - 1");
    }
  }

  /** What the witness last cosigned for {@code origin}, if anything. */
  public Optional<Entry> latest(String origin) {
    return Optional.ofNullable(entries.get(origin));
  }

  /** The latest cosignature timestamp over all logs, or 0. */
  public long latestTimestamp() {
    return entries.values().stream().mapToLong(Entry::timestamp).max().orElse(0);
  }

  /**
   * Durably records {@code entry} for {@code origin}; on return it survives a crash. On failure
   * the previous record stays, on disk and in memory. Callers serialize updates per origin.
   */
  public void update(String origin, Entry entry) {
    Objects.requireNonNull(entry, "entry");
    String body = MAGIC + "\norigin " + origin + "\nsize " + entry.size() + "\nroot "
        + entry.root().base64() + "\ntime " + entry.timestamp() + "\n";
    byte[] bytes = (body + "sha256 " + sha256Hex(body) + "\n").getBytes(UTF_8);
    Path target = directory.resolve(fileName(origin));
    Path temporary = directory.resolve(fileName(origin) + TEMPORARY);
    try {
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.WITNESS_STATE_IO, "cannot write witness state "
          + target + " for log '" + origin + "': " + e.getMessage(), e);
    }
    entries.put(origin, entry);
  }

  static String fileName(String origin) {
    return "log-" + sha256Hex(origin) + SUFFIX;
  }

  private static String sha256Hex(String s) {
    return HexFormat.of().formatHex(NoteKeys.sha256().digest(s.getBytes(UTF_8)));
  }

  private static LedgerException corrupt(Path file, String problem) {
    return new LedgerException(LedgerErrorCode.WITNESS_STATE_CORRUPT, "witness state file " + file
        + " is corrupt: " + problem + "; refusing to start rather than forget what was cosigned"
        + " (restore it from a backup; delete it only to deliberately start that log over)");
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.WITNESS_STATE_IO,
          "cannot release witness state lock in " + directory + ": " + e.getMessage(), e);
    }
  }
}
