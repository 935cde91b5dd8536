package dev.portcullis.certs.path;

import java.util.Objects;

/** A name the end-entity certificate must carry in its subjectAltName (never its CN). */
public sealed interface PeerName {
  String value();

  /** A DNS host name in A-label (punycode) form, matched per RFC 6125 §6.4. */
  record Dns(String value) implements PeerName {
    public Dns {
      Objects.requireNonNull(value, "value");
    }
  }

  /** An IPv4 or IPv6 address in text form, matched byte for byte against iPAddress SANs. */
  record Ip(String value) implements PeerName {
    public Ip {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A mailbox (RFC 822 name), matched against rfc822Name SANs. */
  record Email(String value) implements PeerName {
    public Email {
      Objects.requireNonNull(value, "value");
    }
  }
}
