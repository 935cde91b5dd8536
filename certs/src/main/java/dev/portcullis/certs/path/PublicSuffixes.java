package dev.portcullis.certs.path;

import com.google.common.net.InternetDomainName;

/**
 * Public suffixes under which a wildcard may not stand (BR §3.2.2.6 and §7.1.2.7.12: no wildcard
 * directly under a "registry-controlled" or public suffix). The list is the Public Suffix List,
 * ICANN and private sections both (so {@code *.s3.amazonaws.com} is refused), as bundled with
 * Guava's {@link InternetDomainName}; a single label (a TLD) counts as a suffix even when unlisted.
 */
final class PublicSuffixes {
  private PublicSuffixes() {}

  static boolean isPublicSuffix(String name) {
    if (name.indexOf('.') < 0) {
      return true;
    }
    try {
      return InternetDomainName.from(name).isPublicSuffix();
    } catch (IllegalArgumentException e) {
      return true; // not a name the list can judge: refuse the wildcard
    }
  }
}
