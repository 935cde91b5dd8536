package dev.portcullis.certs.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the checks judge against.
 *
 * @param at the time of the check (take it from an injected {@link java.time.Clock}, or {@code --at})
 * @param anchors the trusted roots: the Mozilla snapshot and private anchors
 * @param expectedNames host names or IP addresses the leaf must carry (an endpoint's host); empty: no name check
 * @param privateLifetime the longest lifetime the organisation allows a private or SSO certificate
 * @param renewalInfo ACME Renewal Information responses by RFC 9773 CertID, for the certificates that have one
 */
public record CheckContext(Instant at, TrustAnchors anchors, List<String> expectedNames, Duration privateLifetime,
    Map<String, RenewalInfo> renewalInfo) {
  /** Two years: the longest lifetime of a Salesforce self-signed certificate (4096-bit keys). */
  public static final Duration DEFAULT_PRIVATE_LIFETIME = Duration.ofDays(730);

  public CheckContext {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(anchors, "anchors");
    expectedNames = List.copyOf(expectedNames);
    Objects.requireNonNull(privateLifetime, "privateLifetime");
    if (privateLifetime.isNegative() || privateLifetime.isZero()) {
      throw new IllegalArgumentException("the private lifetime policy must be positive: " + privateLifetime);
    }
    renewalInfo = Map.copyOf(renewalInfo);
  }

  /** A context at {@code at} with {@code anchors}, no expected names, the default policy, no ARI. */
  public static CheckContext of(Instant at, TrustAnchors anchors) {
    return new CheckContext(at, anchors, List.of(), DEFAULT_PRIVATE_LIFETIME, Map.of());
  }

  public CheckContext withExpectedNames(List<String> names) {
    return new CheckContext(at, anchors, names, privateLifetime, renewalInfo);
  }

  public CheckContext withPrivateLifetime(Duration value) {
    return new CheckContext(at, anchors, expectedNames, value, renewalInfo);
  }

  public CheckContext withRenewalInfo(Map<String, RenewalInfo> value) {
    return new CheckContext(at, anchors, expectedNames, privateLifetime, value);
  }
}
