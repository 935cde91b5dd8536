package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options that find a running server: its data directory (whose {@code endpoints.json} the server
 * writes when ready) or its admin URL.
 */
final class ServerLocation {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory of the running server (reads DIR/endpoints.json). Default: ${DEFAULT-VALUE}.",
      defaultValue = "${env:PORTCULLIS_DATA_DIR:-./data}")
  Path dataDir;

  @Option(names = "--url", paramLabel = "URL", description = "Admin URL of the running server; wins over --data-dir.")
  URI url;

  /** The admin base URL, without a trailing slash. */
  URI adminUrl() {
    if (url != null) {
      return URI.create(url.toString().replaceAll("/+$", ""));
    }
    Path endpoints = dataDir.resolve("endpoints.json");
    try {
      JsonNode node = new ObjectMapper().readTree(Files.readString(endpoints));
      JsonNode admin = node.get("admin_url");
      if (admin == null || !admin.isTextual()) {
        throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": has no \"admin_url\"");
      }
      return URI.create(admin.asText().replaceAll("/+$", ""));
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCode.UNAVAILABLE,
          "no server is running with data directory " + dataDir.toAbsolutePath().normalize()
              + " (" + endpoints + " does not exist); start one with `portcullis serve --data-dir "
              + dataDir + "` or give --url");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": cannot be read: " + e.getMessage(), e);
    }
  }
}
