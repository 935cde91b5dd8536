package dev.portcullis.certs.check;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a certificate is used for: the seven uses of issue 8 (cert-anchors.md §2.1), which decide
 * the rules that apply (a callout target must chain to a public root; an SSO signing certificate
 * may be self-signed; an API mTLS client certificate needs clientAuth).
 */
public enum Use {
  /** Inbound one-way TLS: My Domain / Sites, bring-your-own certificate. */
  INBOUND_TLS("inbound-tls"),
  /** Outbound one-way TLS: the server of an Apex callout, outbound message or delegated auth. */
  OUTBOUND_TLS("outbound-tls"),
  /** Inbound user mTLS: certificate-based login. */
  INBOUND_USER_MTLS("inbound-user-mtls"),
  /** Inbound API mTLS: the client certificate of an API-only user on port 8443. */
  INBOUND_API_MTLS("inbound-api-mtls"),
  /** Outbound mTLS: the org's client certificate for callouts. */
  OUTBOUND_MTLS("outbound-mtls"),
  /** Inbound SSO: an identity provider's signing certificate in a SAML config. */
  INBOUND_SSO("inbound-sso"),
  /** Outbound SSO: the org's IdP / JWT signing certificate. */
  OUTBOUND_SSO("outbound-sso"),
  /** Not known: only the checks that apply to every certificate, plus those the certificate's EKU implies. */
  UNKNOWN("unknown");

  private final String id;

  Use(String id) {
    this.id = id;
  }

  /** The stable id used on the command line, in JSON and in SARIF. */
  public String id() {
    return id;
  }

  /** The use named {@code id}; the message lists the valid ids. */
  public static Use fromId(String id) {
    for (Use use : values()) {
      if (use.id.equals(id)) {
        return use;
      }
    }
    throw new IllegalArgumentException("unknown use '" + id + "' (one of "
        + Arrays.stream(values()).map(Use::id).collect(Collectors.joining(", ")) + ")");
  }

  /** A use whose certificate must chain to a root Salesforce or a browser trusts (Salesforce 000385468, 000383575). */
  boolean needsTrustedChain() {
    return this == INBOUND_TLS || this == OUTBOUND_TLS || this == INBOUND_USER_MTLS || this == INBOUND_API_MTLS;
  }

  /** A use whose private key Salesforce holds, so a keystore of it is imported into Salesforce. */
  boolean keyHeldBySalesforce() {
    return this == INBOUND_TLS || this == OUTBOUND_MTLS || this == OUTBOUND_SSO || this == UNKNOWN;
  }
}
