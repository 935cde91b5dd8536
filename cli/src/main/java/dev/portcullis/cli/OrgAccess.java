package dev.portcullis.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command reaches an org: its (or the gateway's) instance URL and the session, as {@code portcullis login}
 * prints them ({@code $SF_INSTANCE_URL}, {@code $SF_ACCESS_TOKEN}), and extra CA certificates to trust. A mixin of
 * the {@code deploy} commands.
 */
final class OrgAccess {
  @Option(names = "--instance-url", paramLabel = "URL", description = "The org's (or the gateway's) URL. Default: $SF_INSTANCE_URL.")
  URI instanceUrl;

  @Option(names = "--session-env", paramLabel = "NAME", defaultValue = "SF_ACCESS_TOKEN",
      description = "The environment variable holding the session. Default: ${DEFAULT-VALUE}.")
  String sessionEnv;

  @Option(names = "--ca-cert", paramLabel = "FILE", description = "Also trust the CA certificate(s) in FILE (PEM).")
  Path caCert;

  /** The org's URL and the session to send to it. */
  record Connection(URI url, String session) {
    @Override
    public String toString() {
      return "Connection[" + url + ", session (redacted)]";
    }
  }

  /** The org's (or the gateway's) URL and the session, from the options or the environment. */
  Connection connection(Map<String, String> env) {
    URI url = instanceUrl(env);
    String session = env.get(sessionEnv);
    if (session == null || session.isBlank()) {
      throw new CliException(ExitCode.USAGE, "no session in $" + sessionEnv + ": run `portcullis login` first (it"
          + " sets SF_ACCESS_TOKEN and SF_INSTANCE_URL), or name the variable with --session-env");
    }
    return new Connection(url, session.strip());
  }

  /** An HTTP client trusting {@code --ca-cert} as well; the caller closes it. */
  HttpClient httpClient() {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caCert != null) {
      builder.sslContext(TlsTrust.withCertificates(caCert, "--ca-cert"));
    }
    return builder.build();
  }

  private URI instanceUrl(Map<String, String> env) {
    URI url = instanceUrl;
    if (url == null) {
      String value = env.get("SF_INSTANCE_URL");
      if (value == null || value.isBlank()) {
        throw new CliException(ExitCode.USAGE, "where is the org? give --instance-url, or set $SF_INSTANCE_URL"
            + " (`portcullis login` does)");
      }
      try {
        url = URI.create(value.strip());
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "$SF_INSTANCE_URL is not a URL: " + e.getMessage(), e);
      }
    }
    if (!url.isAbsolute() || !("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null) {
      throw new CliException(ExitCode.USAGE, "the org's URL " + url + " is not an http(s) URL");
    }
    return url;
  }

}
