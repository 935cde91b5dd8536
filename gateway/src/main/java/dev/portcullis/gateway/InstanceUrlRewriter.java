package dev.portcullis.gateway;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Moves absolute URLs on the org's instance to the gateway, so that a client following a link in an
 * answer stays on the gateway: a value that starts with the instance's origin ({@code
 * scheme://host[:port]} of the session's instance URL, the host compared case-insensitively, a
 * missing port meaning the scheme's default) followed by the end of the value or by {@code /},
 * {@code ?} or {@code #} gets the gateway's origin instead; the rest is kept as it was. Anything else
 * is left alone: other hosts (a content domain, {@code login.salesforce.com}), a host that merely
 * begins like the instance's ({@code acme.my.salesforce.com.example.net}), user information ({@code
 * https://x@acme.my.salesforce.com}) and relative links.
 */
final class InstanceUrlRewriter {
  private final String scheme;
  private final String host;
  private final int port;
  private final String gatewayOrigin;

  /**
   * @param instance the org's instance URL (only its scheme, host and port count)
   * @param gatewayOrigin {@code scheme://authority} of the gateway as clients reach it
   */
  InstanceUrlRewriter(URI instance, String gatewayOrigin) {
    this.scheme = instance.getScheme().toLowerCase(Locale.ROOT);
    this.host = stripBrackets(instance.getHost()).toLowerCase(Locale.ROOT);
    this.port = instance.getPort() >= 0 ? instance.getPort() : defaultPort(scheme);
    this.gatewayOrigin = gatewayOrigin;
  }

  /** Whether {@code text} may be a URL worth {@link #rewrite} (it starts with {@code http}, any case): cheap. */
  static boolean mayBeUrl(char[] text, int offset, int length) {
    return length > 7 && (text[offset] | 0x20) == 'h' && (text[offset + 1] | 0x20) == 't'
        && (text[offset + 2] | 0x20) == 't' && (text[offset + 3] | 0x20) == 'p';
  }

  /** {@code value} with the instance's origin replaced by the gateway's, when it starts with it. */
  Optional<String> rewrite(String value) {
    int colon = value.indexOf("://");
    if (colon <= 0 || !value.substring(0, colon).equalsIgnoreCase(scheme)) {
      return Optional.empty();
    }
    int start = colon + 3;
    int end = start;
    while (end < value.length() && "/?#".indexOf(value.charAt(end)) < 0) {
      end++;
    }
    String authority = value.substring(start, end);
    if (authority.indexOf('@') >= 0 || !matches(authority)) {
      return Optional.empty();
    }
    return Optional.of(gatewayOrigin + value.substring(end));
  }

  private boolean matches(String authority) {
    int portColon = authority.lastIndexOf(':');
    if (portColon < authority.lastIndexOf(']')) {
      portColon = -1; // an IPv6 literal's colons, no port
    }
    String hostPart = portColon < 0 ? authority : authority.substring(0, portColon);
    int portOf;
    if (portColon < 0) {
      portOf = defaultPort(scheme);
    } else {
      String digits = authority.substring(portColon + 1);
      if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      portOf = Integer.parseInt(digits);
    }
    return portOf == port && stripBrackets(hostPart).equalsIgnoreCase(host);
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  static int defaultPort(String scheme) {
    return scheme.equalsIgnoreCase("https") ? 443 : 80;
  }
}
