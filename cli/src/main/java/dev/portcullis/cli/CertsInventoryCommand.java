package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryException;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.inventory.OrgCertificates;
import dev.portcullis.certs.inventory.SourceDirectoryCertificates;
import dev.portcullis.certs.Use;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.rest.RestClient;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis certs inventory}: every certificate of an org and of source directories, by use, with what uses it,
 * who owns it and where it was found; one line per certificate (SHA-256 fingerprint), soonest expiry first. Inputs are
 * read by {@link #inventories()}, one {@link Inventory} per input, merged by fingerprint: a new input kind (keystore,
 * PEM file, TLS endpoint) is one more option and one more inventory in that list.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
    description = "List the certificates of an org and/or SFDX source directories, classified by use"
        + " (inbound-tls, outbound-tls, inbound-user-mtls, inbound-api-mtls, outbound-mtls, inbound-sso, outbound-sso),"
        + " with their consumers, owners and sources.",
    footer = {"", "Examples:",
        "  portcullis certs inventory --org prod                 # $SF_INSTANCE_URL and $SF_ACCESS_TOKEN",
        "  portcullis certs inventory --source-dir force-app --json",
        "  portcullis certs inventory --org prod --source-dir force-app --calendar", "",
        "The org is read through the Metadata API (listMetadata, retrieve) and the REST API (UserAuthCertificate records)",
        "with the session `portcullis login` printed.",
        "Exit 0 when the inventory was made, 2 usage or unreadable input, 4 the org unavailable.",
        "Documentation: docs/CERTS.md (Inventory), docs/CLI.md"})
final class CertsInventoryCommand implements Callable<Integer> {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin OrgAccess orgAccess;

  @Option(names = "--org", paramLabel = "ALIAS",
      description = "Read the org reached through --instance-url/$SF_INSTANCE_URL and the session; ALIAS names it in the report.")
  String org;

  @Option(names = {"--source-dir", "-d"}, paramLabel = "DIR",
      description = "An SFDX project or source directory (certs/*.crt with -meta.xml, and the metadata that uses them). Repeatable.")
  List<Path> sourceDirs = new ArrayList<>();

  @Mixin CertificateInputs inputs;

  @Option(names = "--use", paramLabel = "USE",
      description = "What the certificates of --pem, --keystore and --endpoint are used for (required with them).")
  String use;

  @Option(names = "--json", description = "Print JSON: {items: [{fingerprint, subject, use, uses, consumers, owner, sources, …}], notes}.")
  boolean json;

  @Option(names = "--calendar", description = "Show the expiry calendar: by month, what expires, its use and its consumers.")
  boolean calendar;

  @Option(names = "--wait-seconds", paramLabel = "N", defaultValue = "300",
      description = "The longest wait for the org's retrieve. Default: ${DEFAULT-VALUE}.")
  long waitSeconds;

  @Override
  public Integer call() {
    if (org == null && sourceDirs.isEmpty() && inputs.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "give at least one input: --org ALIAS, --source-dir DIR, --pem FILE,"
          + " --keystore FILE or --endpoint HOST:PORT");
    }
    if (!inputs.isEmpty() && use == null) {
      throw new CliException(ExitCode.USAGE, "--use names what the certificates of --pem, --keystore and --endpoint are"
          + " used for: one of " + Use.ids(Use.known()));
    }
    if (waitSeconds < 1 || waitSeconds > 3600) {
      throw new CliException(ExitCode.USAGE, "--wait-seconds must be 1 to 3600");
    }
    Inventory inventory = Inventory.merge(inventories());
    Instant now = Instant.now();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, toJson(inventory, now));
    } else if (calendar) {
      printCalendar(out, inventory, now);
    } else {
      printTable(out, inventory, now);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  /** One inventory per input, in the order given: the org first, then each directory. */
  private List<Inventory> inventories() {
    List<Inventory> inventories = new ArrayList<>();
    try {
      if (org != null) {
        inventories.add(fromOrg());
      }
      for (Path dir : sourceDirs) {
        inventories.add(SourceDirectoryCertificates.discover(dir));
      }
      if (!inputs.isEmpty()) {
        inventories.add(fromInputs());
      }
    } catch (InventoryException e) {
      throw failure(e);
    }
    return inventories;
  }

  /**
   * The chains of --pem, --keystore and --endpoint, each leaf with {@code --use}; a keystore's trusted entries are the
   * trust anchors of whoever uses the keystore, not certificates in use, and are left out.
   */
  private Inventory fromInputs() {
    Use chosen = Use.parse(use).filter(u -> u != Use.UNKNOWN).orElseThrow(() -> new CliException(ExitCode.USAGE,
        "--use " + Printable.quoted(use) + ": one of " + Use.ids(Use.known())));
    Inventory.Builder builder = Inventory.builder();
    java.security.cert.CertificateFactory factory;
    try {
      factory = java.security.cert.CertificateFactory.getInstance("X.509");
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException("every JDK has an X.509 certificate factory", e);
    }
    for (CertificateInputs.Loaded loaded : inputs.load(((Main) spec.root().userObject()).environment())) {
      if (loaded.chain().kind() == dev.portcullis.certs.source.FoundChain.Kind.TRUSTED_ENTRY) {
        continue;
      }
      List<java.security.cert.X509Certificate> chain = new ArrayList<>();
      for (byte[] der : loaded.chain().certificates()) {
        try {
          chain.add((java.security.cert.X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(der)));
        } catch (java.security.cert.CertificateException e) {
          throw new CliException(ExitCode.USAGE, loaded.chain().origin() + ": a certificate the JDK cannot read: "
              + e.getMessage(), e);
        }
      }
      builder.add(chain.get(0), chain, chosen, null, InventoryItem.Owner.UNKNOWN,
          new InventoryItem.Source(loaded.chain().kind().name().toLowerCase(java.util.Locale.ROOT) + ":"
              + loaded.chain().origin(), loaded.uri()));
    }
    return builder.build();
  }

  private Inventory fromOrg() {
    return fromOrg(orgAccess, ((Main) spec.root().userObject()).environment(), org, Duration.ofSeconds(waitSeconds));
  }

  /**
   * The org's inventory: the Metadata API (listMetadata, retrieve) and the REST API (UserAuthCertificate records),
   * with one session. {@link InventoryException}s are the caller's to map.
   */
  static Inventory fromOrg(OrgAccess orgAccess, Map<String, String> environment, String alias, Duration maxWait) {
    OrgAccess.Connection connection = orgAccess.connection(environment);
    try (HttpClient http = orgAccess.httpClient()) {
      MetadataClient client = MetadataClient.builder(connection.url(), connection::session, http).build();
      RestClient rest = new RestClient(connection.url(), connection::session, http);
      return new OrgCertificates(client, rest, maxWait).discover(alias);
    }
  }

  /** An inventory failure as the CLI's error: 4 the org or its retrieve, 2 what does not parse. */
  static CliException failure(InventoryException e) {
    return new CliException(switch (e.code()) {
      case ORG_UNAVAILABLE, RETRIEVE_FAILED -> ExitCode.UNAVAILABLE;
      case MALFORMED_METADATA, SOURCE_UNREADABLE -> ExitCode.USAGE;
    }, e.code() + ": " + e.getMessage(), e);
  }

  static long daysLeft(InventoryItem item, Instant now) {
    return Math.floorDiv(Duration.between(now, item.notAfter()).toSeconds(), 86_400L);
  }

  private static String consumers(InventoryItem item) {
    return item.consumers().isEmpty() ? "(none found)"
        : item.consumers().stream().map(InventoryItem.Consumer::toString).collect(Collectors.joining(", "));
  }

  private static String uses(InventoryItem item) {
    return item.uses().stream().map(Use::id).collect(Collectors.joining(","));
  }

  private static void printTable(PrintWriter out, Inventory inventory, Instant now) {
    out.println(inventory.items().size() + (inventory.items().size() == 1 ? " certificate" : " certificates"));
    for (InventoryItem item : inventory.items()) {
      out.println(String.format(Locale.ROOT, "%s %5dd  %-17s %s  %s", DAY.format(item.notAfter()), daysLeft(item, now),
          uses(item), item.fingerprint().substring(0, 16), item.subject()));
      out.println("    used by: " + consumers(item));
      out.println("    found:   " + item.sources().stream().map(InventoryItem.Source::toString).collect(Collectors.joining(", "))
          + (item.owner().isKnown() ? "; owner " + owner(item.owner()) : ""));
    }
    printNotes(out, inventory);
  }

  private static void printCalendar(PrintWriter out, Inventory inventory, Instant now) {
    for (Map.Entry<YearMonth, List<InventoryItem>> month : inventory.calendar().entrySet()) {
      out.println(month.getKey() + " (" + month.getValue().size() + ")");
      for (InventoryItem item : month.getValue()) {
        out.println(String.format(Locale.ROOT, "  %s %5dd  %-17s %s", DAY.format(item.notAfter()), daysLeft(item, now),
            uses(item), item.subject()));
        out.println("      used by: " + consumers(item));
      }
    }
    printNotes(out, inventory);
  }

  private static void printNotes(PrintWriter out, Inventory inventory) {
    for (String note : inventory.notes()) {
      out.println("note: " + note);
    }
  }

  private static String owner(InventoryItem.Owner owner) {
    String last = owner.lastModifiedBy().isEmpty() ? owner.createdBy() : owner.lastModifiedBy();
    Instant when = owner.lastModifiedDate() != null ? owner.lastModifiedDate() : owner.createdDate();
    return last + (when == null ? "" : " (" + DAY.format(when) + ")");
  }

  static ObjectNode toJson(Inventory inventory, Instant now) {
    ObjectNode node = LedgerCommand.object();
    node.put("generated_at", now.toString());
    ArrayNode items = node.putArray("items");
    for (InventoryItem item : inventory.items()) {
      ObjectNode i = items.addObject();
      i.put("fingerprint", item.fingerprint());
      i.put("subject", item.subject());
      i.put("issuer", item.issuer());
      i.put("not_before", item.notBefore().toString());
      i.put("not_after", item.notAfter().toString());
      i.put("days_left", daysLeft(item, now));
      i.put("key_type", item.keyType());
      i.put("key_size", item.keySize());
      i.put("signature_algorithm", item.signatureAlgorithm());
      i.put("use", item.use().id());
      ArrayNode uses = i.putArray("uses");
      item.uses().forEach(u -> uses.add(u.id()));
      ArrayNode consumers = i.putArray("consumers");
      for (InventoryItem.Consumer c : item.consumers()) {
        consumers.addObject().put("type", c.type()).put("name", c.name()).put("field", c.field()).put("use", c.use().id());
      }
      ObjectNode owner = i.putObject("owner");
      owner.put("created_by", item.owner().createdBy());
      owner.put("created_date", item.owner().createdDate() == null ? null : item.owner().createdDate().toString());
      owner.put("last_modified_by", item.owner().lastModifiedBy());
      owner.put("last_modified_date", item.owner().lastModifiedDate() == null ? null : item.owner().lastModifiedDate().toString());
      ArrayNode sources = i.putArray("sources");
      item.sources().forEach(s -> sources.addObject().put("origin", s.origin()).put("location", s.location()));
      ArrayNode chain = i.putArray("chain");
      for (X509Certificate c : item.chain()) {
        chain.addObject().put("fingerprint", Inventory.fingerprint(c))
            .put("subject", c.getSubjectX500Principal().getName())
            .put("not_after", c.getNotAfter().toInstant().toString())
            .put("signature_algorithm", c.getSigAlgName());
      }
    }
    ArrayNode calendar = node.putArray("calendar");
    inventory.calendar().forEach((month, inMonth) -> {
      ObjectNode m = calendar.addObject().put("month", month.toString());
      ArrayNode fingerprints = m.putArray("fingerprints");
      inMonth.forEach(item -> fingerprints.add(item.fingerprint()));
      ArrayNode expiring = m.putArray("items");
      for (InventoryItem item : inMonth) {
        ObjectNode e = expiring.addObject().put("fingerprint", item.fingerprint()).put("subject", item.subject())
            .put("not_after", item.notAfter().toString()).put("days_left", daysLeft(item, now));
        ArrayNode uses = e.putArray("uses");
        item.uses().forEach(u -> uses.add(u.id()));
        ArrayNode consumers = e.putArray("consumers");
        item.consumers().forEach(c -> consumers.add(c.toString()));
      }
    });
    ArrayNode notes = node.putArray("notes");
    inventory.notes().forEach(notes::add);
    return node;
  }
}
