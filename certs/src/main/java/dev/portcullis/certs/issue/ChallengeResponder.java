package dev.portcullis.certs.issue;

/**
 * Answers one ACME challenge type for {@link AcmeIssuer}: makes the answer available before the
 * server is told to validate, and takes it away afterwards (RFC 8555 §8).
 */
public sealed interface ChallengeResponder permits Http01Responder, Dns01Hook {
  /** The challenge type, e.g. {@code http-01} (RFC 8555 §8.3) or {@code dns-01} (§8.4). */
  String type();

  /**
   * Makes the answer available.
   *
   * @param domain the identifier's DNS name
   * @param token the challenge token (http-01 path segment)
   * @param answer the key authorization (http-01) or its digest (dns-01)
   */
  void present(String domain, String token, String answer);

  /** Removes what {@link #present} made available; never throws for what is already gone. */
  void cleanup(String domain, String token, String answer);
}
