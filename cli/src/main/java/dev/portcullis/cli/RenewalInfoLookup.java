package dev.portcullis.cli;

import dev.portcullis.certs.check.RenewalInfo;
import dev.portcullis.certs.check.RenewalInfoClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ACME Renewal Information (RFC 9773) for certificates, from the CA whose directory the user names ({@code
 * --acme-directory}): what {@code certs check} and {@code certs plan} ask before judging expiry windows.
 */
final class RenewalInfoLookup {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RenewalInfoLookup() {}

  /**
   * The CA's answer for each certificate (DER) that has a CertID, by CertID; empty without a directory, or when the
   * CA offers no Renewal Information (said once on {@code err}). A directory or answer that cannot be read is
   * {@link ExitCode#UNAVAILABLE}.
   */
  static Map<String, RenewalInfo> fetch(URI acmeDirectory, List<byte[]> certificates, PrintWriter err) {
    if (acmeDirectory == null) {
      return Map.of();
    }
    Map<String, RenewalInfo> answers = new HashMap<>();
    try {
      Optional<RenewalInfoClient> client = RenewalInfoClient.discover(acmeDirectory, TIMEOUT);
      if (client.isEmpty()) {
        err.println("portcullis: the ACME directory " + acmeDirectory
            + " has no renewalInfo: its CA does not offer Renewal Information (RFC 9773)");
        return Map.of();
      }
      for (byte[] certificate : certificates) {
        Optional<String> certId = RenewalInfo.certId(certificate);
        if (certId.isPresent() && !answers.containsKey(certId.get())) {
          answers.put(certId.get(), client.get().fetch(certId.get()));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "ACME Renewal Information from " + acmeDirectory + ": "
          + e.getMessage(), e);
    }
    return answers;
  }
}
