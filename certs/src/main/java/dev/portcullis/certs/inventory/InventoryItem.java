package dev.portcullis.certs.inventory;

import dev.portcullis.certs.Use;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One certificate of the inventory, wherever it was found: its SHA-256 fingerprint is its id, and
 * one certificate found in several places (a JWT bearer certificate on a connected app and on an
 * External Client App) is one item with several consumers and sources.
 *
 * @param fingerprint SHA-256 of the DER, lowercase hex: the id
 * @param subject RFC 4514 string of the subject
 * @param issuer RFC 4514 string of the issuer
 * @param keyType {@code RSA}, {@code EC}, {@code Ed25519}, …
 * @param keySize the key's size in bits (RSA modulus, EC field), 0 when unknown
 * @param signatureAlgorithm e.g. {@code SHA256withRSA}
 * @param uses what it is used for, iterated in {@link Use} order; never empty
 * @param consumers what uses it (SSO configs, apps, named credentials, …), possibly none found
 * @param owner who created and last changed it, where the source says
 * @param sources where it was found
 * @param certificate the certificate itself
 * @param chain the certificates held with it after it (intermediates as uploaded), leaf excluded
 * @param privateKeyExportable Salesforce's {@code privateKeyExportable} flag of the org Certificate that holds it
 *     (meta_certificate.htm); empty when no source says (a keystore, a PEM file, an endpoint, a consumer's copy)
 */
public record InventoryItem(
    String fingerprint,
    String subject,
    String issuer,
    Instant notBefore,
    Instant notAfter,
    String keyType,
    int keySize,
    String signatureAlgorithm,
    Set<Use> uses,
    List<Consumer> consumers,
    Owner owner,
    List<Source> sources,
    X509Certificate certificate,
    List<X509Certificate> chain,
    Optional<Boolean> privateKeyExportable) {

  public InventoryItem {
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (uses.isEmpty()) {
      throw new IllegalArgumentException("an inventory item has at least one use: " + fingerprint);
    }
    uses = Collections.unmodifiableSet(EnumSet.copyOf(uses));
    consumers = List.copyOf(consumers);
    Objects.requireNonNull(owner, "owner");
    sources = List.copyOf(sources);
    Objects.requireNonNull(certificate, "certificate");
    chain = List.copyOf(chain);
    Objects.requireNonNull(privateKeyExportable, "privateKeyExportable");
  }

  @Override
  public String toString() {
    return "InventoryItem[" + fingerprint + " " + subject + ", expires " + notAfter + ", " + uses + ", " + consumers + "]";
  }

  /** The first of {@link #uses()} in {@link Use} order: the use a one-column report shows. */
  public Use use() {
    return uses.iterator().next();
  }

  /**
   * Something that uses the certificate.
   *
   * @param type the Salesforce metadata type (or other kind) of the consumer, e.g. {@code SamlSsoConfig}
   * @param name its full name, e.g. {@code Okta}
   * @param field where it names the certificate, e.g. {@code requestSigningCertId}
   * @param use the use this consumer puts the certificate to
   */
  public record Consumer(String type, String name, String field, Use use) {
    public Consumer {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(use, "use");
    }

    @Override
    public String toString() {
      return type + " " + name + (field.isEmpty() ? "" : " (" + field + ")");
    }
  }

  /**
   * Who created and last changed the certificate's record, as the source says (the Metadata API's
   * FileProperties); empty names and null dates when it does not.
   */
  public record Owner(String createdBy, Instant createdDate, String lastModifiedBy, Instant lastModifiedDate) {
    /** Nothing known. */
    public static final Owner UNKNOWN = new Owner("", null, "", null);

    public Owner {
      createdBy = createdBy == null ? "" : createdBy;
      lastModifiedBy = lastModifiedBy == null ? "" : lastModifiedBy;
    }

    public boolean isKnown() {
      return !createdBy.isEmpty() || !lastModifiedBy.isEmpty();
    }
  }

  /**
   * Where the certificate was found.
   *
   * @param origin the org alias ({@code org:prod}) or directory or file ({@code dir:force-app})
   * @param location inside it, e.g. {@code certs/SSO_Signing.crt} or {@code samlssoconfigs/Okta.samlssoconfig#validationCert}
   */
  public record Source(String origin, String location) {
    public Source {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String toString() {
      return origin + " " + location;
    }
  }
}
