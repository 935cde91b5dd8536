package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryException;
import dev.portcullis.certs.inventory.OrgCertificates;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.rotate.RotationPlan;
import dev.portcullis.certs.rotate.RotationPlanner;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis certs plan}: which of an org's certificates would rotate and why (expiring within the window, a
 * SHA-1 signature in the chain, a short RSA key), which issuer each takes, and what would change per consumer. Reads
 * the org only; changes nothing.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show which certificates of an org would rotate and why, and what `certs rotate` would change per consumer.",
    footer = {"", "Examples:",
        "  portcullis certs plan --org prod                     # $SF_INSTANCE_URL and $SF_ACCESS_TOKEN",
        "  portcullis certs plan --org prod --within 60 --json", "",
        "Exit 0 when the plan was made (whatever it holds), 2 usage, 4 the org unavailable.",
        "Documentation: docs/CERTS.md (Rotation), docs/CLI.md"})
final class CertsPlanCommand implements Callable<Integer> {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin OrgAccess orgAccess;

  @Option(names = "--org", required = true, paramLabel = "ALIAS",
      description = "The org reached through --instance-url/$SF_INSTANCE_URL and the session; ALIAS names it.")
  String org;

  @Option(names = "--within", paramLabel = "DAYS", defaultValue = "30",
      description = "Rotate what expires within DAYS days. Default: ${DEFAULT-VALUE}.")
  int within;

  @Option(names = "--json", description = "Print JSON: {org, at, within_days, candidates: [{fingerprint, certificate, reasons,"
      + " rotatable, blocker, issuer, new_certificate, changes: [{type, name, field, from, to}], …}]}.")
  boolean json;

  @Option(names = "--wait-seconds", paramLabel = "N", defaultValue = "300",
      description = "The longest wait for the org's retrieve. Default: ${DEFAULT-VALUE}.")
  long waitSeconds;

  @Option(names = "--acme-directory", paramLabel = "URL", description = "An ACME directory: ask its CA for Renewal"
      + " Information (RFC 9773); a certificate whose suggested renewal window has opened rotates whatever its expiry.")
  java.net.URI acmeDirectory;

  @Override
  public Integer call() {
    if (within < 0 || within > 3650) {
      throw new CliException(ExitCode.USAGE, "--within must be 0 to 3650 days");
    }
    if (waitSeconds < 1 || waitSeconds > 3600) {
      throw new CliException(ExitCode.USAGE, "--wait-seconds must be 1 to 3600");
    }
    Main main = (Main) spec.root().userObject();
    OrgAccess.Connection connection = orgAccess.connection(main.environment());
    Inventory inventory;
    try (HttpClient http = orgAccess.httpClient()) {
      MetadataClient client = MetadataClient.builder(connection.url(), connection::session, http).build();
      inventory = new OrgCertificates(client, Duration.ofSeconds(waitSeconds)).discover(org);
    } catch (InventoryException e) {
      throw new CliException(switch (e.code()) {
        case ORG_UNAVAILABLE, RETRIEVE_FAILED -> ExitCode.UNAVAILABLE;
        case MALFORMED_METADATA, SOURCE_UNREADABLE -> ExitCode.USAGE;
      }, e.code() + ": " + e.getMessage(), e);
    }
    java.util.List<byte[]> certificates = new java.util.ArrayList<>();
    for (dev.portcullis.certs.inventory.InventoryItem item : inventory.items()) {
      try {
        certificates.add(item.certificate().getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        // not asked about: a certificate that does not encode has no CertID
      }
    }
    RotationPlan plan = RotationPlanner.plan(inventory, org, Instant.now(), Duration.ofDays(within),
        RenewalInfoLookup.fetch(acmeDirectory, certificates, spec.commandLine().getErr()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, toJson(plan));
    } else {
      print(out, plan);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  static ObjectNode toJson(RotationPlan plan) {
    ObjectNode node = LedgerCommand.object();
    node.put("org", plan.org());
    node.put("at", plan.at().toString());
    node.put("within_days", plan.within().toDays());
    ArrayNode candidates = node.putArray("candidates");
    for (RotationPlan.Candidate c : plan.candidates()) {
      ObjectNode n = candidates.addObject();
      n.put("fingerprint", c.fingerprint());
      n.put("certificate", c.certificate());
      n.put("subject", c.subject());
      n.put("not_after", c.notAfter().toString());
      n.put("days_left", c.daysLeft());
      ArrayNode uses = n.putArray("uses");
      c.uses().stream().sorted().map(Use::id).forEach(uses::add);
      ArrayNode reasons = n.putArray("reasons");
      c.reasons().forEach(reasons::add);
      n.put("rotatable", c.rotatable());
      n.put("blocker", c.blocker());
      n.put("issuer", c.issuer());
      n.put("new_certificate", c.newCertificate());
      ArrayNode changes = n.putArray("changes");
      for (RotationPlan.Change change : c.changes()) {
        changes.addObject().put("type", change.type()).put("name", change.name()).put("field", change.field())
            .put("from", change.from()).put("to", change.to());
      }
    }
    return node;
  }

  private static void print(PrintWriter out, RotationPlan plan) {
    int n = plan.candidates().size();
    out.println(n + (n == 1 ? " certificate" : " certificates") + " of org " + plan.org() + " should rotate (expiring within "
        + plan.within().toDays() + " days, weak, or in their CA's renewal window)");
    for (RotationPlan.Candidate c : plan.candidates()) {
      out.println(String.format(Locale.ROOT, "%s %5dd  %-17s %s  %s", DAY.format(c.notAfter()), c.daysLeft(),
          c.uses().stream().sorted().map(Use::id).collect(Collectors.joining(",")), c.fingerprint().substring(0, 16),
          c.certificate().isEmpty() ? c.subject() : c.certificate()));
      c.reasons().forEach(r -> out.println("    why:     " + r));
      if (!c.rotatable()) {
        out.println("    blocked: " + c.blocker());
        continue;
      }
      out.println("    rotate:  portcullis certs rotate " + c.fingerprint().substring(0, 16) + " --org " + plan.org()
          + " --issuer " + c.issuer() + "   (new Certificate " + c.newCertificate() + ")");
      for (RotationPlan.Change change : c.changes()) {
        out.println("    switch:  " + change.type() + " " + change.name() + " " + change.field() + ": " + change.from()
            + " -> " + change.to());
      }
      out.println("    retire:  Certificate " + c.certificate() + " once every consumer is verified on the new one");
    }
  }
}
