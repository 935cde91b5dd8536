package dev.portcullis.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options that reach the admin API of a running server with its admin token: {@code --data-dir}
 * ({@code endpoints.json}'s {@code admin_url} and {@code DATA_DIR/admin-token}) or {@code --url}
 * with {@code --admin-token-file}.
 */
final class AdminAccess {
  static final String TOKEN_FILE = "admin-token";

  @Mixin ServerLocation location;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "The admin token. Default: DATA_DIR/" + TOKEN_FILE + " (created by the server at first start).")
  Path adminTokenFile;

  AdminClient client() {
    return new AdminClient(location.adminUrl(), adminToken());
  }

  private String adminToken() {
    Path file = adminTokenFile != null ? adminTokenFile : location.dataDir.resolve(TOKEN_FILE);
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new CliException(ExitCode.USAGE, file + ": the admin token file is empty");
      }
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new CliException(ExitCode.USAGE, file + ": the admin token file holds characters outside printable"
            + " ASCII; it is a base64url string");
      }
      return token;
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, "no admin token: " + file + " does not exist ("
          + (adminTokenFile != null ? "--admin-token-file" : "the server writes DATA_DIR/" + TOKEN_FILE
              + " at first start; give --data-dir DIR or --admin-token-file FILE") + ")");
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, file + ": cannot read the admin token: " + e.getMessage(), e);
    }
  }
}
