package dev.portcullis.server.broker;

import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin token that guards the session routes of the admin API: 256 random bits, base64url,
 * in {@code DATA_DIR/admin-token} (mode 0600), created at the first start and kept. Only its
 * SHA-256 is held in memory; presented tokens are hashed and compared in constant time.
 */
public final class AdminToken {
  /** The file name under the data directory; {@code portcullis session} reads it too. */
  public static final String FILE = "admin-token";

  private final byte[] hash;
  private final Path file;

  private AdminToken(byte[] hash, Path file) {
    this.hash = hash;
    this.file = file;
  }

  /** Reads {@code DATA_DIR/admin-token}, creating it with a new random token when it does not exist. */
  public static AdminToken loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      AtomicFiles.write(file, (token + "\n").getBytes(StandardCharsets.US_ASCII), true);
    }
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE).containsAll(permissions)) {
        throw new IOException(file + " is readable by others (" + java.nio.file.attribute.PosixFilePermissions.toString(
            permissions) + "); the admin token must be private: chmod 600 " + file);
      }
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (token.length() < 32 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IOException(file + " does not hold an admin token (at least 32 printable ASCII characters);"
          + " delete it to have a new one generated");
    }
    return new AdminToken(sha256(token), file);
  }

  /** Whether {@code presented} is the admin token; constant time in the token's content. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(hash, sha256(presented));
  }

  public Path file() {
    return file;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[" + file + "]";
  }
}
