package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where keys come from: only the configured JWKS URL, cached, tolerant of a bounded outage. */
class JwksTest {
  private Issuers issuers;
  private OidcIssuerSimulator attacker;
  private HttpServer counting;
  private final AtomicInteger countingRequests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    issuers = new Issuers();
    attacker = OidcIssuerSimulator.builder().clock(issuers.clock).start();
    // A loopback server that answers every path with the attacker's JWKS and counts requests.
    counting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    counting.createContext("/", exchange -> {
      countingRequests.incrementAndGet();
      byte[] body = attacker.github().jwks().toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    counting.start();
  }

  @AfterEach
  void stop() {
    counting.stop(0);
    attacker.close();
    issuers.close();
  }

  private String countingUrl(String path) {
    return "http://127.0.0.1:" + counting.getAddress().getPort() + path;
  }

  @Test
  void keyHeadersPointingElsewhereAreNeverFetched() throws Exception {
    OidcIssuer evil = attacker.github();
    Map<String, Object> header = Map.of(
        "jku", countingUrl("/jwks"),
        "x5u", countingUrl("/cert.pem"),
        "jwk", evil.jwks().getKeys().getFirst().toJSONObject(),
        "x5c", List.of("MIIBkTCB+wIJAKHHIG..."));
    String forged = evil.mint(header, Map.of("iss", issuers.github.issuer(), "aud", issuers.github.defaultAudience()));

    assertThatThrownBy(() -> issuers.verifier.verify(forged))
        .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo(IdentityErrorCode.UNKNOWN_KID));

    // A genuine token carrying the same pointers verifies with the configured JWKS alone.
    String genuine = issuers.github.mint(Map.of("jku", countingUrl("/jwks"), "x5u", countingUrl("/cert.pem")), Map.of());
    assertThat(issuers.verifier.verify(genuine).subject()).startsWith("repo:acme/salesforce-app");

    assertThat(countingRequests.get()).as("requests to the jku/x5u server").isZero();
    assertThat(evil.jwksRequests()).isZero();
  }

  @Test
  void theCachedKeysServeThroughABoundedOutage() {
    OidcVerifier.JwksSettings settings = new OidcVerifier.JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024);
    try (OidcVerifier verifier = OidcVerifier.builder().clock(issuers.clock).jwks(settings)
        .issuer(Issuers.trusted(issuers.github)).build()) {
      verifier.verify(issuers.github.mint(Map.of()));
      issuers.github.available(false);

      issuers.clock.advance(Duration.ofMinutes(10)); // cache expired, issuer down: the last good JWKS still serves
      verifier.verify(issuers.github.mint(Map.of()));
      assertThat(issuers.github.jwksRequests()).as("a refetch was attempted").isGreaterThan(1);

      issuers.clock.advance(Duration.ofMinutes(40)); // beyond the outage tolerance
      assertThatThrownBy(() -> verifier.verify(issuers.github.mint(Map.of())))
          .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).isEqualTo(IdentityErrorCode.JWKS_UNAVAILABLE));

      issuers.github.available(true);
      issuers.clock.advance(Duration.ofMinutes(1));
      verifier.verify(issuers.github.mint(Map.of()));
    }
  }

  @Test
  void anIssuerThatNeverAnsweredIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    TrustedIssuer unreachable = Issuers.trusted(issuers.github).withJwksUri(URI.create("http://127.0.0.1:" + closedPort + "/jwks"));
    try (OidcVerifier verifier = OidcVerifier.builder().clock(issuers.clock).issuer(unreachable).build()) {
      assertThatThrownBy(() -> verifier.verify(issuers.github.mint(Map.of())))
          .isInstanceOfSatisfying(IdentityException.class, e -> {
            assertThat(e.code()).isEqualTo(IdentityErrorCode.JWKS_UNAVAILABLE);
            assertThat(e.getMessage()).contains(unreachable.jwksUri().toString());
          });
    }
  }

  @Test
  void trustedIssuerConfigurationFailsClosed() {
    Set<String> aud = Set.of("portcullis");
    URI jwks = URI.create("https://issuer.example/jwks");
    assertThatThrownBy(() -> TrustedIssuer.of("https://issuer.example", jwks, aud).withAlgorithms(Set.of("HS256")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never allowed");
    assertThatThrownBy(() -> TrustedIssuer.of("https://issuer.example", jwks, aud).withAlgorithms(Set.of("none")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never allowed");
    assertThatThrownBy(() -> TrustedIssuer.of("https://issuer.example", jwks, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audience");
    assertThatThrownBy(() -> TrustedIssuer.of("http://issuer.example", jwks, aud))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    assertThatThrownBy(() -> TrustedIssuer.of("https://issuer.example", URI.create("http://issuer.example/jwks"), aud))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    assertThat(TrustedIssuer.githubActions(aud).jwksUri()).hasToString("https://token.actions.githubusercontent.com/.well-known/jwks");
    assertThat(TrustedIssuer.gitlab("https://gitlab.com", aud).jwksUri()).hasToString("https://gitlab.com/oauth/discovery/keys");
    assertThat(TrustedIssuer.githubActions(aud).algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
    assertThat(TrustedIssuer.githubActions(aud).clockSkew()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void concurrentFirstUseFetchesTheJwksOnce() throws Exception {
    int threads = 8;
    java.util.List<String> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      tokens.add(i % 2 == 0 ? issuers.github.mint(Map.of()) : issuers.gitlab.mint(Map.of()));
    }
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
      java.util.List<java.util.concurrent.Future<Principal>> results = new java.util.ArrayList<>();
      for (String token : tokens) {
        results.add(pool.submit(() -> {
          go.await();
          return issuers.verifier.verify(token);
        }));
      }
      go.countDown();
      for (int i = 0; i < threads; i++) {
        assertThat(results.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS).issuer())
            .isEqualTo(i % 2 == 0 ? issuers.github.issuer() : issuers.gitlab.issuer());
      }
    }
    assertThat(issuers.github.jwksRequests()).isEqualTo(1);
    assertThat(issuers.gitlab.jwksRequests()).isEqualTo(1);
  }
}
