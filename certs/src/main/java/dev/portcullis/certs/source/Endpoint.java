package dev.portcullis.certs.source;

import com.google.common.net.InetAddresses;
import java.util.Objects;

/** A TLS endpoint, {@code HOST:PORT} ({@code [v6]:PORT} for IPv6 literals). */
public record Endpoint(String host, int port) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("an endpoint needs a host");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /** Parses {@code HOST:PORT}; the message of a failure names the text and what was wrong. */
  public static Endpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("endpoint '" + text + "' is not HOST:PORT");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("endpoint '" + text + "': write an IPv6 host as [ADDRESS]:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + text + "': port is not a number", e);
    }
    return new Endpoint(host, port);
  }

  /** True when the host is an IP literal: no SNI is sent for it (RFC 6066 §3). */
  public boolean hostIsAddress() {
    return InetAddresses.isInetAddress(host);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
