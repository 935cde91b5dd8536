package dev.portcullis.cli;

import dev.portcullis.certs.source.CertificateSource;
import dev.portcullis.certs.source.Endpoint;
import dev.portcullis.certs.source.FoundChain;
import dev.portcullis.certs.source.SourceException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The certificate inputs that {@code certs check} and {@code certs inventory} share: PEM (or DER) files, PKCS#12
 * and JKS keystores (their password from an environment variable or a file, never from the command line) and TLS
 * endpoints, each read as found ({@link CertificateSource}).
 */
final class CertificateInputs {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--pem", paramLabel = "FILE", description = "A PEM (or DER) file: a chain, leaf first. Repeatable.")
  List<Path> pems = new ArrayList<>();

  @Option(names = "--keystore", paramLabel = "FILE", description = "A PKCS#12 or JKS keystore: each alias is a chain. Repeatable.")
  List<Path> keystores = new ArrayList<>();

  @Option(names = "--keystore-password-env", paramLabel = "NAME", description = "Environment variable holding the keystore password.")
  String passwordEnv;

  @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "File whose first line is the keystore password.")
  Path passwordFile;

  @Option(names = "--endpoint", paramLabel = "HOST:PORT", description = "A TLS endpoint: its chain as served. Repeatable.")
  List<String> endpoints = new ArrayList<>();

  /** A chain as loaded, with its SARIF URI and, for an endpoint, the host it was reached as. */
  record Loaded(FoundChain chain, String uri, Optional<String> host) {}

  boolean isEmpty() {
    return pems.isEmpty() && keystores.isEmpty() && endpoints.isEmpty();
  }

  /** Every chain of every input, in the order given: files, keystores, endpoints. */
  List<Loaded> load(Map<String, String> environment) {
    List<Loaded> loaded = new ArrayList<>();
    for (Path file : pems) {
      loaded.add(new Loaded(source(() -> List.of(CertificateSource.pem(file))).get(0), fileUri(file), Optional.empty()));
    }
    char[] password = keystores.isEmpty() ? null : password(environment);
    try {
      for (Path file : keystores) {
        for (FoundChain chain : source(() -> CertificateSource.keystore(file, password))) {
          loaded.add(new Loaded(chain, fileUri(file), Optional.empty()));
        }
      }
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
    for (String text : endpoints) {
      Endpoint endpoint;
      try {
        endpoint = Endpoint.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage(), e);
      }
      FoundChain chain = source(() -> List.of(CertificateSource.endpoint(endpoint, TIMEOUT))).get(0);
      loaded.add(new Loaded(chain, "https://" + endpoint + "/", Optional.of(endpoint.host())));
    }
    return loaded;
  }

  interface Load {
    List<FoundChain> get();
  }

  /** Runs a load; its failure becomes the CLI error (2 for unreadable input, 4 for an unreachable endpoint). */
  static List<FoundChain> source(Load load) {
    try {
      return load.get();
    } catch (SourceException e) {
      ExitCode code = e.reason() == SourceException.Reason.UNAVAILABLE ? ExitCode.UNAVAILABLE : ExitCode.USAGE;
      throw new CliException(code, e.getMessage(), e);
    }
  }

  private char[] password(Map<String, String> environment) {
    if (passwordEnv != null && passwordFile != null) {
      throw new CliException(ExitCode.USAGE, "give --keystore-password-env or --keystore-password-file, not both");
    }
    if (passwordEnv != null) {
      String value = environment.get(passwordEnv);
      if (value == null) {
        throw new CliException(ExitCode.USAGE, "environment variable " + passwordEnv + " (--keystore-password-env) is not set");
      }
      return value.toCharArray();
    }
    if (passwordFile != null) {
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot read --keystore-password-file " + passwordFile + ": " + e.getMessage(), e);
      }
    }
    return null;
  }

  /** A file's SARIF URI: relative to the working directory when inside it (percent-encoded), else a file: URI. */
  static String fileUri(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path base = Path.of("").toAbsolutePath();
    if (absolute.startsWith(base) && !absolute.equals(base)) {
      String relative = base.relativize(absolute).toString().replace('\\', '/');
      try {
        return new URI(null, null, relative, null).toASCIIString();
      } catch (URISyntaxException e) {
        throw new IllegalStateException("a relative path is always a URI path", e);
      }
    }
    return absolute.toUri().toASCIIString();
  }
}
