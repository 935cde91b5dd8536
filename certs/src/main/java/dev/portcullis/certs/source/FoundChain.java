package dev.portcullis.certs.source;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Certificates as they were found in one place: a PEM file's blocks, one keystore alias, or the
 * chain a TLS endpoint served, in the order found (leaf first as served; nothing is reordered,
 * completed or dropped, because chain completeness is itself a check).
 *
 * @param origin where the chain came from, for messages: {@code chain.pem}, {@code store.p12#alias},
 *     {@code host:443}
 * @param kind what kind of place it came from
 * @param certificates DER, in the order found; never empty
 * @param privateKey the private key found beside the chain, if any (never the key itself)
 */
public record FoundChain(String origin, Kind kind, List<byte[]> certificates, Optional<PrivateKeyFacts> privateKey) {
  /** The kinds of place certificates are found in. */
  public enum Kind {
    /** A PEM (or DER) certificate file. */
    FILE,
    /** A keystore entry holding a private key and its chain. */
    KEY_ENTRY,
    /** A keystore trusted-certificate entry: a trust anchor of whoever uses the keystore. */
    TRUSTED_ENTRY,
    /** The chain a TLS server sent in its handshake. */
    ENDPOINT
  }

  public FoundChain {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    certificates = certificates.stream().map(byte[]::clone).toList();
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(origin + ": a found chain holds at least one certificate");
    }
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** The end-entity certificate: the first one found. */
  public byte[] leaf() {
    return certificates.get(0).clone();
  }

  /**
   * What is known about a private key without holding it: what Salesforce's keystore import needs
   * (help 000387714: RSA, 2048/3072/4096 bits, PKCS#8, key password equal to the keystore password).
   *
   * @param algorithm the JCA key algorithm ({@code RSA}, {@code EC}, ...)
   * @param bits the key size (RSA modulus bits, EC field size), 0 when unknown
   * @param encoding the key's encoding format ({@code PKCS#8}), empty when not exported
   * @param storePasswordOpensKey false when the keystore password does not recover the key
   * @param storeType the keystore type ({@code JKS}, {@code PKCS12}), or {@code PEM}
   */
  public record PrivateKeyFacts(String algorithm, int bits, String encoding, boolean storePasswordOpensKey, String storeType) {
    public PrivateKeyFacts {
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(encoding, "encoding");
      Objects.requireNonNull(storeType, "storeType");
    }
  }
}
