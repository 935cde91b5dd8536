package dev.portcullis.certs.path;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Syntax and matching of the names in subjectAltName and in the expected peer name. DNS names are
 * in RFC 1034 §3.5 preferred name syntax as modified by RFC 1123 §2.1 (RFC 5280 §4.2.1.6): ASCII
 * letters, digits and hyphens, labels of 1–63 octets, 253 in all; non-ASCII names must already be
 * A-labels. A SAN may carry one wildcard, as the whole left-most label, over at least two labels
 * that are not a public suffix (RFC 6125 §6.4.3, BR §7.1.2.7.12). IP addresses compare byte for
 * byte (RFC 5280 §4.2.1.6); there is no common-name fallback anywhere (RFC 6125 §6.4.4 permits it
 * only without a SAN, and the BR require a SAN).
 */
final class Names {
  private Names() {}

  static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (!isLabel(label)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLabel(String label) {
    if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
      return false;
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A SAN dNSName: a DNS name, or {@code *.} followed by one (RFC 6125 §6.4.3: the wildcard is the whole left-most label). */
  static boolean isSanDnsName(String name) {
    return isDnsName(name.startsWith("*.") ? name.substring(2) : name);
  }

  /**
   * RFC 6125 §6.4: case-insensitive equality, or a left-most-label wildcard standing for exactly one
   * label. A wildcard directly over a public suffix ({@code *.com}, {@code *.co.uk},
   * {@code *.s3.amazonaws.com}) matches nothing (BR §3.2.2.6); the certificate's other names still do.
   */
  static boolean dnsMatches(String sanName, String peerName) {
    if (sanName.startsWith("*.")) {
      String base = sanName.substring(2);
      int dot = peerName.indexOf('.');
      return dot > 0 && peerName.substring(dot + 1).equalsIgnoreCase(base) && !PublicSuffixes.isPublicSuffix(lower(base));
    }
    return sanName.equalsIgnoreCase(peerName);
  }

  /** A mailbox {@code local@domain}: exactly one '@', a non-empty local part of printable ASCII, a DNS domain. */
  static boolean isMailbox(String name) {
    int at = name.indexOf('@');
    if (at <= 0 || at != name.lastIndexOf('@')) {
      return false;
    }
    for (int i = 0; i < at; i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return isDnsName(name.substring(at + 1));
  }

  /** The 4 or 16 bytes of a textual IP address, or null when the text is not one. Never resolves names. */
  static byte[] ipAddress(String text) {
    if (text.indexOf(':') >= 0) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        boolean ok = Character.digit(c, 16) >= 0 || c == ':' || c == '.';
        if (!ok) {
          return null;
        }
      }
      try {
        // Only hex digits, ':' and '.': a literal, so InetAddress does no lookup.
        byte[] bytes = InetAddress.getByName(text).getAddress();
        return bytes.length == 16 ? bytes : null;
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      for (int j = 0; j < part.length(); j++) {
        if (part.charAt(j) < '0' || part.charAt(j) > '9') {
          return null;
        }
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
