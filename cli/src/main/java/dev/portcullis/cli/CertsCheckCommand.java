package dev.portcullis.cli;

import dev.portcullis.cli.CertificateInputs.Loaded;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.certs.check.CertificateChecks;
import dev.portcullis.certs.check.CheckContext;
import dev.portcullis.certs.check.Finding;
import dev.portcullis.certs.check.RenewalInfo;
import dev.portcullis.certs.check.SarifLog;
import dev.portcullis.certs.check.Severity;
import dev.portcullis.certs.check.Subject;
import dev.portcullis.certs.check.TrustAnchors;
import dev.portcullis.certs.path.Pem;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryException;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.source.CertificateSource;
import dev.portcullis.certs.source.FoundChain;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis certs check}: loads chains from files, keystores and TLS endpoints, runs the
 * certificate checks (docs/CERTS.md) and reports the findings as text, JSON or SARIF. Exit 1 when a
 * finding is at or above {@code --fail-on} (default high), 2 for usage and unreadable input, 4 when
 * an endpoint or the ACME directory cannot be reached.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Check certificate chains from PEM files, keystores and TLS endpoints against the rules in docs/CERTS.md "
        + "(validity, BR lifetimes, EKU per use, keys, signatures, chain completeness, path to the Mozilla roots, names, ...).",
    footer = {"", "Examples:",
        "  portcullis certs check --org prod --json              # $SF_INSTANCE_URL and $SF_ACCESS_TOKEN",
        "  portcullis certs check --pem chain.pem --use inbound-tls",
        "  portcullis certs check --endpoint api.partner.example:443 --use outbound-tls --json",
        "  PW=... portcullis certs check --keystore client.jks --keystore-password-env PW --use outbound-mtls",
        "  portcullis certs check --pem client.pem --use inbound-api-mtls --trust-anchor corp-root.pem --sarif certs.sarif", "",
        "--org checks each certificate of the org's inventory with its own uses; --use applies to files, keystores, endpoints.",
        "Uses: inbound-tls, outbound-tls, inbound-user-mtls, inbound-api-mtls, outbound-mtls, inbound-sso, outbound-sso, unknown.",
        "Exit 0 no finding at or above --fail-on, 1 there is one, 2 usage or unreadable input, 4 endpoint or ACME directory unavailable."})
final class CertsCheckCommand implements Callable<Integer> {
  static final String INFORMATION_URI = "urn:portcullis:docs:CERTS.md";

  @Spec CommandSpec spec;

  @Mixin CertificateInputs inputs;

  @Mixin OrgAccess orgAccess;

  @Option(names = "--org", paramLabel = "ALIAS",
      description = "Check the inventory of the org reached through --instance-url/$SF_INSTANCE_URL and the session, each"
          + " certificate with its own uses (docs/CERTS.md, Inventory); ALIAS names it in the report.")
  String org;

  @Option(names = "--wait-seconds", paramLabel = "N", defaultValue = "300",
      description = "The longest wait for the org's retrieve (with --org). Default: ${DEFAULT-VALUE}.")
  long waitSeconds;

  @Option(names = "--use", paramLabel = "USE", defaultValue = "unknown",
      description = "What the certificates of --pem, --keystore and --endpoint are used for (default: ${DEFAULT-VALUE}).")
  String use;

  /** orgsim only: its simulated public root, trusted as if it were in the Mozilla snapshot (never give a real root). */
  @Option(names = "--simulated-public-root", paramLabel = "FILE", hidden = true)
  List<Path> simulatedPublicRoots = new ArrayList<>();

  @Option(names = "--trust-anchor", paramLabel = "FILE", description = "A private root (PEM or DER) trusted for this run. Repeatable.")
  List<Path> trustAnchors = new ArrayList<>();

  @Option(names = "--org-trusted-cas", paramLabel = "FILE",
      description = "The org's trusted CA list (the roots its /cacerts.jsp page shows), as PEM certificates; the page saved"
          + " with its PEM blocks also reads. Outbound TLS, and API and user mTLS from public CAs, must then chain to one of them.")
  Path orgTrustedCas;

  @Option(names = "--at", paramLabel = "TIME", description = "Check as of this RFC 3339 time (default: now).")
  String at;

  @Option(names = "--private-lifetime", paramLabel = "DAYS", defaultValue = "730",
      description = "Longest lifetime allowed for private and SSO certificates (default: ${DEFAULT-VALUE}).")
  int privateLifetimeDays;

  @Option(names = "--acme-directory", paramLabel = "URL", description = "An ACME directory: fetch Renewal Information (RFC 9773) for each leaf.")
  URI acmeDirectory;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "high",
      description = "Exit 1 when a finding is at least this severe: critical, high, medium, low, info (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Option(names = "--json", description = "Print JSON: {at, trust_anchors, subjects, findings, summary}.")
  boolean json;

  @Option(names = "--sarif", paramLabel = "FILE", description = "Also write the findings as SARIF 2.1.0 (GitHub code scanning).")
  Path sarif;

  private final Clock clock;

  CertsCheckCommand() {
    this(Clock.systemUTC());
  }

  CertsCheckCommand(Clock clock) {
    this.clock = clock;
  }

  /** One chain checked: where it was found, what kind of input, its leaf's fingerprint and how many certificates. */
  record Checked(String origin, String kind, String fingerprint, int certificates) {}

  @Override
  public Integer call() {
    if (inputs.isEmpty() && org == null) {
      throw new CliException(ExitCode.USAGE, "give at least one --org, --pem, --keystore or --endpoint");
    }
    if (waitSeconds < 1 || waitSeconds > 3600) {
      throw new CliException(ExitCode.USAGE, "--wait-seconds must be 1 to 3600");
    }
    Use chosenUse = parse(() -> Use.fromId(use));
    Severity threshold = parse(() -> Severity.fromId(failOn));
    Instant time = at == null ? clock.instant() : parse(() -> Instant.parse(at));
    if (privateLifetimeDays < 1) {
      throw new CliException(ExitCode.USAGE, "--private-lifetime must be at least 1 day, not " + privateLifetimeDays);
    }
    TrustAnchors anchors = TrustAnchors.mozilla().withPrivate(anchorCertificates(trustAnchors));
    if (!simulatedPublicRoots.isEmpty()) {
      anchors = anchors.withSimulatedPublic(anchorCertificates(simulatedPublicRoots));
    }
    if (orgTrustedCas != null) {
      try {
        anchors = anchors.withOrgTrusted(orgTrustedRoots(orgTrustedCas));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--org-trusted-cas " + orgTrustedCas + ": " + e.getMessage(), e);
      }
    }
    List<Loaded> loaded = inputs.load(((Main) spec.root().userObject()).environment());
    CheckContext context = CheckContext.of(time, anchors).withPrivateLifetime(Duration.ofDays(privateLifetimeDays))
        .withRenewalInfo(renewalInfo(loaded));

    List<Finding> findings = new ArrayList<>();
    Map<String, List<byte[]>> trustStores = new LinkedHashMap<>();
    Map<String, String> uris = new HashMap<>();
    List<Checked> subjects = new ArrayList<>();
    if (org != null) {
      Inventory inventory;
      try {
        inventory = CertsInventoryCommand.fromOrg(orgAccess, ((Main) spec.root().userObject()).environment(), org,
            Duration.ofSeconds(waitSeconds));
      } catch (InventoryException e) {
        throw CertsInventoryCommand.failure(e);
      }
      for (InventoryItem item : inventory.items()) {
        List<Finding> found = CertificateChecks.check(item, context);
        String origin = item.sources().isEmpty() ? "inventory" : item.sources().getFirst().toString();
        uris.put(origin, item.sources().isEmpty() ? "portcullis-certs-check" : metadataUri(item.sources().getFirst().location()));
        subjects.add(new Checked(origin, "org", item.fingerprint(), 1 + item.chain().size()));
        findings.addAll(found);
      }
      inventory.notes().forEach(note -> spec.commandLine().getErr().println("portcullis: note: " + note));
    }
    for (Loaded item : loaded) {
      uris.put(item.chain().origin(), item.uri());
      if (item.chain().kind() == FoundChain.Kind.TRUSTED_ENTRY) {
        String store = item.chain().origin().substring(0, item.chain().origin().lastIndexOf('#'));
        trustStores.computeIfAbsent(store, s -> new ArrayList<>()).add(item.chain().leaf());
        uris.put(store, item.uri());
        continue;
      }
      subjects.add(new Checked(item.chain().origin(), item.chain().kind().name().toLowerCase(Locale.ROOT),
          CertificateChecks.fingerprint(item.chain().leaf()), item.chain().certificates().size()));
      CheckContext forChain = item.host().map(h -> context.withExpectedNames(List.of(h))).orElse(context);
      findings.addAll(CertificateChecks.check(Subject.of(item.chain(), chosenUse), forChain));
    }
    trustStores.forEach((store, trusted) -> findings.addAll(CertificateChecks.checkTrustStore(store, trusted, context)));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      PolicyCommand.print(out, toJson(time, anchors, subjects, findings));
    } else {
      printText(out, time, anchors, subjects, findings);
    }
    if (sarif != null) {
      writeSarif(findings, uris);
    }
    boolean failed = findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
    return failed ? ExitCode.DENIED.code() : ExitCode.OK.code();
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(Parse<T> parser) {
    try {
      return parser.get();
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.USAGE, "--at is not an RFC 3339 time such as 2026-06-01T12:00:00Z: " + e.getParsedString(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  /** An org item's SARIF URI: where its metadata sits in an SFDX or MDAPI project ({@code certs/SSO_Signing.crt}). */
  private static String metadataUri(String location) {
    try {
      return new URI(null, null, location, null).toASCIIString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("a relative path is always a URI path", e);
    }
  }

  /**
   * The PEM certificates of {@code file}, wherever they stand in it: a PEM bundle, or the org's {@code /cacerts.jsp}
   * page saved from a browser (markup around and inside the blocks is dropped, the five XML entities decoded). The
   * page's own layout is not documented anywhere we could read (docs/CERTS.md), so nothing but PEM blocks is taken
   * from it; a file without any is refused naming what was looked for.
   */
  static List<byte[]> orgTrustedRoots(Path file) {
    String text;
    try {
      if (Files.size(file) > 16L * 1024 * 1024) {
        throw new CliException(ExitCode.USAGE, "--org-trusted-cas " + file + ": larger than 16 MiB");
      }
      text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "--org-trusted-cas " + file + ": cannot be read: " + e.getMessage(), e);
    }
    String plain = text.replaceAll("(?i)<br\\s*/?>", "\n").replaceAll("<[^>]{0,512}>", "\n")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
        .replaceAll("(-----(?:BEGIN|END) [A-Z0-9 ]{1,40}-----)", "\n$1\n");
    StringBuilder pem = new StringBuilder();
    for (String line : plain.split("\\R")) {
      String stripped = line.strip();
      if (!stripped.isEmpty()) {
        pem.append(stripped).append('\n');
      }
    }
    List<byte[]> roots;
    try {
      roots = Pem.decode(pem.toString(), "CERTIFICATE");
    } catch (RuntimeException e) { // UncheckedIOException, or BouncyCastle's DecoderException for bad base64
      throw new CliException(ExitCode.USAGE, "--org-trusted-cas " + file + ": a PEM block does not decode: "
          + e.getMessage(), e);
    }
    if (roots.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "--org-trusted-cas " + file + ": holds no PEM certificate (-----BEGIN"
          + " CERTIFICATE-----); save the roots of the org's /cacerts.jsp as PEM");
    }
    return roots;
  }

  private static List<byte[]> anchorCertificates(List<Path> files) {
    List<byte[]> certificates = new ArrayList<>();
    for (Path file : files) {
      certificates.addAll(CertificateInputs.source(() -> List.of(CertificateSource.pem(file))).get(0).certificates());
    }
    return certificates;
  }

  private Map<String, RenewalInfo> renewalInfo(List<Loaded> loaded) {
    List<byte[]> leaves = new ArrayList<>();
    for (Loaded item : loaded) {
      if (item.chain().kind() != FoundChain.Kind.TRUSTED_ENTRY) {
        leaves.add(item.chain().leaf());
      }
    }
    return RenewalInfoLookup.fetch(acmeDirectory, leaves, spec.commandLine().getErr());
  }

  private static ObjectNode toJson(Instant time, TrustAnchors anchors, List<Checked> subjects, List<Finding> findings) {
    ObjectNode node = LedgerCommand.object();
    node.put("at", time.toString());
    node.putObject("trust_anchors").put("snapshot", anchors.snapshot()).put("count", anchors.size());
    ArrayNode chains = node.putArray("subjects");
    for (Checked item : subjects) {
      chains.addObject().put("origin", item.origin()).put("kind", item.kind())
          .put("fingerprint", item.fingerprint()).put("certificates", item.certificates())
          .put("findings", findings.stream().filter(f -> f.fingerprint().equals(item.fingerprint())
              && f.origin().equals(item.origin())).count());
    }
    ArrayNode list = node.putArray("findings");
    for (Finding finding : findings) {
      list.addObject().put("check", finding.check().id()).put("number", finding.check().number())
          .put("severity", finding.severity().id()).put("message", finding.message())
          .put("fingerprint", finding.fingerprint()).put("subject", finding.subject()).put("use", finding.use().id())
          .put("rule", finding.rule()).put("origin", finding.origin());
    }
    ObjectNode summary = node.putObject("summary");
    summary.put("total", findings.size());
    summarize(findings).forEach((severity, count) -> summary.put(severity.id(), count));
    return node;
  }

  private static Map<Severity, Integer> summarize(List<Finding> findings) {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity severity : Severity.values()) {
      counts.put(severity, 0);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    return counts;
  }

  private static void printText(PrintWriter out, Instant time, TrustAnchors anchors, List<Checked> subjects, List<Finding> findings) {
    Map<Severity, Integer> counts = summarize(findings);
    StringBuilder summary = new StringBuilder();
    counts.forEach((severity, count) -> {
      if (count > 0) {
        summary.append(summary.isEmpty() ? "" : ", ").append(count).append(' ').append(severity.id());
      }
    });
    out.println("certs check at " + time + ": " + subjects.size() + (subjects.size() == 1 ? " chain, " : " chains, ")
        + findings.size() + (findings.size() == 1 ? " finding" : " findings") + (summary.isEmpty() ? "" : " (" + summary + ")"));
    out.println("trust: " + anchors.size() + " anchors (Mozilla snapshot: " + anchors.snapshot() + ")");
    Map<String, List<Finding>> byOrigin = new LinkedHashMap<>();
    for (Checked item : subjects) {
      byOrigin.put(item.origin(), new ArrayList<>());
    }
    for (Finding finding : findings) {
      byOrigin.computeIfAbsent(finding.origin(), o -> new ArrayList<>()).add(finding);
    }
    byOrigin.forEach((origin, list) -> {
      out.println();
      out.println(origin + (list.isEmpty() ? ": no findings" : ""));
      if (!list.isEmpty()) {
        out.println("  " + list.get(0).subject() + (list.get(0).fingerprint().isEmpty() ? "" : "  sha256:" + list.get(0).fingerprint()));
      }
      for (Finding finding : list) {
        out.println(String.format(Locale.ROOT, "  %-8s %s (%s): %s", finding.severity().id().toUpperCase(Locale.ROOT),
            finding.check().id(), finding.check().number(), finding.message()));
        out.println("           rule: " + finding.rule());
      }
    });
    out.flush();
  }

  private void writeSarif(List<Finding> findings, Map<String, String> uris) {
    String version = new VersionProvider().getVersion()[0].replaceFirst("^portcullis\\s+", "");
    String log = SarifLog.toJson(findings, origin -> uris.getOrDefault(origin, "portcullis-certs-check"), version, INFORMATION_URI);
    try {
      Files.writeString(sarif, log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot write --sarif " + sarif + ": " + e.getMessage(), e);
    }
  }
}
