package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The secret guard's prefilter never hides a credential: whenever a value holds one of the shapes
 * the patterns find, {@link SecretGuard#mayHoldCredential} says it may, so skipping the patterns
 * for the other values changes no verdict.
 */
class SecretGuardPrefilterPropertiesTest {
  /** The guard's credential patterns, copied here so the test runs them without the prefilter. */
  private static final java.util.List<java.util.regex.Pattern> PATTERNS = java.util.List.of(
      java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"),
      java.util.regex.Pattern.compile("00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?![^\\s\"]{16,}"),
      java.util.regex.Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"),
      java.util.regex.Pattern.compile("(?i)(?:^\\s*bearer\\s+\\S|\\bbearer\\s+[A-Za-z0-9\\-._~+/]{20,})"),
      java.util.regex.Pattern.compile("(?i)\\bauthorization\\s*:\\s*\\S"));

  /** Strings made of the pieces credentials are made of, so that shapes actually occur. */
  @Provide
  Arbitrary<String> credentialish() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("eyJ", "eyJhbGciOiJSUzI1NiJ9", ".", "!", "00D5e000000AbCdEAA", "00D5e000000AbCd",
            "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "Bearer ", "bEaReR\t", "BEARER",
            "Authorization: ", "AUTHORIZATION :", " ", "\n", "x", "_", "-", "Zm9vYmFyYmF6cXV4cXV1eA"),
        Arbitraries.strings().ofMaxLength(24));
    return piece.list().ofMaxSize(8).map(parts -> String.join("", parts));
  }

  @Property(tries = 3000)
  void whatThePatternsFindThePrefilterLetsThrough(@ForAll("credentialish") String value) {
    boolean anyPattern = PATTERNS.stream().anyMatch(p -> p.matcher(value).find());
    if (anyPattern) {
      assertThat(SecretGuard.mayHoldCredential(value)).as("prefilter on %s", value).isTrue();
    }
    assertThat(SecretGuard.credentialShape(value) != null).as("verdict on %s", value).isEqualTo(anyPattern);
  }

  @Property(tries = 500)
  void aNameIsJudgedTheSameFromTheCacheAsTheFirstTime(@ForAll("names") String name) {
    boolean first = SecretGuard.isSecretName(name);
    assertThat(SecretGuard.isSecretName(name)).isEqualTo(first);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(Arbitraries.of("token", "session", "session_id", "sessionToken", "private_key",
        "api-key", "actor", "token_sha256", "accessToken", "org"), Arbitraries.strings().alpha().ofMaxLength(16));
  }
}
