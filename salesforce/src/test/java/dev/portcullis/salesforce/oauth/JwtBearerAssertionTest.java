package dev.portcullis.salesforce.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Claims per Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration": iss =
 * consumer key, sub = username, aud = login URL, exp within 3 minutes; RS256.
 */
class JwtBearerAssertionTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00.750Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String CONSUMER_KEY = "3MVG9rZjd7MXFdLhBZ1hY0sHkLm";

  private final KeyPair rsa = TestKeys.rsa2048();

  private JwtBearerAssertion assertion(Duration lifetime) {
    return new JwtBearerAssertion(
        CONSUMER_KEY, "integration@acme.example", "https://login.salesforce.com", rsa.getPrivate(), CLOCK, lifetime);
  }

  @Test
  void headerAndEveryClaim() throws Exception {
    String compact = assertion(Duration.ofMinutes(2)).sign();

    SignedJWT jwt = SignedJWT.parse(compact);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");

    // Read the payload as plain JSON: this is what Salesforce sees.
    String[] parts = compact.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.properties()).extracting(e -> e.getKey()).containsExactlyInAnyOrder("alg", "typ");
    JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(claims.properties()).extracting(e -> e.getKey())
        .containsExactlyInAnyOrder("iss", "sub", "aud", "iat", "exp", "jti");
    assertThat(claims.get("iss").asText()).isEqualTo(CONSUMER_KEY);
    assertThat(claims.get("sub").asText()).isEqualTo("integration@acme.example");
    assertThat(claims.get("aud").isTextual()).as("aud is one string, not an array").isTrue();
    assertThat(claims.get("aud").asText()).isEqualTo("https://login.salesforce.com");
    assertThat(claims.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 120);
    assertThat(UUID.fromString(claims.get("jti").asText())).isNotNull();
  }

  @Test
  void signatureVerifiesWithThePublicKeyOnly() throws Exception {
    SignedJWT jwt = SignedJWT.parse(assertion(JwtBearerAssertion.MAX_LIFETIME).sign());

    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) rsa.getPublic()))).isTrue();
    KeyPair other = TestKeys.generate("RSA", 2048);
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) other.getPublic()))).isFalse();
  }

  @Test
  void defaultLifetimeIsAtMostThreeMinutes() throws Exception {
    JwtBearerAssertion assertion = new JwtBearerAssertion(
        CONSUMER_KEY, "u@acme.example", "https://test.salesforce.com", rsa.getPrivate(), CLOCK);
    var claims = SignedJWT.parse(assertion.sign()).getJWTClaimsSet();

    long lifetime = claims.getExpirationTime().toInstant().getEpochSecond() - claims.getIssueTime().toInstant().getEpochSecond();
    assertThat(lifetime).isPositive().isLessThanOrEqualTo(180);
    assertThat(claims.getExpirationTime().toInstant()).isBefore(NOW.plusSeconds(181));
  }

  @Test
  void eachSignatureHasAFreshJtiAndTheCurrentTime() throws Exception {
    Instant[] now = {NOW};
    Clock moving = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    JwtBearerAssertion assertion = new JwtBearerAssertion(
        CONSUMER_KEY, "u@acme.example", "https://acme.my.site.com/customers", rsa.getPrivate(), moving, Duration.ofSeconds(60));

    var first = SignedJWT.parse(assertion.sign()).getJWTClaimsSet();
    now[0] = NOW.plusSeconds(600);
    var second = SignedJWT.parse(assertion.sign()).getJWTClaimsSet();

    assertThat(second.getJWTID()).isNotEqualTo(first.getJWTID());
    assertThat(second.getIssueTime().toInstant().getEpochSecond()).isEqualTo(NOW.getEpochSecond() + 600);
    assertThat(second.getExpirationTime().toInstant().getEpochSecond()).isEqualTo(NOW.getEpochSecond() + 660);
    assertThat(second.getAudience()).containsExactly("https://acme.my.site.com/customers");
  }

  @Test
  void rejectsLifetimeOverThreeMinutes() {
    assertThatThrownBy(() -> assertion(Duration.ofSeconds(181)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("assertion lifetime PT3M1S is out of range: Salesforce accepts at most 180 seconds");
    assertThatThrownBy(() -> assertion(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> assertion(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsExactlyThreeMinutes() {
    assertThat(assertion(Duration.ofMinutes(3)).sign()).isNotBlank();
  }

  @Test
  void rejectsNonRsaAndShortKeys() {
    KeyPair ec = TestKeys.generate("EC", 256);
    assertThatThrownBy(() -> new JwtBearerAssertion(CONSUMER_KEY, "u", "https://login.salesforce.com", ec.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the JWT bearer flow signs with RS256 and needs an RSA private key, not EC");
    KeyPair weak = TestKeys.generate("RSA", 1024);
    assertThatThrownBy(() -> new JwtBearerAssertion(CONSUMER_KEY, "u", "https://login.salesforce.com", weak.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the RSA key has 1024 bits; at least 2048 are required");
  }

  @Test
  void rejectsBadAudienceAndBlankNames() {
    assertThatThrownBy(() -> new JwtBearerAssertion(CONSUMER_KEY, "u", "login.salesforce.com", rsa.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audience 'login.salesforce.com' must be an absolute https URL");
    assertThatThrownBy(() -> new JwtBearerAssertion(" ", "u", "https://login.salesforce.com", rsa.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("consumerKey must not be blank");
    assertThatThrownBy(() -> new JwtBearerAssertion(CONSUMER_KEY, "", "https://login.salesforce.com", rsa.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("username must not be blank");
  }

  @Test
  void toStringNamesTheClaimsButNoKey() {
    String text = assertion(Duration.ofMinutes(1)).toString();

    assertThat(text).isEqualTo("JwtBearerAssertion[iss=" + CONSUMER_KEY
        + ", sub=integration@acme.example, aud=https://login.salesforce.com, lifetime=60s, key=(redacted)]");
  }
}
