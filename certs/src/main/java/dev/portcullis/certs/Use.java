package dev.portcullis.certs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a certificate is used for: the seven uses of a Salesforce org (docs/CERTS.md, "Inventory";
 * shared/reference/cert-anchors.md §2.1), plus {@link #UNKNOWN} for a chain checked without one. The
 * use decides the rules that apply (a callout target must chain to a public root; an SSO signing
 * certificate may be self-signed; an API mTLS client certificate needs clientAuth) and, in the
 * inventory, what a certificate is for. The order is the order reports list them in.
 *
 * <p>One enum for the inventory, the checks, rotation and the CLI: an inventory item is always
 * classified ({@link #known()}); only a check of a bare chain may have no use.
 */
public enum Use {
  /** Inbound one-way TLS: Salesforce serves it (My Domain / Sites, bring-your-own certificate). */
  INBOUND_TLS("inbound-tls"),
  /** Outbound one-way TLS: the server of an Apex callout, outbound message or delegated auth presents it. */
  OUTBOUND_TLS("outbound-tls"),
  /** Inbound user mTLS: a user logs in with it (certificate-based authentication, UserAuthCertificate). */
  INBOUND_USER_MTLS("inbound-user-mtls"),
  /** Inbound API mTLS: an API client presents it on port 8443 (Mutual Authentication Certificates, InboundCertificate). */
  INBOUND_API_MTLS("inbound-api-mtls"),
  /** Outbound mTLS: the org presents it as client certificate on callouts (named credential ClientCertificate). */
  OUTBOUND_MTLS("outbound-mtls"),
  /** Inbound SSO: Salesforce verifies signatures made with it (an IdP's SAML certificate, a JWT bearer client's). */
  INBOUND_SSO("inbound-sso"),
  /** Outbound SSO: the org signs with it (SAML requests or assertions as IdP, JWTs of external credentials). */
  OUTBOUND_SSO("outbound-sso"),
  /** Not known: only the checks that apply to every certificate, plus those the certificate's EKU implies. */
  UNKNOWN("unknown");

  private static final List<Use> KNOWN = Arrays.stream(values()).filter(u -> u != UNKNOWN).toList();

  private final String id;

  Use(String id) {
    this.id = id;
  }

  /** The stable id, e.g. {@code inbound-api-mtls}, as the command line, JSON and SARIF spell it. */
  public String id() {
    return id;
  }

  /** The seven uses, without {@link #UNKNOWN}, in report order. */
  public static List<Use> known() {
    return KNOWN;
  }

  /** The use named exactly {@code id}; the message lists every valid id. */
  public static Use fromId(String id) {
    for (Use use : values()) {
      if (use.id.equals(id)) {
        return use;
      }
    }
    throw new IllegalArgumentException("unknown use '" + id + "' (one of " + ids(Arrays.asList(values())) + ")");
  }

  /** The use named {@code id}, case-insensitive and stripped. */
  public static Optional<Use> parse(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(u -> u.id.equals(wanted)).findFirst();
  }

  /** The ids of {@code uses}, comma-separated, for messages. */
  public static String ids(List<Use> uses) {
    return uses.stream().map(Use::id).collect(Collectors.joining(", "));
  }

  /** A use whose certificate must chain to a root Salesforce or a browser trusts (Salesforce 000385468, 000383575). */
  public boolean needsTrustedChain() {
    return this == INBOUND_TLS || this == OUTBOUND_TLS || this == INBOUND_USER_MTLS || this == INBOUND_API_MTLS;
  }

  /** A use whose private key Salesforce holds, so a keystore of it is imported into Salesforce. */
  public boolean keyHeldBySalesforce() {
    return this == INBOUND_TLS || this == OUTBOUND_MTLS || this == OUTBOUND_SSO || this == UNKNOWN;
  }

  @Override
  public String toString() {
    return id;
  }
}
