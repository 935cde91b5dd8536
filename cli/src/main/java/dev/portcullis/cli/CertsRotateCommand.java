package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.certs.issue.AcmeIssuer;
import dev.portcullis.certs.issue.CertificateIssuer;
import dev.portcullis.certs.issue.ChallengeResponder;
import dev.portcullis.certs.issue.Dns01Hook;
import dev.portcullis.certs.issue.Http01Responder;
import dev.portcullis.certs.issue.IssueException;
import dev.portcullis.certs.issue.PrivateCertificateAuthority;
import dev.portcullis.certs.rotate.Rotation;
import dev.portcullis.certs.rotate.RotationException;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis certs rotate ID}: rotates one of an org's certificates in stages (request a CA-signed Certificate
 * from the org, whose key the org makes and keeps; issue: the CA signs the org's CSR; upload the chain; switch each
 * consumer; verify; retire the old), each step a ledger entry; resumes where a failed run stopped. The state and the
 * signed chain live under {@code DATA_DIR/certs/rotations}; the private CA's keystore is protected by the password in
 * {@code $PORTCULLIS_CA_PASSWORD} or {@code --ca-password-file}, which is never printed (ACME needs none).
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = "Rotate a certificate of an org (ID: its SHA-256 fingerprint or a prefix of 16+ hex digits, as"
        + " `certs plan` prints it): request (the org makes the key and a CSR), issue (the CA signs the CSR), upload,"
        + " switch each consumer, verify, retire. Run again to resume.",
    footer = {"", "Examples:",
        "  PORTCULLIS_CA_PASSWORD=… portcullis certs rotate 3f2a9c0d1e2f3a4b --org prod --data-dir /var/lib/portcullis",
        "  portcullis certs rotate 9e1d… --org prod --issuer acme --acme-directory https://acme.example/dir --dns01-hook ./dns-hook.sh", "",
        "The ledger of DATA_DIR records each step (cert.rotation.step) and the end (cert.rotated); a server running on",
        "DATA_DIR sequences them (found through its endpoints.json and admin-token), else this process does.",
        "Exit 0 rotated (or already), 1 the org refused a deploy, 2 usage or not rotatable, 3 verification failed,",
        "4 the org, the ACME server or the ledger unavailable (run again to resume).",
        "Documentation: docs/CERTS.md (Rotation), docs/CLI.md"})
final class CertsRotateCommand implements Callable<Integer> {
  static final String PASSWORD_ENV = "PORTCULLIS_CA_PASSWORD";

  @Spec CommandSpec spec;
  @Mixin OrgAccess orgAccess;
  @Mixin LedgerLocation location;

  @Parameters(index = "0", paramLabel = "ID", description = "The certificate's SHA-256 fingerprint, or a prefix of it.")
  String id;

  @Option(names = "--org", required = true, paramLabel = "ALIAS",
      description = "The org reached through --instance-url/$SF_INSTANCE_URL and the session; ALIAS names the rotation.")
  String org;

  @Option(names = "--issuer", paramLabel = "ISSUER", defaultValue = "private-ca",
      description = "private-ca (mTLS and SSO certificates) or acme (TLS server certificates). Default: ${DEFAULT-VALUE}.")
  String issuer;

  @Option(names = "--days", paramLabel = "N", defaultValue = "365",
      description = "The new certificate's lifetime in days (the private CA allows at most 397). Default: ${DEFAULT-VALUE}.")
  int days;

  @Option(names = "--ca-password-file", paramLabel = "FILE",
      description = "A file holding the password of the private CA keystore (with --issuer private-ca). Default: $"
          + PASSWORD_ENV + ".")
  Path passwordFile;

  @Option(names = "--acme-directory", paramLabel = "URL", description = "The ACME directory URL (with --issuer acme).")
  URI acmeDirectory;

  @Option(names = "--acme-contact", paramLabel = "URI", description = "The ACME account's contact, e.g. mailto:pki@acme.example.")
  String acmeContact;

  @Option(names = "--http01-port", paramLabel = "PORT", defaultValue = "80",
      description = "Answer http-01 challenges on this port of every interface. Default: ${DEFAULT-VALUE}.")
  int http01Port;

  @Option(names = "--dns01-hook", paramLabel = "COMMAND",
      description = "Answer dns-01 challenges with COMMAND present|cleanup NAME VALUE (instead of http-01).")
  String dns01Hook;

  @Option(names = "--json", description = "Print JSON: {rotation, certificate, new_certificate, old_sha256, new_sha256,"
      + " not_after, resumed, steps}.")
  boolean json;

  @Option(names = "--wait-seconds", paramLabel = "N", defaultValue = "300",
      description = "The longest wait for each retrieve and deploy. Default: ${DEFAULT-VALUE}.")
  long waitSeconds;

  @Override
  public Integer call() {
    if (location.remote()) {
      throw new CliException(ExitCode.USAGE, "rotate records in the data directory's ledger: give --data-dir, not --url");
    }
    if (!List.of("private-ca", "acme").contains(issuer)) {
      throw new CliException(ExitCode.USAGE, "--issuer must be private-ca or acme, not " + issuer);
    }
    if (days < 1 || days > 3650 || waitSeconds < 1 || waitSeconds > 3600) {
      throw new CliException(ExitCode.USAGE, "--days must be 1 to 3650 and --wait-seconds 1 to 3600");
    }
    if (issuer.equals("acme") && acmeDirectory == null) {
      throw new CliException(ExitCode.USAGE, "--issuer acme needs --acme-directory URL");
    }
    Main main = (Main) spec.root().userObject();
    Map<String, String> env = main.environment();
    OrgAccess.Connection connection = orgAccess.connection(env);
    PrintWriter out = spec.commandLine().getOut();
    Path data = location.dataDir;
    char[] password = issuer.equals("private-ca") ? password(env) : null;
    Http01Responder responder = null;
    try (LedgerLocation open = location; LedgerAppender ledger = new LedgerAppender(open, spec.commandLine().getErr());
        HttpClient http = orgAccess.httpClient()) {
      CertificateIssuer certificateIssuer;
      if (issuer.equals("private-ca")) {
        certificateIssuer = PrivateCertificateAuthority.openOrCreate(data.resolve("certs/private-ca.p12"), password,
            "CN=Portcullis Private CA", Clock.systemUTC(), PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
      } else {
        ChallengeResponder challenges;
        if (dns01Hook != null) {
          challenges = new Dns01Hook(Arrays.asList(dns01Hook.strip().split("\\s+")), Duration.ofMinutes(5));
        } else {
          responder = Http01Responder.start(new InetSocketAddress(http01Port));
          challenges = responder;
        }
        AcmeIssuer.Builder acme = AcmeIssuer.builder().directory(acmeDirectory)
            .accountKey(AcmeIssuer.accountKey(data.resolve("certs/acme-account.pem"))).responder(challenges);
        if (acmeContact != null) {
          acme.contact(acmeContact);
        }
        certificateIssuer = acme.build();
      }
      MetadataClient client = MetadataClient.builder(connection.url(), connection::session, http).build();
      Rotation.Result result = Rotation.builder().client(client).org(org).issuer(certificateIssuer)
          .stateDirectory(data.resolve("certs/rotations")).ledger(ledger::append)
          .maxWait(Duration.ofSeconds(waitSeconds)).lifetime(Duration.ofDays(days))
          .actor("cli:" + System.getProperty("user.name", "unknown")).build().rotate(id);
      if (json) {
        LedgerCommand.print(out, toJson(result));
      } else {
        out.println((result.resumed() ? "rotation " + result.id() + " finished: " : "rotated: ") + result.certificate()
            + " -> " + result.newCertificate() + " (sha256 " + result.newSha256() + ", expires " + result.notAfter() + ")");
        result.steps().forEach(s -> out.println("    " + s));
      }
      out.flush();
      return ExitCode.OK.code();
    } catch (RotationException e) {
      throw new CliException(exitCode(e), e.code() + ": " + e.getMessage() + (resumable(e)
          ? " (run `portcullis certs rotate " + id + " --org " + org + "` again to resume)" : ""), e);
    } catch (IssueException e) {
      throw new CliException(exitCode(e.code()), e.code() + ": " + e.getMessage(), e);
    } finally {
      if (responder != null) {
        responder.close();
      }
      PrivateCertificateAuthority.clear(password);
    }
  }

  private char[] password(Map<String, String> env) {
    if (passwordFile != null) {
      try {
        byte[] bytes = Files.readAllBytes(passwordFile);
        try {
          CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
          int end = chars.limit();
          while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
            end--;
          }
          char[] password = new char[end];
          chars.get(password, 0, end);
          Arrays.fill(chars.array(), '\0');
          return password;
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot read --ca-password-file " + passwordFile + ": " + e.getMessage(), e);
      }
    }
    String value = env.get(PASSWORD_ENV);
    if (value == null || value.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "no password for the private CA keystore: set $" + PASSWORD_ENV
          + " or give --ca-password-file FILE");
    }
    return value.toCharArray();
  }

  private static boolean resumable(RotationException e) {
    return switch (e.code()) {
      case ORG_UNAVAILABLE, DEPLOY_FAILED, VERIFY_FAILED, NOT_RECORDED, ISSUE_FAILED, INJECTED -> true;
      case NOT_FOUND, NOT_ROTATABLE, NAME_TAKEN, STATE_UNREADABLE -> false;
    };
  }

  static ExitCode exitCode(RotationException e) {
    return switch (e.code()) {
      case NOT_FOUND, NOT_ROTATABLE, NAME_TAKEN, STATE_UNREADABLE -> ExitCode.USAGE;
      case DEPLOY_FAILED -> ExitCode.DENIED;
      case VERIFY_FAILED -> ExitCode.VERIFICATION_FAILED;
      case ORG_UNAVAILABLE, NOT_RECORDED, INJECTED -> ExitCode.UNAVAILABLE;
      case ISSUE_FAILED -> e.getCause() instanceof IssueException issue ? exitCode(issue.code()) : ExitCode.UNAVAILABLE;
    };
  }

  static ExitCode exitCode(IssueException.Code code) {
    return switch (code) {
      case KEYSTORE_UNREADABLE, PASSWORD_MISSING, POLICY_REFUSED -> ExitCode.USAGE;
      case ACME_FAILED, CHALLENGE_FAILED -> ExitCode.DENIED;
      case CSR_INVALID -> ExitCode.VERIFICATION_FAILED;
      case ACME_UNAVAILABLE -> ExitCode.UNAVAILABLE;
    };
  }

  static ObjectNode toJson(Rotation.Result result) {
    ObjectNode node = LedgerCommand.object();
    node.put("rotation", result.id());
    node.put("certificate", result.certificate());
    node.put("new_certificate", result.newCertificate());
    node.put("old_sha256", result.oldSha256());
    node.put("new_sha256", result.newSha256());
    node.put("not_after", result.notAfter());
    node.put("resumed", result.resumed());
    ArrayNode steps = node.putArray("steps");
    result.steps().forEach(steps::add);
    return node;
  }
}
