package dev.portcullis.certs.inventory;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.FileProperties;
import dev.portcullis.salesforce.metadata.ListMetadataQuery;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RetrieveRequest;
import dev.portcullis.salesforce.metadata.RetrieveResult;
import dev.portcullis.salesforce.rest.RestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Discovers the certificates of an org and what uses them, through the Metadata API: {@code
 * listMetadata} of the seven types that hold or name certificates (Certificate, InboundCertificate,
 * SamlSsoConfig, ConnectedApp, ExtlClntAppGlobalOauthSettings, NamedCredential, ExternalCredential;
 * three types per call, as meta_listmetadata.htm allows), then one {@code retrieve} of every
 * component found, read from the zip; classification is {@link MetadataCertificates}'s. Owners
 * come from FileProperties ({@code createdByName}, {@code lastModifiedByName} and their dates).
 *
 * <p>With a {@link RestClient}, the {@code UserAuthCertificate} records (certificate-based login) are read too, by
 * SOQL and sObject Blob Get ({@link UserAuthCertificates}): they are sObject records, which the retrieve does not carry
 * with their chain.
 *
 * <p>A type the org does not offer (InboundCertificate needs the MutualAuthentication permission,
 * ECAs an opt-in) answers {@code INVALID_TYPE}: it is skipped and noted, and the others are read.
 * Works the same against a real org and against orgsim.
 */
public final class OrgCertificates {
  private static final List<List<String>> LIST_BATCHES = List.of(
      List.of("Certificate", "InboundCertificate", "SamlSsoConfig"),
      List.of("ConnectedApp", "ExtlClntAppGlobalOauthSettings", "NamedCredential"),
      List.of("ExternalCredential"));
  /** Zip limits: entry count and bytes inflated per entry and in all (the client caps the zip itself). */
  private static final int MAX_ENTRIES = 50_000;
  private static final long MAX_ENTRY_BYTES = 16L << 20;
  private static final long MAX_TOTAL_BYTES = 256L << 20;

  private final MetadataClient client;
  private final RestClient rest;
  private final Duration maxWait;

  /**
   * @param client a client of the org, with a session allowed to list and retrieve metadata
   * @param maxWait the longest wait for the retrieve to finish
   */
  public OrgCertificates(MetadataClient client, Duration maxWait) {
    this(client, null, maxWait);
  }

  /**
   * Also reads what only the REST API holds: the {@code UserAuthCertificate} records of certificate-based login
   * (inbound user mTLS, {@link UserAuthCertificates}).
   *
   * @param rest a REST client of the same org and session, or null to read the Metadata API only
   */
  public OrgCertificates(MetadataClient client, RestClient rest, Duration maxWait) {
    this.client = Objects.requireNonNull(client, "client");
    this.rest = rest;
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  /**
   * The org's certificates, their uses, consumers and owners.
   *
   * @param alias the org's alias, named as every item's source ({@code org:ALIAS})
   * @throws InventoryException {@code ORG_UNAVAILABLE} when the org cannot be asked, {@code
   *     RETRIEVE_FAILED} when the retrieve fails, {@code MALFORMED_METADATA} for what does not parse
   */
  public Inventory discover(String alias) {
    String origin = "org:" + alias;
    Inventory.Builder builder = Inventory.builder();
    Map<String, Map<String, FileProperties>> listed = new LinkedHashMap<>();
    for (List<String> batch : LIST_BATCHES) {
      list(batch, listed, builder, origin);
    }
    Map<String, List<String>> members = new LinkedHashMap<>();
    listed.forEach((type, byName) -> {
      if (!byName.isEmpty()) {
        members.put(type, List.copyOf(byName.keySet()));
      }
    });
    if (!members.isEmpty()) {
      byte[] zip = retrieve(members);
      List<MetadataCertificates.Component> components = components(zip, listed);
      new MetadataCertificates(origin, builder).classify(components);
    }
    if (rest != null) {
      UserAuthCertificates.read(rest, origin, builder);
    }
    return builder.build();
  }

  private void list(List<String> types, Map<String, Map<String, FileProperties>> listed, Inventory.Builder builder,
      String origin) {
    try {
      for (FileProperties p : client.listMetadata(types.stream().map(ListMetadataQuery::of).toList())) {
        if (types.contains(p.type())) {
          listed.computeIfAbsent(p.type(), t -> new LinkedHashMap<>()).put(p.fullName(), p);
        }
      }
      types.forEach(t -> listed.computeIfAbsent(t, x -> new LinkedHashMap<>()));
    } catch (SalesforceException e) {
      if (e.code() != SalesforceErrorCode.METADATA_INVALID_TYPE) {
        throw unavailable("listMetadata " + types, e);
      }
      if (types.size() == 1) {
        builder.note(origin + ": the org does not offer metadata type " + types.getFirst() + " (" + e.getMessage() + ")");
        return;
      }
      for (String type : types) {
        list(List.of(type), listed, builder, origin);
      }
    }
  }

  private byte[] retrieve(Map<String, List<String>> members) {
    RetrieveResult result;
    try {
      String id = client.retrieve(RetrieveRequest.of(client.apiVersion(), true, members)).id();
      result = client.awaitRetrieve(id, maxWait);
    } catch (SalesforceException e) {
      throw unavailable("retrieve", e);
    }
    if (!result.done()) {
      throw new InventoryException(InventoryException.Code.ORG_UNAVAILABLE,
          "the retrieve " + result.id() + " did not finish within " + maxWait);
    }
    if (result.status() != RetrieveResult.Status.Succeeded || result.zipFile().isEmpty()) {
      throw new InventoryException(InventoryException.Code.RETRIEVE_FAILED, "the retrieve " + result.id() + " ended "
          + result.status() + (result.errorMessage().isEmpty() ? "" : ": " + result.errorStatusCode() + " " + result.errorMessage()));
    }
    return result.zipFile().get();
  }

  /** The components of the zip (a singlePackage retrieve: {@code certs/X.crt} at the root). */
  private static List<MetadataCertificates.Component> components(byte[] zip,
      Map<String, Map<String, FileProperties>> listed) {
    Map<String, byte[]> files = unzip(zip);
    List<MetadataCertificates.Component> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, FileProperties>> type : listed.entrySet()) {
      ComponentFiles layout = ComponentFiles.of(type.getKey());
      for (FileProperties p : type.getValue().values()) {
        String main = layout.directory() + "/" + p.fullName() + "." + layout.suffix();
        byte[] content = layout.content() ? files.get(main) : null;
        byte[] xml = files.get(layout.content() ? main + "-meta.xml" : main);
        if (xml == null) {
          continue; // listed but not retrieved (deleted meanwhile); nothing to read
        }
        out.add(new MetadataCertificates.Component(type.getKey(), p.fullName(), content, xml, main, p.id(),
            new InventoryItem.Owner(p.createdByName(), p.createdDate(), p.lastModifiedByName(), p.lastModifiedDate())));
      }
    }
    return out;
  }

  private static Map<String, byte[]> unzip(byte[] zip) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (files.size() >= MAX_ENTRIES) {
          throw retrieveFailed("the retrieved zip has more than " + MAX_ENTRIES + " entries");
        }
        if (entry.isDirectory()) {
          continue;
        }
        byte[] bytes = read(in, entry.getName());
        total += bytes.length;
        if (total > MAX_TOTAL_BYTES) {
          throw retrieveFailed("the retrieved zip inflates past " + (MAX_TOTAL_BYTES >> 20) + " MiB");
        }
        String name = entry.getName().startsWith("unpackaged/") ? entry.getName().substring("unpackaged/".length()) : entry.getName();
        files.put(name, bytes);
      }
    } catch (IOException e) {
      throw retrieveFailed("the retrieved zip does not read: " + e.getMessage());
    }
    return files;
  }

  private static byte[] read(InputStream in, String name) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
    if (bytes.length > MAX_ENTRY_BYTES) {
      throw retrieveFailed("the retrieved zip's entry " + name + " inflates past " + (MAX_ENTRY_BYTES >> 20) + " MiB");
    }
    return bytes;
  }

  private static InventoryException retrieveFailed(String message) {
    return new InventoryException(InventoryException.Code.RETRIEVE_FAILED, message);
  }

  private static InventoryException unavailable(String call, SalesforceException e) {
    return new InventoryException(InventoryException.Code.ORG_UNAVAILABLE,
        call + " failed: " + e.code() + ": " + e.getMessage(), e);
  }

  /** Where a type's files sit (the Salesforce CLI's metadata registry): folder, suffix, content + meta or XML only. */
  record ComponentFiles(String type, String directory, String suffix, boolean content) {
    static ComponentFiles of(String type) {
      return switch (type) {
        case "Certificate" -> new ComponentFiles(type, "certs", "crt", true);
        case "InboundCertificate" -> new ComponentFiles(type, "inboundCertificates", "inboundCertificate", true);
        case "SamlSsoConfig" -> new ComponentFiles(type, "samlssoconfigs", "samlssoconfig", false);
        case "ConnectedApp" -> new ComponentFiles(type, "connectedApps", "connectedApp", false);
        case "ExtlClntAppGlobalOauthSettings" -> new ComponentFiles(type, "extlClntAppGlobalOauthSets", "ecaGlblOauth", false);
        case "NamedCredential" -> new ComponentFiles(type, "namedCredentials", "namedCredential", false);
        case "ExternalCredential" -> new ComponentFiles(type, "externalCredentials", "externalCredential", false);
        default -> throw new IllegalArgumentException("not a certificate-bearing type: " + type);
      };
    }

    static List<ComponentFiles> all() {
      return MetadataCertificates.TYPES.stream().sorted().map(ComponentFiles::of).toList();
    }

    /** The type whose files live in {@code directory} (case-insensitive: SFDX folders vary), if any. */
    static java.util.Optional<ComponentFiles> inDirectory(String directory) {
      return all().stream().filter(f -> f.directory().toLowerCase(Locale.ROOT).equals(directory.toLowerCase(Locale.ROOT)))
          .findFirst();
    }
  }
}
