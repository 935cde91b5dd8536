package dev.portcullis.certs.check;

import dev.portcullis.certs.Use;
import java.util.Objects;

/**
 * One problem with one certificate chain.
 *
 * @param check which check found it (its id is stable)
 * @param severity how bad
 * @param message what is wrong and on which certificate
 * @param fingerprint SHA-256 of the leaf's DER, lowercase hex: the inventory id (empty for a finding
 *     about a whole trust store)
 * @param subject the leaf's subject DN (RFC 4514), or the store for a trust-store finding
 * @param use the use the chain was checked for
 * @param rule the source of the rule broken
 * @param origin where the chain was found (file, keystore alias, endpoint)
 */
public record Finding(CheckId check, Severity severity, String message, String fingerprint, String subject, Use use,
    String rule, String origin) {
  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(use, "use");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(origin, "origin");
  }
}
