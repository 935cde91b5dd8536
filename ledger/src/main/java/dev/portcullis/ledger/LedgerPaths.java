package dev.portcullis.ledger;

/** Checks relative paths given to a {@link LedgerReader} before they reach a file system or a URL. */
final class LedgerPaths {
  private static final int MAX_PATH_LENGTH = 256;

  private LedgerPaths() {
  }

  /**
   * Returns {@code relativePath} if it is canonical: non-empty segments of {@code [A-Za-z0-9._-]} separated by
   * single slashes, none of them {@code .} or {@code ..}, no leading or trailing slash.
   *
   * @throws LedgerException {@code READ_REFUSED} otherwise, naming the path and the reason
   */
  static String checkRelative(String relativePath) {
    if (relativePath == null || relativePath.isEmpty()) {
      throw refused(String.valueOf(relativePath), "empty path");
    }
    if (relativePath.length() > MAX_PATH_LENGTH) {
      throw refused(relativePath.substring(0, 40) + "…", "path longer than " + MAX_PATH_LENGTH + " characters");
    }
    if (relativePath.charAt(0) == '/') {
      throw refused(relativePath, "absolute path");
    }
    for (String segment : relativePath.split("/", -1)) {
      if (segment.isEmpty()) {
        throw refused(relativePath, "empty path segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw refused(relativePath, "'" + segment + "' segment");
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok) {
          throw refused(relativePath, "character U+" + String.format("%04X", (int) c) + " not allowed");
        }
      }
    }
    return relativePath;
  }

  static LedgerException refused(String path, String why) {
    return new LedgerException(LedgerErrorCode.READ_REFUSED, "refused to read '" + path + "': " + why);
  }
}
