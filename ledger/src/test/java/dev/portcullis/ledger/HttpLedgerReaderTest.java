package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP reader against a real JDK HTTP server on a loopback ephemeral port serving a test log. */
class HttpLedgerReaderTest {
  @TempDir
  Path dir;
  HttpServer server;
  URI base;

  @BeforeEach
  void serve() throws IOException {
    TestLedgerWriter.write(dir, 300, 100);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ledger/", exchange -> {
      String relative = exchange.getRequestURI().getPath().substring("/ledger/".length());
      Path file = dir.resolve(relative);
      if (Files.isRegularFile(file)) {
        respond(exchange, 200, Files.readAllBytes(file));
      } else {
        respond(exchange, 404, new byte[0]);
      }
    });
    server.createContext("/broken/", exchange -> respond(exchange, 500, "oops".getBytes()));
    server.createContext("/big/", exchange -> respond(exchange, 200, new byte[5000]));
    server.createContext("/chunked/", exchange -> {
      exchange.sendResponseHeaders(200, 0); // no Content-Length: chunked
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 10; i++) {
          out.write(new byte[1000]);
        }
      }
    });
    server.createContext("/moved/", exchange -> {
      exchange.getResponseHeaders().add("Location", "http://attacker.example/ledger/checkpoint");
      respond(exchange, 302, new byte[0]);
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void aServedLogVerifiesOverHttp() {
    LedgerReader reader = LedgerReader.http(base.resolve("ledger/"));

    LedgerVerifier.Result result = LedgerVerifier.builder(reader, List.of(TestLedgerWriter.LOG_KEY.verifier()))
        .threads(2).build().verify();

    assertThat(result.problems()).isEmpty();
    assertThat(result.entriesChecked()).isEqualTo(300);
  }

  @Test
  void baseWithoutTrailingSlashStillReadsUnderIt() throws IOException {
    LedgerReader reader = LedgerReader.http(base.resolve("ledger"));

    assertThat(reader.read("checkpoint")).isEqualTo(Files.readAllBytes(dir.resolve("checkpoint")));
  }

  @Test
  void notFoundIsAbsent() {
    LedgerReader reader = LedgerReader.http(base.resolve("ledger/"));

    assertThat(reader.read("tile/0/999")).isNull();
  }

  @Test
  void otherStatusesFailWithStatusAndUrl() {
    LedgerReader reader = LedgerReader.http(base.resolve("broken/"));

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("HTTP 500").withMessageContaining(base + "broken/checkpoint");
  }

  @Test
  void oversizeResponsesFail() {
    LedgerReader declared = LedgerReader.http(base.resolve("big/"), Duration.ofSeconds(5), Duration.ofSeconds(5),
        4096);
    LedgerReader chunked = LedgerReader.http(base.resolve("chunked/"), Duration.ofSeconds(5),
        Duration.ofSeconds(5), 4096);

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> declared.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("too large");
    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> chunked.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("more than 4096 bytes");
  }

  @Test
  void redirectsAreNotFollowed() {
    LedgerReader reader = LedgerReader.http(base.resolve("moved/"));

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("HTTP 302").withMessageContaining("redirect to http://attacker.example");
  }

  @Test
  void onlyHttpSchemesAndCanonicalPaths() {
    assertThatExceptionOfType(LedgerException.class)
        .isThrownBy(() -> LedgerReader.http(URI.create("file:///etc/")))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_REFUSED));
    LedgerReader reader = LedgerReader.http(base.resolve("ledger/"));
    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("../broken/checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_REFUSED));
  }

  @Test
  void unreachableServerFailsNamingTheUrl() {
    server.stop(0);
    LedgerReader reader = LedgerReader.http(base.resolve("ledger/"), Duration.ofSeconds(2), Duration.ofSeconds(2),
        1024);

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("/ledger/checkpoint");
  }
}
