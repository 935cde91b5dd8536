package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options that find the broker's token endpoint: {@code --url GATEWAY_BASE} (the endpoint is {@code
 * GATEWAY_BASE/oauth2/token}), else {@code --data-dir D} ({@code token_url} of {@code
 * D/endpoints.json}), else {@code $PORTCULLIS_URL} (a gateway base, as {@code --url}); and how to
 * trust its TLS certificate: the JDK's default CAs, plus {@code --ca-cert FILE}, else with {@code
 * --data-dir} the {@code ca_cert} that {@code endpoints.json} names (the demo's CA).
 */
final class GatewayLocation {
  static final String ENV = "PORTCULLIS_URL";
  static final String TOKEN_PATH = "/oauth2/token";

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "Also trust the CA certificate(s) in FILE (PEM) for the gateway's TLS, besides the JDK's default"
          + " CAs. With --data-dir: \"ca_cert\" of DIR/endpoints.json unless given.")
  Path caCert;

  @Option(names = "--url", paramLabel = "GATEWAY_BASE",
      description = "The gateway's base URL; the token endpoint is GATEWAY_BASE" + TOKEN_PATH + ". Default: $" + ENV + ".")
  URI url;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory of a server on this machine: reads \"token_url\" from DIR/endpoints.json.")
  Path dataDir;

  URI tokenUrl(Map<String, String> env) {
    if (url != null && dataDir != null) {
      throw new CliException(ExitCode.USAGE, "give --url or --data-dir, not both");
    }
    if (url != null) {
      return fromBase(url, "--url");
    }
    if (dataDir != null) {
      return fromEndpoints(dataDir);
    }
    String base = env.get(ENV);
    if (base != null && !base.isBlank()) {
      try {
        return fromBase(URI.create(base.strip()), "$" + ENV);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "$" + ENV + " is not a URL: " + e.getMessage());
      }
    }
    throw new CliException(ExitCode.USAGE, "where is the gateway? give --url GATEWAY_BASE, set $" + ENV
        + ", or give --data-dir DIR of a server on this machine");
  }

  private static URI fromBase(URI base, String where) {
    if (!base.isAbsolute() || !("https".equals(base.getScheme()) || "http".equals(base.getScheme()))
        || base.getHost() == null) {
      throw new CliException(ExitCode.USAGE, where + " " + base + ": expected an http(s) URL such as"
          + " https://portcullis.example.com");
    }
    if (base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new CliException(ExitCode.USAGE, where + " " + base + ": a gateway base URL has no query or fragment");
    }
    return URI.create(base.toString().replaceAll("/+$", "") + TOKEN_PATH);
  }

  /**
   * The PEM file of extra CAs to trust: {@code --ca-cert}, else with {@code --data-dir} the {@code
   * ca_cert} of {@code endpoints.json} when it names one; empty: the JDK's defaults alone.
   */
  Optional<Path> caCertificate() {
    if (caCert != null) {
      return Optional.of(caCert);
    }
    if (dataDir == null) {
      return Optional.empty();
    }
    JsonNode caCertificate = endpoints(dataDir).get("ca_cert");
    return caCertificate != null && caCertificate.isTextual() && !caCertificate.asText().isBlank()
        ? Optional.of(dataDir.resolve(caCertificate.asText()))
        : Optional.empty();
  }

  /** An HTTP client for the gateway: trusts {@link #caCertificate()} besides the JDK's default CAs. */
  HttpClient httpClient(Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    caCertificate().ifPresent(file -> builder.sslContext(TlsTrust.withCertificates(file,
        caCert != null ? "--ca-cert" : "ca_cert of " + dataDir.resolve("endpoints.json"))));
    return builder.build();
  }

  private static JsonNode endpoints(Path dataDir) {
    Path endpoints = dataDir.resolve("endpoints.json");
    try {
      return new ObjectMapper().readTree(Files.readString(endpoints));
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "no server is running with data directory "
          + dataDir.toAbsolutePath().normalize() + " (" + endpoints + " does not exist); give --url instead");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static URI fromEndpoints(Path dataDir) {
    Path endpoints = dataDir.resolve("endpoints.json");
    try {
      JsonNode tokenUrl = endpoints(dataDir).get("token_url");
      if (tokenUrl == null || !tokenUrl.isTextual()) {
        throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": has no \"token_url\" (does this server"
            + " run the broker?)");
      }
      return URI.create(tokenUrl.asText());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": token_url is not a URL: " + e.getMessage(), e);
    }
  }
}
