package dev.portcullis.deploy.diff;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Sizes of IP address ranges as metadata spells them ({@code start} and {@code end} addresses). */
final class IpRanges {
  /** A range of at least this many addresses (an IPv4 /8) is "logins from almost anywhere". */
  static final long HUGE = 1L << 24;

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private IpRanges() {}

  /**
   * How many addresses {@code start..end} holds (capped at {@link Long#MAX_VALUE}), or {@code -1}
   * when either end is not an IP address literal or the range runs backwards. Never resolves names.
   */
  static long size(String start, String end) {
    BigInteger from = value(start);
    BigInteger to = value(end);
    if (from == null || to == null || from.compareTo(to) > 0) {
      return -1;
    }
    BigInteger size = to.subtract(from).add(BigInteger.ONE);
    return size.bitLength() >= 63 ? Long.MAX_VALUE : size.longValue();
  }

  private static BigInteger value(String address) {
    if (address == null) {
      return null;
    }
    String text = address.strip();
    var ipv4 = IPV4.matcher(text);
    if (ipv4.matches()) {
      long value = 0;
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(ipv4.group(i));
        if (octet > 255) {
          return null;
        }
        value = value << 8 | octet;
      }
      return BigInteger.valueOf(value);
    }
    if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
      try {
        // A literal with ':' is parsed, never looked up.
        return new BigInteger(1, InetAddress.getByName(text).getAddress());
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }
}
