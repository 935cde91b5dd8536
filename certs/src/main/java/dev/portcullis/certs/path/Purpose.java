package dev.portcullis.certs.path;

import java.util.Objects;
import java.util.Set;

/**
 * What the end-entity certificate is used for; decides the extKeyUsage it must carry. Under every
 * purpose the end entity must have an extKeyUsage extension, non-critical, that names the purpose's
 * OIDs and not anyExtendedKeyUsage (BR §7.1.2.7.6 and §7.1.2.7.10); a CA's extKeyUsage, when
 * present, must name them or anyExtendedKeyUsage.
 */
public sealed interface Purpose {
  /** id-kp-serverAuth, RFC 5280 §4.2.1.12. */
  String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  /** id-kp-clientAuth, RFC 5280 §4.2.1.12. */
  String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** The OIDs the end entity's extKeyUsage must contain. */
  Set<String> requiredKeyPurposes();

  /** A TLS server certificate. */
  record ServerAuth() implements Purpose {
    @Override
    public Set<String> requiredKeyPurposes() {
      return Set.of(SERVER_AUTH);
    }
  }

  /** A TLS client certificate (mTLS). */
  record ClientAuth() implements Purpose {
    @Override
    public Set<String> requiredKeyPurposes() {
      return Set.of(CLIENT_AUTH);
    }
  }

  /** Any set of key purpose OIDs, all of which the end entity must carry. */
  record Custom(Set<String> requiredKeyPurposes) implements Purpose {
    public Custom {
      requiredKeyPurposes = Set.copyOf(Objects.requireNonNull(requiredKeyPurposes, "requiredKeyPurposes"));
      if (requiredKeyPurposes.isEmpty()) {
        throw new IllegalArgumentException("a custom purpose names at least one key purpose OID");
      }
    }
  }
}
