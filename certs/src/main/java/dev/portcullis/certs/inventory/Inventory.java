package dev.portcullis.certs.inventory;

import dev.portcullis.certs.Use;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;

/**
 * The certificates found in one or more sources, one {@link InventoryItem} per certificate
 * (SHA-256 fingerprint of its DER), sorted by expiry, soonest first. Build with {@link #builder()};
 * every discovery ({@link OrgCertificates}, {@link SourceDirectoryCertificates}, and any other
 * source: keystores, PEM files, TLS endpoints) adds what it finds through {@link Builder#add}, and
 * {@link #merge} joins inventories of several sources, so a certificate found twice is one item
 * with every consumer and source.
 *
 * @param items by expiry, soonest first
 * @param notes what discovery could not read or skipped, in words (e.g. a certificate still a CSR)
 */
public record Inventory(List<InventoryItem> items, List<String> notes) {
  public Inventory {
    items = List.copyOf(items);
    notes = List.copyOf(notes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One inventory of every item and note of {@code inventories}; duplicates merged by fingerprint. */
  public static Inventory merge(List<Inventory> inventories) {
    Builder builder = builder();
    for (Inventory inventory : inventories) {
      inventory.items.forEach(builder::add);
      inventory.notes.forEach(builder::note);
    }
    return builder.build();
  }

  /** The item whose fingerprint is {@code fingerprint} (lowercase hex). */
  public Optional<InventoryItem> item(String fingerprint) {
    return items.stream().filter(i -> i.fingerprint().equals(fingerprint)).findFirst();
  }

  /** The expiry calendar: items by the month (UTC) their {@code notAfter} falls in, months in order. */
  public Map<YearMonth, List<InventoryItem>> calendar() {
    Map<YearMonth, List<InventoryItem>> months = new TreeMap<>();
    for (InventoryItem item : items) {
      months.computeIfAbsent(YearMonth.from(item.notAfter().atZone(ZoneOffset.UTC)), m -> new ArrayList<>()).add(item);
    }
    return months;
  }

  /** The SHA-256 fingerprint of a certificate's DER, lowercase hex. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal() + ": " + e.getMessage(), e);
    }
  }

  /** Collects items, merging by fingerprint. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final Map<String, Boolean> exportables = new HashMap<>();

    private Builder() {}

    /**
     * Adds a certificate with one use: merged into the existing item of the same fingerprint, if
     * any (uses, consumers and sources added; the first known owner and the longest chain kept).
     *
     * @param chain the certificates held with it after it, leaf excluded (may be empty)
     * @param consumer what uses it, or null when nothing was found using it
     */
    public Builder add(X509Certificate certificate, List<X509Certificate> chain, Use use, InventoryItem.Consumer consumer,
        InventoryItem.Owner owner, InventoryItem.Source source) {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(use, "use");
      if (use == Use.UNKNOWN) {
        throw new IllegalArgumentException("an inventory item has one of the uses " + Use.ids(Use.known()) + ", not unknown");
      }
      Entry entry = entries.computeIfAbsent(fingerprint(certificate), f -> new Entry(f, certificate));
      entry.uses.add(use);
      if (consumer != null && !entry.consumers.contains(consumer)) {
        entry.consumers.add(consumer);
      }
      if (owner != null && !entry.owner.isKnown() && owner.isKnown()) {
        entry.owner = owner;
      }
      if (source != null && !entry.sources.contains(source)) {
        entry.sources.add(source);
      }
      if (chain != null && chain.size() > entry.chain.size()) {
        entry.chain = List.copyOf(chain);
      }
      return this;
    }

    /**
     * Records Salesforce's {@code privateKeyExportable} flag of the org Certificate holding {@code certificate}; kept
     * for the item once the certificate is added with a use (a flag for a certificate never added is dropped).
     */
    public Builder privateKeyExportable(X509Certificate certificate, boolean exportable) {
      exportables.put(fingerprint(certificate), exportable);
      return this;
    }

    /** Adds an item (from another inventory), merging as {@link #add(X509Certificate, List, Use, InventoryItem.Consumer, InventoryItem.Owner, InventoryItem.Source)} does. */
    public Builder add(InventoryItem item) {
      for (Use use : item.uses()) {
        add(item.certificate(), item.chain(), use, null, item.owner(), null);
      }
      item.consumers().forEach(c -> add(item.certificate(), item.chain(), c.use(), c, null, null));
      item.sources().forEach(s -> add(item.certificate(), item.chain(), item.use(), null, null, s));
      item.privateKeyExportable().ifPresent(exportable -> privateKeyExportable(item.certificate(), exportable));
      return this;
    }

    /** Records something discovery could not read or skipped. */
    public Builder note(String note) {
      notes.add(Objects.requireNonNull(note, "note"));
      return this;
    }

    public Inventory build() {
      List<InventoryItem> items = new ArrayList<>();
      for (Entry e : entries.values()) {
        X509Certificate c = e.certificate;
        PublicKey key = c.getPublicKey();
        items.add(new InventoryItem(e.fingerprint, c.getSubjectX500Principal().getName(X500Principal.RFC2253),
            c.getIssuerX500Principal().getName(X500Principal.RFC2253), c.getNotBefore().toInstant(),
            c.getNotAfter().toInstant(), key.getAlgorithm(), keySize(key), c.getSigAlgName(), e.uses, e.consumers,
            e.owner, e.sources, c, e.chain, Optional.ofNullable(exportables.get(e.fingerprint))));
      }
      items.sort(Comparator.comparing(InventoryItem::notAfter).thenComparing(InventoryItem::fingerprint));
      return new Inventory(items, List.copyOf(notes));
    }

    private static int keySize(PublicKey key) {
      return switch (key) {
        case RSAPublicKey rsa -> rsa.getModulus().bitLength();
        case ECPublicKey ec -> ec.getParams().getCurve().getField().getFieldSize();
        default -> switch (key.getAlgorithm()) {
          case "Ed25519", "X25519" -> 256;
          case "Ed448" -> 456;
          default -> 0;
        };
      };
    }

    private static final class Entry {
      final String fingerprint;
      final X509Certificate certificate;
      final Set<Use> uses = EnumSet.noneOf(Use.class);
      final List<InventoryItem.Consumer> consumers = new ArrayList<>();
      final List<InventoryItem.Source> sources = new ArrayList<>();
      InventoryItem.Owner owner = InventoryItem.Owner.UNKNOWN;
      List<X509Certificate> chain = List.of();

      Entry(String fingerprint, X509Certificate certificate) {
        this.fingerprint = fingerprint;
        this.certificate = certificate;
      }
    }
  }
}
