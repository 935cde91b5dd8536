package dev.portcullis.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** A parsed store URL: which database to open, and how to name it in messages without secrets. */
sealed interface StoreUrl {

  String ACCEPTED_FORMS =
      "accepted forms are sqlite:PATH (relative to the data directory), sqlite::memory:,"
          + " postgresql://[user[:password]@]host[:port]/database[?user=...&currentSchema=...]"
          + " and jdbc:postgresql://...";

  /** The URL as it may appear in logs and messages: passwords replaced by {@code ***}. */
  String masked();

  /** A SQLite database file. */
  record SqliteFile(Path file, String masked) implements StoreUrl {}

  /** A private in-memory SQLite database. */
  record SqliteMemory(String masked) implements StoreUrl {}

  /**
   * A PostgreSQL database.
   *
   * @param jdbcUrl the pgjdbc URL, without user info (user and password travel as properties)
   * @param user from the user info, if any
   * @param password from the user info, if any; never printed
   * @param schema the {@code currentSchema} parameter, if any
   */
  record Postgresql(
      String jdbcUrl,
      String hostAndPort,
      Optional<String> user,
      Optional<String> password,
      Optional<String> schema,
      String masked)
      implements StoreUrl {
    @Override
    public String toString() {
      return "Postgresql[" + masked + "]";
    }
  }

  // From the first ':' after the user name up to the LAST '@': a password with unencoded '/',
  // '@', '?' or '#' is still covered. It may mask more than the password (a port, when a later
  // parameter holds an '@'); it never masks less.
  Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^/@:]*:).*@");
  Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&]password=)[^&]*");

  /** Replaces any password in {@code url} by {@code ***}. */
  static String mask(String url) {
    String masked = USER_INFO_PASSWORD.matcher(url).replaceAll("$1***@");
    return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1***");
  }

  static StoreUrl parse(String url, Path dataDir) {
    String masked = mask(url);
    if (url.startsWith("sqlite:")) {
      return parseSqlite(url.substring("sqlite:".length()), dataDir, masked);
    }
    if (url.startsWith("jdbc:postgresql://")) {
      return parsePostgresql(url.substring("jdbc:".length()), masked);
    }
    if (url.startsWith("postgresql://")) {
      return parsePostgresql(url, masked);
    }
    throw bad(masked, "unknown scheme");
  }

  private static StoreUrl parseSqlite(String path, Path dataDir, String masked) {
    if (path.equals(":memory:")) {
      return new SqliteMemory(masked);
    }
    if (path.isBlank()) {
      throw bad(masked, "the database path is empty");
    }
    if (path.startsWith(":") || path.startsWith("file:") || path.contains("?")) {
      throw bad(masked, "SQLite URI options are not supported, give a plain file path");
    }
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      throw bad(masked, "the database path is not a valid path (" + e.getReason() + ")");
    }
    if (!file.isAbsolute()) {
      if (dataDir == null) {
        throw bad(masked, "the database path is relative and no data directory was given");
      }
      file = dataDir.resolve(file);
    }
    return new SqliteFile(file.toAbsolutePath().normalize(), masked);
  }

  private static StoreUrl parsePostgresql(String url, String masked) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw bad(masked, "not a valid URI (" + mask(e.getReason()) + ")");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw bad(masked, "the host is missing");
    }
    String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (database.isBlank() || database.contains("/")) {
      throw bad(masked, "the database name is missing (postgresql://host:port/DATABASE)");
    }
    if (uri.getFragment() != null) {
      throw bad(masked, "a fragment (#...) is not allowed");
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = Optional.of(decode(parts[0])).filter(u -> !u.isEmpty());
      if (parts.length == 2) {
        password = Optional.of(decode(parts[1]));
      }
    }
    Optional<String> schema = Optional.empty();
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("&")) {
        String[] pair = parameter.split("=", 2);
        if (pair[0].isEmpty()) {
          throw bad(masked, "a query parameter has no name");
        }
        if (pair[0].equals("currentSchema") && pair.length == 2 && !pair[1].isBlank()) {
          if (pair[1].contains(",")) {
            throw bad(masked, "currentSchema must name one schema");
          }
          schema = Optional.of(decode(pair[1]));
        }
      }
    }
    String hostAndPort = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    String jdbcUrl =
        "jdbc:postgresql://"
            + hostAndPort
            + uri.getRawPath()
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new Postgresql(jdbcUrl, hostAndPort, user, password, schema, masked);
  }

  private static String decode(String s) {
    // Percent-decoding only: a "+" in user info is a plus sign, not a space.
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static StoreException bad(String masked, String what) {
    return new StoreException(
        StoreException.Code.BAD_URL,
        "bad store URL '" + masked + "': " + what + "; " + ACCEPTED_FORMS);
  }
}
