package dev.portcullis.cli;

import dev.portcullis.certs.check.CertificateChecks;
import dev.portcullis.certs.check.CheckContext;
import dev.portcullis.certs.check.Finding;
import dev.portcullis.certs.check.TrustAnchors;
import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.inventory.OrgCertificates;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.issue.PrivateCertificateAuthority;
import dev.portcullis.certs.rotate.Rotation;
import dev.portcullis.certs.rotate.RotationPlan;
import dev.portcullis.certs.rotate.RotationPlanner;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.rest.RestClient;
import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The demo's certificate step (issue 8): the inventory of the prod org by use, the findings of the checks on it (the
 * four problems orgsim plants must be among them), then a rotation of the certificate expiring soonest through the
 * private CA, its consumers switched, each step appended to the running server's ledger (it holds the ledger, so
 * the rotation appends through {@link DemoLedger}, not through a second sequencer as {@code certs rotate} does).
 *
 * <p>The private CA's keystore lives where {@code certs rotate} keeps it ({@code DATA_DIR/certs/private-ca.p12});
 * its password is generated on the first run into {@code DATA_DIR/demo/private-ca.password} (owner-only) and never
 * printed.
 */
final class DemoCerts {
  static final String ORG = "prod";
  /** Each planted problem: the check that must find it, and on which certificate (its CN). */
  static final Map<String, String> PLANTED = Map.of(
      "expiry-window", "SSO_Signing",
      "client-auth-eku", "orders.partner.example",
      "br-lifetime", "www.acme.example",
      "signature-algorithm", "salesforce-billing-client");

  private final URI instanceUrl;
  private final Supplier<String> session;
  private final HttpClient http;
  private final Path dataDir;
  private final DemoLedger ledger;
  private final TrustAnchors anchors;

  /**
   * @param anchors what the checks trust: the Mozilla snapshot, plus the simulated public roots of the demo's orgs
   */
  DemoCerts(URI instanceUrl, Supplier<String> session, HttpClient http, Path dataDir, DemoLedger ledger,
      TrustAnchors anchors) {
    this.instanceUrl = instanceUrl;
    this.session = session;
    this.http = http;
    this.dataDir = dataDir;
    this.ledger = ledger;
    this.anchors = anchors;
  }

  /** What the step shows. */
  record Result(boolean ok, List<String> lines, Map<String, Object> facts) {}

  Result run() throws IOException {
    List<String> lines = new ArrayList<>();
    Map<String, Object> facts = new LinkedHashMap<>();
    boolean ok = true;
    MetadataClient client = MetadataClient.builder(instanceUrl, session, http).build();
    Inventory inventory = new OrgCertificates(client, new RestClient(instanceUrl, session, http), Duration.ofMinutes(2))
        .discover(ORG);
    Map<Use, Integer> byUse = new EnumMap<>(Use.class);
    inventory.items().forEach(item -> item.uses().forEach(use -> byUse.merge(use, 1, Integer::sum)));
    lines.add("inventory of " + ORG + " through the Metadata and REST APIs: " + inventory.items().size() + " certificates; by use: "
        + byUse.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", ")));
    facts.put("certificates", inventory.items().size());
    facts.put("by_use", byUse.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().id(), Map.Entry::getValue,
        (a, b) -> a, LinkedHashMap::new)));

    Instant now = Instant.now();
    CheckContext context = CheckContext.of(now, anchors);
    List<String> found = new ArrayList<>();
    int count = 0;
    lines.add("findings of `portcullis certs check` on them:");
    for (InventoryItem item : inventory.items()) {
      for (Finding finding : CertificateChecks.check(item, context)) {
        count++;
        String cn = commonName(item.subject());
        lines.add(String.format(Locale.ROOT, "  %-8s %s (%s) %s [%s]: %s", finding.severity().id().toUpperCase(Locale.ROOT),
            finding.check().id(), finding.check().number(), cn, finding.use().id(), finding.message()));
        found.add(finding.check().id() + "@" + cn);
      }
    }
    facts.put("findings", count);
    List<String> missing = PLANTED.entrySet().stream().filter(e -> !found.contains(e.getKey() + "@" + e.getValue()))
        .map(e -> e.getKey() + " on " + e.getValue()).sorted().toList();
    if (!missing.isEmpty()) {
      lines.add("  MISSING planted problems: " + String.join(", ", missing));
      ok = false;
    }

    RotationPlan plan = RotationPlanner.plan(inventory, ORG, now, Duration.ofDays(30));
    RotationPlan.Candidate candidate = plan.candidates().stream().filter(RotationPlan.Candidate::rotatable)
        .filter(c -> c.issuer().equals("private-ca")).findFirst().orElse(null);
    if (candidate == null) {
      lines.add("no certificate of " + ORG + " to rotate through the private CA within 30 days: "
          + plan.candidates().stream().map(c -> c.subject() + " (" + c.blocker() + ")").collect(Collectors.joining("; ")));
      return new Result(false, lines, facts);
    }
    lines.add("rotating " + candidate.certificate() + " (" + candidate.daysLeft() + " days left, "
        + String.join("; ", candidate.reasons()) + ") through the private CA:");
    List<String> recorded = new ArrayList<>();
    char[] password = password();
    Rotation.Result rotated;
    try {
      PrivateCertificateAuthority ca = PrivateCertificateAuthority.openOrCreate(dataDir.resolve("certs/private-ca.p12"),
          password, "CN=Portcullis Private CA", Clock.systemUTC(), PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
      rotated = Rotation.builder().client(client).org(ORG).issuer(ca).stateDirectory(dataDir.resolve("certs/rotations"))
          .maxWait(Duration.ofMinutes(2)).lifetime(Duration.ofDays(365)).actor("portcullis demo")
          .ledger(entry -> {
            long index = ledger.append(entry);
            recorded.add(entry.kind() + " #" + index);
            return index;
          }).build().rotate(candidate.fingerprint());
    } finally {
      PrivateCertificateAuthority.clear(password);
    }
    rotated.steps().forEach(step -> lines.add("  " + step));
    lines.add("  " + rotated.certificate() + " -> " + rotated.newCertificate() + " (sha256 "
        + rotated.newSha256().substring(0, 16) + "…, expires " + rotated.notAfter() + ")");
    lines.add("  ledger entries: " + String.join(", ", recorded));
    facts.put("rotation", rotated.id());
    facts.put("old_sha256", rotated.oldSha256());
    facts.put("new_sha256", rotated.newSha256());
    facts.put("ledger_entries", recorded);

    // the consumers now name the new certificate: read back from the org, not taken from the rotation's word
    Inventory after = new OrgCertificates(client, Duration.ofMinutes(2)).discover(ORG);
    List<String> expected = candidate.changes().stream().map(c -> c.type() + " " + c.name()).sorted().toList();
    List<String> switched = after.item(rotated.newSha256()).map(item -> item.consumers().stream()
        .map(c -> c.type() + " " + c.name()).distinct().sorted().toList()).orElse(List.of());
    boolean oldUnused = after.item(rotated.oldSha256()).map(item -> item.consumers().isEmpty()).orElse(true);
    boolean consumersSwitched = !expected.isEmpty() && switched.containsAll(expected) && oldUnused;
    lines.add("  read back from " + ORG + ": " + (consumersSwitched
        ? "the new certificate is used by " + String.join(", ", switched) + "; the old one by nothing"
        : "consumers NOT switched (expected " + expected + ", new certificate used by " + switched + ")"));
    boolean entries = recorded.stream().anyMatch(r -> r.startsWith("cert.rotation.step "))
        && recorded.stream().anyMatch(r -> r.startsWith("cert.rotated "));
    if (!entries) {
      lines.add("  the rotation left no cert.rotation.step and cert.rotated entries in the ledger");
    }
    facts.put("consumers", switched);
    return new Result(ok && consumersSwitched && entries, lines, facts);
  }

  /** The demo's private CA password: generated once, owner-only, never printed. */
  private char[] password() throws IOException {
    Path file = dataDir.resolve("demo").resolve("private-ca.password");
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      AtomicFiles.createPrivateDirectory(file.getParent());
      AtomicFiles.write(file, Base64.getUrlEncoder().withoutPadding().encode(random), true);
    }
    return Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
  }

  private static String commonName(String subject) {
    for (String part : subject.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return subject;
  }

}
