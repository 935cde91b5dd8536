package dev.portcullis.certs.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ARI discovery and lookup (RFC 9773 §4) against an in-process ACME directory on loopback. */
class RenewalInfoClientTest {
  private HttpServer server;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/dir", exchange -> reply(exchange, 200,
        "{\"newOrder\":\"/acme/new-order\",\"renewalInfo\":\"/acme/renewal-info\"}"));
    server.createContext("/no-ari/dir", exchange -> reply(exchange, 200, "{\"newOrder\":\"/acme/new-order\"}"));
    server.createContext("/acme/renewal-info/", exchange -> {
      String certId = exchange.getRequestURI().getPath().substring("/acme/renewal-info/".length());
      if (certId.equals("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE")) {
        reply(exchange, 200, "{\"suggestedWindow\":{\"start\":\"2026-06-01T00:00:00Z\",\"end\":\"2026-06-03T00:00:00Z\"},"
            + "\"explanationURL\":\"https://ca.test/why\"}");
      } else {
        reply(exchange, 404, "{\"type\":\"urn:ietf:params:acme:error:malformed\"}");
      }
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void theDirectoryLeadsToTheRenewalInfoOfACertId() throws IOException {
    RenewalInfoClient client = RenewalInfoClient.discover(base.resolve("/dir"), Duration.ofSeconds(5)).orElseThrow();

    RenewalInfo info = client.fetch("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");

    assertThat(info.start()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
    assertThat(info.end()).isEqualTo(Instant.parse("2026-06-03T00:00:00Z"));
    assertThat(info.explanationUrl()).contains("https://ca.test/why");
  }

  @Test
  void aDirectoryWithoutRenewalInfoMeansTheCaOffersNoAri() throws IOException {
    assertThat(RenewalInfoClient.discover(base.resolve("/no-ari/dir"), Duration.ofSeconds(5))).isEqualTo(Optional.empty());
  }

  @Test
  void anUnknownCertIdIsAnErrorNamingTheUrlAndStatus() throws IOException {
    RenewalInfoClient client = RenewalInfoClient.discover(base.resolve("/dir"), Duration.ofSeconds(5)).orElseThrow();

    assertThatThrownBy(() -> client.fetch("AAAA.AQ")).isInstanceOf(IOException.class).hasMessageEndingWith("answered HTTP 404");
  }

  @Test
  void aMalformedResponseIsRefused() {
    assertThatThrownBy(() -> RenewalInfo.parse("{\"suggestedWindow\":{\"start\":\"soon\"}}"))
        .hasMessage("renewalInfo suggestedWindow.start is not an RFC 3339 time: soon");
    assertThatThrownBy(() -> RenewalInfo.parse("[]")).hasMessage("renewalInfo response has no suggestedWindow object");
  }
}
