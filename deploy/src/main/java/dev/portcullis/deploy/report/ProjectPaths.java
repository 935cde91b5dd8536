package dev.portcullis.deploy.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns the file names that changes and deploy failures carry into paths relative to the project
 * root with forward slashes, and those into relative URI references for SARIF.
 *
 * <p>GitHub code scanning matches a result's {@code artifactLocation.uri} against the files of the
 * repository, relative to its root, and needs the same path for the same file on every run ("SARIF
 * support for code scanning", "Reporting consistent filepaths" and "Specifying the root for source
 * files"). So: backslashes become slashes (a path from Windows), the project root is cut off an
 * absolute path under it (case-insensitively for a drive-letter root), {@code .} and {@code ..}
 * segments are resolved, and a path that is absolute and not under the root, or that climbs out of
 * it, is not the project's: {@link #relative} gives {@code ""} and the caller points at the
 * manifest instead. URIs are percent-encoded as RFC 3986 section 3.3 allows in a path segment, with
 * {@code :} encoded too so that no first segment reads as a scheme.
 */
final class ProjectPaths {
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:(/|$)");

  private final String root;
  private final boolean windowsRoot;

  ProjectPaths(String root) {
    String normalised = root.replace('\\', '/');
    while (normalised.length() > 1 && normalised.endsWith("/")) {
      normalised = normalised.substring(0, normalised.length() - 1);
    }
    this.root = normalised;
    this.windowsRoot = DRIVE.matcher(normalised).find();
  }

  /** {@code file} relative to the project root with forward slashes, or {@code ""} if it is not the project's. */
  String relative(String file) {
    if (file == null || file.isBlank()) {
      return "";
    }
    String path = file.replace('\\', '/');
    if (!root.isEmpty() && !root.equals("/")) {
      String prefix = root + "/";
      if (windowsRoot ? path.regionMatches(true, 0, prefix, 0, prefix.length()) : path.startsWith(prefix)) {
        path = path.substring(prefix.length());
      }
    } else if (root.equals("/") && path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.startsWith("/") || DRIVE.matcher(path).find() || path.regionMatches(true, 0, "file:", 0, 5)) {
      return "";
    }
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          return "";
        }
        segments.removeLast();
      } else {
        segments.addLast(segment);
      }
    }
    return String.join("/", segments);
  }

  /** A relative path (from {@link #relative}) as a relative URI reference. */
  static String uri(String relativePath) {
    StringBuilder uri = new StringBuilder(relativePath.length() + 16);
    for (byte b : relativePath.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isSegmentChar(c) || c == '/') {
        uri.append((char) c);
      } else {
        uri.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return uri.toString();
  }

  /** RFC 3986 unreserved, sub-delims and {@code @}; not {@code :} (see the class note), not {@code %}. */
  private static boolean isSegmentChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=@".indexOf(c) >= 0;
  }
}
