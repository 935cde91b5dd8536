package dev.portcullis.salesforce;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** An org's instance URL as the clients of this module take it: {@code scheme://host[:port]} and nothing else. */
public final class InstanceUrls {
  private InstanceUrls() {
  }

  /**
   * The base URL of {@code instanceUrl} ({@code https://acme.my.salesforce.com}, lower-case scheme, no trailing
   * slash).
   *
   * @throws IllegalArgumentException when it is not an absolute http(s) URL with a host, or carries a path other
   *     than {@code /}, a query, a fragment or user info
   */
  public static String base(URI instanceUrl) {
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    String scheme = instanceUrl.getScheme();
    if (!instanceUrl.isAbsolute() || instanceUrl.getHost() == null
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || instanceUrl.getRawQuery() != null || instanceUrl.getRawFragment() != null
        || instanceUrl.getRawUserInfo() != null
        || (instanceUrl.getRawPath() != null && !instanceUrl.getRawPath().isEmpty() && !instanceUrl.getRawPath().equals("/"))) {
      throw new IllegalArgumentException(
          "instance URL '" + instanceUrl + "' must be scheme://host[:port] only, e.g. https://acme.my.salesforce.com");
    }
    return scheme.toLowerCase(Locale.ROOT) + "://" + instanceUrl.getRawAuthority();
  }
}
