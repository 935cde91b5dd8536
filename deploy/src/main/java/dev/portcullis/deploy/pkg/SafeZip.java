package dev.portcullis.deploy.pkg;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes zips without trusting them.
 *
 * <p>Reading streams the zip once and counts what it actually inflates, never the sizes the headers
 * claim: at most {@link Limits#maxEntries} entries, each at most {@link Limits#maxEntrySize} bytes, all
 * together at most {@link Limits#maxTotalSize}, and no entry inflating more than {@link Limits#maxRatio}
 * times the compressed bytes it consumed (checked once an entry passes {@link #RATIO_FLOOR}, so tiny
 * well-compressed files pass). Entry names must be relative paths of plain segments: no absolute path,
 * drive letter, backslash, {@code .} or {@code ..} segment, empty segment or NUL; and no name twice.
 * Every refusal names the entry.
 *
 * <p>Writing is deterministic: entries in the order given (callers pass them sorted), one fixed
 * timestamp, so the same content always gives the same bytes.
 */
final class SafeZip {
  /** Bytes an entry may inflate to before the compression ratio is checked. */
  static final long RATIO_FLOOR = 1L << 20;

  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  /** Caps for one zip. */
  record Limits(int maxEntries, long maxEntrySize, long maxTotalSize, int maxRatio) {
    /** Metadata API limits: a deploy zip is at most 39 MB compressed and 400 MB uncompressed, 10,000 files. */
    static final Limits DEFAULT = new Limits(50_000, 100L << 20, 600L << 20, 100);
  }

  private SafeZip() {}

  /** The entries (files only, in zip order) of the zip read from {@code in}. */
  static Map<String, byte[]> read(InputStream in, Limits limits, String where) {
    CountingInputStream counting = new CountingInputStream(in);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    long total = 0;
    int count = 0;
    byte[] buffer = new byte[16384];
    try (ZipInputStream zip = new ZipInputStream(counting)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String name = entry.getName();
        count++;
        if (count > limits.maxEntries()) {
          throw new PackageException(PackageErrorCode.ZIP_LIMIT,
              where + ": more than " + limits.maxEntries() + " entries (at " + name + ")");
        }
        checkPath(name, where);
        boolean directory = name.endsWith("/");
        String key = directory ? name.substring(0, name.length() - 1) : name;
        if (!seen.add(key)) {
          throw new PackageException(PackageErrorCode.DUPLICATE_ENTRY, where + ": entry " + name + " appears twice");
        }
        long startConsumed = counting.count;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long size = 0;
        int n;
        while ((n = zip.read(buffer)) > 0) {
          size += n;
          total += n;
          if (size > limits.maxEntrySize()) {
            throw new PackageException(PackageErrorCode.ZIP_LIMIT,
                where + ": entry " + name + " inflates to more than " + limits.maxEntrySize() + " bytes");
          }
          if (total > limits.maxTotalSize()) {
            throw new PackageException(PackageErrorCode.ZIP_LIMIT,
                where + ": entries inflate to more than " + limits.maxTotalSize() + " bytes in all (at " + name + ")");
          }
          long consumed = Math.max(1, counting.count - startConsumed);
          if (size > RATIO_FLOOR && size / consumed > limits.maxRatio()) {
            throw new PackageException(PackageErrorCode.ZIP_LIMIT, where + ": entry " + name
                + " inflates more than " + limits.maxRatio() + " times its compressed size (a zip bomb?)");
          }
          out.write(buffer, 0, n);
        }
        if (directory) {
          if (size > 0) {
            throw new PackageException(PackageErrorCode.UNSAFE_PATH, where + ": directory entry " + name + " has content");
          }
        } else {
          entries.put(key, out.toByteArray());
        }
      }
    } catch (ZipException | IllegalArgumentException e) {
      // IllegalArgumentException: ZipInputStream's answer to an entry name that is not valid UTF-8.
      throw new PackageException(PackageErrorCode.ZIP_LIMIT, where + ": not a valid zip: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.FILE_UNREADABLE, where + ": " + e.getMessage(), e);
    }
    if (count == 0) {
      throw new PackageException(PackageErrorCode.ZIP_LIMIT, where + ": not a zip, or a zip with no entries");
    }
    return entries;
  }

  /** Refuses a path that could land outside the directory it is extracted to, naming the entry. */
  static void checkPath(String name, String where) {
    String problem = pathProblem(name);
    if (problem != null) {
      throw new PackageException(PackageErrorCode.UNSAFE_PATH, where + ": entry " + printable(name) + " " + problem);
    }
  }

  /** Why {@code name} is not a safe relative path, or null. */
  static String pathProblem(String name) {
    if (name.isEmpty() || name.equals("/")) {
      return "has an empty name";
    }
    if (name.indexOf('\0') >= 0) {
      return "has a NUL character in its name";
    }
    if (name.indexOf('\\') >= 0) {
      return "has a backslash in its name";
    }
    if (name.startsWith("/") || (name.length() >= 2 && name.charAt(1) == ':')) {
      return "is an absolute path";
    }
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    for (String segment : trimmed.split("/", -1)) {
      if (segment.equals("..")) {
        return "climbs out of the package with '..'";
      }
      if (segment.isEmpty() || segment.equals(".")) {
        return "has an empty or '.' path segment";
      }
    }
    return null;
  }

  private static String printable(String name) {
    return name.replace("\0", "\\0");
  }

  /** Writes {@code entries} (path to bytes) as a zip, in the given order, with a fixed timestamp. */
  static void write(SortedMap<String, byte[]> entries, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      ZipEntry entry = new ZipEntry(e.getKey());
      entry.setTimeLocal(FIXED_TIME);
      zip.putNextEntry(entry);
      zip.write(e.getValue());
      zip.closeEntry();
    }
    zip.finish();
  }

  static byte[] write(SortedMap<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(entries, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing a zip to memory", e);
    }
    return out.toByteArray();
  }

  static boolean looksLikeZip(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
