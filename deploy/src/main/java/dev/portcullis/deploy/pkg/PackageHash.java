package dev.portcullis.deploy.pkg;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form behind {@link MetadataPackage#sha256()}. Each entry contributes a record
 * {@code kind NUL path NUL length(8 bytes, big-endian) bytes}, in path order, where the bytes are:
 * <ul>
 *   <li>for the file of a decomposed or merged type (an object, the custom labels), which every tool
 *       recomposes in its own layout, its canonical XML (layout, quoting and line endings do not count);
 *   <li>for other metadata XML (a {@code -meta.xml} file, the file of an XML-only type), which tools
 *       copy byte for byte, the text with line endings normalised, after a scan that refuses a
 *       DOCTYPE (a file in another encoding than UTF-8 is parsed instead, and its canonical XML hashed);
 *   <li>for an archive inside the package (a zipped static resource the zip reader accepts), each of its file entries in
 *       path order under {@code path!entry}, by the same rules (the zip's timestamps and compression do
 *       not count);
 *   <li>for other text (valid UTF-8 without NUL), the text with CRLF and CR turned into LF;
 *   <li>otherwise the bytes as they are.
 * </ul>
 * The manifests are hashed as their sorted {@code Type:member} lines and version.
 */
final class PackageHash {
  private PackageHash() {}

  /** One record of the canonical form. */
  record Record(String kind, String path, byte[] bytes) {}

  /**
   * The records of one entry; {@code where} names it in errors (its source file when known). Pure, so
   * entries are canonicalised in parallel and then hashed in path order.
   */
  static List<Record> records(String path, byte[] bytes, MetadataRegistry registry, String where) {
    if (isRecomposedXml(path, registry)) {
      return List.of(new Record("xml", path, SafeXml.canonical(bytes, where).getBytes(StandardCharsets.UTF_8)));
    }
    if (isMetadataXml(path, registry)) {
      if (!SafeXml.isPlainUtf8WithoutDoctype(bytes, where)) {
        // Another encoding: the bytes cannot be scanned, so the file is parsed (DTDs refused) and its
        // canonical text hashed.
        return List.of(new Record("xml", path, SafeXml.canonical(bytes, where).getBytes(StandardCharsets.UTF_8)));
      }
      return List.of(new Record("text", path, normaliseLineEndings(bytes)));
    }
    if (path.startsWith("staticresources/") && SafeZip.looksLikeZip(bytes)) {
      Map<String, byte[]> inner;
      try {
        inner = new TreeMap<>(SafeZip.read(new java.io.ByteArrayInputStream(bytes), SafeZip.Limits.DEFAULT, where));
      } catch (PackageException e) {
        // Not a zip the reader accepts (corrupt, over a limit, odd names): hash it as the bytes it is.
        return List.of(new Record("binary", path, bytes));
      }
      List<Record> out = new ArrayList<>();
      out.add(new Record("archive", path, new byte[0]));
      inner.forEach((name, content) -> out.addAll(records(path + "!" + name, content, registry, where + "!" + name)));
      return out;
    }
    if (isText(bytes)) {
      return List.of(new Record("text", path, normaliseLineEndings(bytes)));
    }
    return List.of(new Record("binary", path, bytes));
  }

  static void update(MessageDigest digest, Record record) {
    update(digest, record.kind(), record.path(), record.bytes());
  }

  static void update(MessageDigest digest, String kind, String path, byte[] bytes) {
    digest.update(kind.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    digest.update(path.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    digest.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
    digest.update(bytes);
  }

  /**
   * The file of a decomposed or merged type ({@code objects/X.object}, {@code labels/CustomLabels.labels}):
   * each tool that recomposes it lays it out its own way, so its canonical XML is hashed.
   */
  static boolean isRecomposedXml(String path, MetadataRegistry registry) {
    int slash = path.indexOf('/');
    if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    return registry.byDirectory(path.substring(0, slash)).stream()
        .anyMatch(t -> (t.strategy() == MetadataType.Strategy.DECOMPOSED || t.strategy() == MetadataType.Strategy.MERGED)
            && path.endsWith("." + t.suffix()));
  }

  /** A {@code -meta.xml} file, or the Metadata API file of a type whose only file is XML. */
  static boolean isMetadataXml(String path, MetadataRegistry registry) {
    if (path.endsWith("-meta.xml")) {
      return true;
    }
    int slash = path.indexOf('/');
    if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    return registry.byDirectory(path.substring(0, slash)).stream()
        .anyMatch(t -> switch (t.strategy()) {
          case METADATA, DECOMPOSED, MERGED -> path.endsWith("." + t.suffix());
          default -> false;
        });
  }

  static boolean isText(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b == 0) {
        return false;
      }
      ascii &= b > 0;
    }
    if (ascii) { // ASCII without NUL is valid UTF-8: most source files end here, without a decoder
      return true;
    }
    try {
      CharBuffer ignored = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return ignored != null;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** CRLF and CR turned into LF; {@code bytes} itself when it holds no CR (the caller never changes it). */
  static byte[] normaliseLineEndings(byte[] bytes) {
    int first = indexOfCarriageReturn(bytes);
    if (first < 0) {
      return bytes;
    }
    byte[] out = new byte[bytes.length];
    System.arraycopy(bytes, 0, out, 0, first);
    int n = first;
    for (int i = first; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\r') {
        out[n++] = '\n';
        if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
        }
      } else {
        out[n++] = b;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static int indexOfCarriageReturn(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\r') {
        return i;
      }
    }
    return -1;
  }
}
