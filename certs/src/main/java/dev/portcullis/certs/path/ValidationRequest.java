package dev.portcullis.certs.path;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@link PathValidator} needs: the end-entity certificate, a pool of untrusted
 * intermediates (any order, may hold unrelated or broken certificates), the trust anchors (whole
 * certificates, whose own constraints, including name constraints, are enforced), the time, the
 * purpose, the names the end entity must carry, and limits. Certificates and CRLs are DER; one that
 * does not decode is a failure of that element, never of the whole request.
 *
 * @param maxIntermediates most non-self-issued intermediates between the end entity and its anchor
 * @param requiredKeyUsage RFC 5280 §4.2.1.3 bit names (e.g. {@code digitalSignature}) the end
 *     entity's keyUsage must assert when it has that extension
 * @param signatureAlgorithms allowed signature algorithm OIDs; empty for the BR §7.1.3.2 set
 * @param budget wall-clock budget for path building; past it the answer is {@link FailureCode#BUDGET_EXHAUSTED}
 * @param decoded certificates of this request that the caller has already decoded ({@link DecodedCertificate#decode});
 *     the validator takes the decoding of a certificate whose DER equals one of these instead of decoding it again,
 *     which changes no answer
 */
public record ValidationRequest(
    byte[] leaf,
    List<byte[]> intermediates,
    List<byte[]> trustAnchors,
    Instant time,
    Purpose purpose,
    List<PeerName> peerNames,
    int maxIntermediates,
    List<byte[]> crls,
    Set<String> signatureAlgorithms,
    Set<String> requiredKeyUsage,
    Duration budget,
    List<DecodedCertificate> decoded) {

  /** pyca/cryptography's and Go's default depth; deep enough for every public Web PKI chain. */
  public static final int DEFAULT_MAX_INTERMEDIATES = 8;

  public ValidationRequest {
    Objects.requireNonNull(leaf, "leaf");
    intermediates = List.copyOf(intermediates);
    trustAnchors = List.copyOf(trustAnchors);
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(purpose, "purpose");
    peerNames = List.copyOf(peerNames);
    if (maxIntermediates < 0) {
      throw new IllegalArgumentException("maxIntermediates must not be negative: " + maxIntermediates);
    }
    crls = List.copyOf(crls);
    signatureAlgorithms = Set.copyOf(signatureAlgorithms);
    requiredKeyUsage = Set.copyOf(requiredKeyUsage);
    Objects.requireNonNull(budget, "budget");
    decoded = List.copyOf(decoded);
  }

  public static Builder builder(byte[] leaf) {
    return new Builder(leaf);
  }

  /**
   * Builds a request; the time is required (take it from an injected {@link java.time.Clock}).
   * Defaults: server purpose, no peer name check, depth 8, no CRLs, BR algorithms, a 1 s budget.
   */
  public static final class Builder {
    private final byte[] leaf;
    private final List<byte[]> intermediates = new ArrayList<>();
    private final List<byte[]> trustAnchors = new ArrayList<>();
    private final List<PeerName> peerNames = new ArrayList<>();
    private final List<byte[]> crls = new ArrayList<>();
    private final List<DecodedCertificate> decoded = new ArrayList<>();
    private Instant time;
    private Purpose purpose = new Purpose.ServerAuth();
    private int maxIntermediates = DEFAULT_MAX_INTERMEDIATES;
    private Set<String> signatureAlgorithms = Set.of();
    private Set<String> requiredKeyUsage = Set.of();
    private Duration budget = Duration.ofSeconds(1);

    private Builder(byte[] leaf) {
      this.leaf = Objects.requireNonNull(leaf, "leaf");
    }

    public Builder intermediates(List<byte[]> certificates) {
      intermediates.addAll(certificates);
      return this;
    }

    public Builder trustAnchors(List<byte[]> certificates) {
      trustAnchors.addAll(certificates);
      return this;
    }

    public Builder time(Instant value) {
      time = value;
      return this;
    }

    public Builder purpose(Purpose value) {
      purpose = value;
      return this;
    }

    public Builder peerName(PeerName value) {
      peerNames.add(value);
      return this;
    }

    public Builder maxIntermediates(int value) {
      maxIntermediates = value;
      return this;
    }

    public Builder crls(List<byte[]> values) {
      crls.addAll(values);
      return this;
    }

    public Builder signatureAlgorithms(Set<String> oids) {
      signatureAlgorithms = oids;
      return this;
    }

    public Builder requiredKeyUsage(Set<String> bitNames) {
      requiredKeyUsage = bitNames;
      return this;
    }

    public Builder budget(Duration value) {
      budget = value;
      return this;
    }

    /** Certificates of this request already decoded by the caller, so that they are not decoded again. */
    public Builder decoded(List<DecodedCertificate> certificates) {
      decoded.addAll(certificates);
      return this;
    }

    public ValidationRequest build() {
      if (time == null) {
        throw new IllegalStateException("a validation request needs a time: call time(clock.instant())");
      }
      return new ValidationRequest(leaf, intermediates, trustAnchors, time, purpose, peerNames, maxIntermediates,
          crls, signatureAlgorithms, requiredKeyUsage, budget, decoded);
    }
  }
}
