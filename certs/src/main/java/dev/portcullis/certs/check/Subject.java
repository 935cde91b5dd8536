package dev.portcullis.certs.check;

import dev.portcullis.certs.Use;
import dev.portcullis.certs.source.FoundChain;
import dev.portcullis.certs.source.FoundChain.PrivateKeyFacts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A chain to check and what it is used for.
 *
 * @param origin where it was found, for messages and report locations
 * @param use its use
 * @param chain DER, leaf first, as found (served or uploaded)
 * @param privateKey facts about a private key found beside it
 * @param privateKeyExportable Salesforce's {@code privateKeyExportable} flag when the certificate is an org Certificate
 */
public record Subject(String origin, Use use, List<byte[]> chain, Optional<PrivateKeyFacts> privateKey,
    Optional<Boolean> privateKeyExportable) {
  public Subject {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(use, "use");
    chain = chain.stream().map(byte[]::clone).toList();
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(origin + ": a subject needs at least one certificate");
    }
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(privateKeyExportable, "privateKeyExportable");
  }

  /** A chain found by {@code dev.portcullis.certs.source}, checked for {@code use}. */
  public static Subject of(FoundChain found, Use use) {
    return new Subject(found.origin(), use, found.certificates(), found.privateKey(), Optional.empty());
  }
}
