package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.Sequencer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of a ledger directory on a plain static web server (here the JDK's, serving files as they are, under
 * {@code /ledger/}) is a complete tlog-tiles log: {@code portcullis ledger verify --url …/ledger} audits it.
 */
class LedgerStaticServerTest {
  @TempDir Path dir;

  @Test
  void aLedgerDirectoryServedStaticallyVerifiesOverHttp() throws Exception {
    NoteSigner.Ed25519 signer = NoteSigner.Ed25519.generate("static.example/ledger");
    Path ledger = dir.resolve("ledger");
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(ledger);
        Sequencer sequencer = Sequencer.open(storage, signer, signer.name(), Sequencer.Options.defaults())) {
      CompletableFuture<?>[] acks = new CompletableFuture<?>[300];
      for (int i = 0; i < acks.length; i++) {
        acks[i] = sequencer.append(("entry " + i).getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture.allOf(acks).join();
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ledger/", exchange -> {
      Path file = ledger.resolve(exchange.getRequestURI().getPath().substring("/ledger/".length())).normalize();
      if (!file.startsWith(ledger) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ledger";
      MainTest.Run verify = MainTest.run("ledger", "verify", "--url", url, "--vkey", signer.verifier().vkey());
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).startsWith("OK: 300 entries");
      MainTest.Run proof = MainTest.run("ledger", "proof", "--url", url + "/", "--index", "299", "--vkey",
          signer.verifier().vkey());
      assertThat(proof.exitCode()).as(proof.err()).isZero();
    } finally {
      server.stop(0);
    }
  }
}
