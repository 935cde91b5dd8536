package dev.portcullis.orgsim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes the zip files of the Metadata API ({@code deploy()} takes one, {@code
 * checkRetrieveStatus()} returns one; Metadata API Developer Guide, "Deploying and Retrieving
 * Metadata", meta_deploy.htm).
 *
 * <p>Design note: a deploy zip is untrusted input, so reading fails closed, naming the entry:
 * at most {@link Limits#maxEntries} entries, each at most {@link Limits#maxEntryBytes} once
 * inflated, all together at most {@link Limits#maxTotalBytes}, and an entry that inflates more
 * than {@link Limits#maxRatio} times its compressed size (past 1 MiB) is a bomb. Sizes are
 * counted on the bytes actually inflated, never taken from the headers, which an attacker
 * writes. Names are checked before any byte is read: no {@code ..} segment, no absolute path
 * ({@code /x}, {@code \x}, {@code C:}), no backslash, no NUL, no duplicate (case-insensitively,
 * as the files of one component would collide on a case-insensitive store). Directory entries
 * ({@code classes/}, which {@code sf} writes) carry no content and are skipped. The reader walks
 * the local headers in order ({@link ZipInputStream}); the simulator never looks at the central
 * directory, so a zip whose two indexes disagree is read as its local headers say.
 */
final class MetadataZip {
  private static final long RATIO_FLOOR = 1L << 20;

  /** One file of the zip: its path (forward slashes, no leading slash) and content. */
  record Entry(String name, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /**
   * What a zip may hold. Salesforce's own limits (Metadata API Developer Guide, "Metadata API
   * Limits", meta_limits.htm): 10,000 files, a 39 MB zip, 600 MB unzipped.
   */
  record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxRatio) {
    /** The simulator's: Salesforce's file count, and sizes a test double can hold in memory. */
    static final Limits ORGSIM = new Limits(10_000, 16L << 20, 64L << 20, 100);
  }

  /** A zip that cannot be read safely; the message names the entry and what is wrong with it. */
  static final class UnsafeZipException extends Exception {
    UnsafeZipException(String message) {
      super(message, null, false, false);
    }
  }

  private MetadataZip() {}

  /** The files of {@code zip}, in the order of the zip, directory entries left out. */
  static List<Entry> read(byte[] zip, Limits limits) throws UnsafeZipException {
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long total = 0;
    int count = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        if (++count > limits.maxEntries()) {
          throw new UnsafeZipException("the zip holds more than " + limits.maxEntries() + " entries");
        }
        checkName(name);
        if (!seen.add(name.toLowerCase(Locale.ROOT))) {
          throw new UnsafeZipException("duplicate zip entry '" + name + "'");
        }
        if (entry.isDirectory()) {
          continue;
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
          content.write(buffer, 0, n);
          if (content.size() > limits.maxEntryBytes()) {
            throw new UnsafeZipException("zip entry '" + name + "' inflates past " + limits.maxEntryBytes() + " bytes");
          }
          if (total + content.size() > limits.maxTotalBytes()) {
            throw new UnsafeZipException("the zip inflates past " + limits.maxTotalBytes() + " bytes (at entry '" + name + "')");
          }
        }
        long compressed = entry.getCompressedSize(); // known once the entry is read
        if (content.size() > RATIO_FLOOR && compressed > 0 && content.size() / compressed > limits.maxRatio()) {
          throw new UnsafeZipException("zip entry '" + name + "' inflates " + content.size() / compressed
              + " times its compressed size (at most " + limits.maxRatio() + " allowed): a zip bomb");
        }
        total += content.size();
        entries.add(new Entry(name, content.toByteArray()));
      }
    } catch (ZipException e) {
      throw new UnsafeZipException("not a valid zip file: " + e.getMessage());
    } catch (IOException e) {
      throw new UnsafeZipException("not a valid zip file: " + e.getMessage());
    } catch (IllegalArgumentException e) { // a name that is not UTF-8
      throw new UnsafeZipException("not a valid zip file: " + e.getMessage());
    }
    if (count == 0) {
      throw new UnsafeZipException("not a valid zip file: it holds no entries");
    }
    return entries;
  }

  private static void checkName(String name) throws UnsafeZipException {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new UnsafeZipException("zip entry with an empty or NUL-bearing name");
    }
    if (name.indexOf('\\') >= 0) {
      throw new UnsafeZipException("zip entry '" + name + "' uses a backslash; zip paths use '/'");
    }
    if (name.startsWith("/") || (name.length() > 1 && name.charAt(1) == ':')) {
      throw new UnsafeZipException("zip entry '" + name + "' is an absolute path");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new UnsafeZipException("zip entry '" + name + "' has a '" + segment + "' segment");
      }
    }
  }

  /** A zip of {@code entries}, in their order, deflated. */
  static byte[] write(List<Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
      for (Entry entry : entries) {
        out.putNextEntry(new ZipEntry(entry.name()));
        out.write(entry.content());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return bytes.toByteArray();
  }
}
