package dev.portcullis.server.witness;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.Cosigner;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.MemoryHashSource;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.Witness;
import dev.portcullis.ledger.WitnessClient;
import dev.portcullis.ledger.WitnessPublisher;
import dev.portcullis.ledger.WitnessState;
import dev.portcullis.server.ServerException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end over real HTTP on loopback: publisher → WitnessServer → cosigned checkpoint. */
class WitnessServerTest {
  private static final String ORIGIN = "portcullis.example/ledger";
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_750_000_000L), ZoneOffset.UTC);

  @TempDir Path dir;

  private final NoteSigner.Ed25519 logKey = NoteSigner.Ed25519.generate(ORIGIN);
  private final MemoryHashSource tree = new MemoryHashSource();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeables.reversed()) {
      closeable.close();
    }
  }

  private record Running(WitnessServer server, CosignatureVerifier key) {}

  private Running startWitness(String name) throws ServerException {
    Cosigner key = Cosigner.generate(name, CLOCK);
    WitnessState state = WitnessState.open(dir.resolve(name.replace('/', '_')));
    closeables.add(state);
    Map<String, List<NoteVerifier>> logs = Map.of(ORIGIN, List.of(logKey.verifier()));
    WitnessServer server = WitnessServer.start(new Witness(key, logs, state, CLOCK), "127.0.0.1", 0);
    closeables.add(server);
    return new Running(server, key.verifier());
  }

  private SignedNote growTo(long size) {
    while (tree.size() < size) {
      tree.appendEntry(("entry " + tree.size()).getBytes(UTF_8));
    }
    return new Checkpoint(ORIGIN, size, tree.root().toBytes()).sign(logKey);
  }

  private WitnessClient client(Running witness) {
    return new WitnessClient(witness.server().url(), witness.key(), http, Duration.ofSeconds(10));
  }

  @Test
  void publisherCollectsVerifiableCosignaturesKOfN() throws Exception {
    Running first = startWitness("witness.example/one");
    Running second = startWitness("witness.example/two");
    CosignatureVerifier third = Cosigner.generate("witness.example/three", CLOCK).verifier();
    WitnessPublisher publisher = WitnessPublisher.forEndpoints(List.of(
        new WitnessPublisher.Endpoint(first.server().url(), first.key()),
        new WitnessPublisher.Endpoint(second.server().url(),
            CosignatureVerifier.parse(second.key().vkey()))), http, Duration.ofSeconds(10));

    for (long size : new long[] {1, 2, 7, 256, 257, 600}) {
      WitnessPublisher.Result result = publisher.cosign(growTo(size), tree);
      assertThat(result.failures()).isEmpty();
      assertThat(result.cosignatures()).isEqualTo(2);
      SignedNote published = SignedNote.parse(result.checkpoint().bytes());
      assertThat(Checkpoint.verify(published, ORIGIN, List.of(logKey.verifier())).size())
          .isEqualTo(size);
      assertThat(first.key().verifiedTimestamp(published)).isEqualTo(1_750_000_000L);
      assertThat(second.key().verifiedTimestamp(published)).isEqualTo(1_750_000_000L);
      assertThat(published.verify(List.of(first.key(), second.key(), third), 2)).hasSize(2);
      assertThatThrownBy(() -> published.verify(List.of(first.key(), second.key(), third), 3))
          .isInstanceOfSatisfying(NoteException.class,
              e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.UNVERIFIED));
    }
    assertThat(publisher.knownSizes().values()).containsOnly(600L);
  }

  @Test
  void conflictIsServedAsTheSpecSays() throws Exception {
    Running witness = startWitness("witness.example/one");
    client(witness).addCheckpoint(growTo(5), 0, tree);
    SignedNote next = growTo(8);
    HttpResponse<String> response = post(witness, "old 0\n\n" + next.format());
    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
    assertThat(response.body()).isEqualTo("5\n");
  }

  @Test
  void answersStatusCodesOfTheSpec() throws Exception {
    Running witness = startWitness("witness.example/one");
    SignedNote checkpoint = growTo(3);
    assertThat(post(witness, "old 0\n\n" + checkpoint.format()).statusCode()).isEqualTo(200);
    assertThat(post(witness, "old 5\n\n" + checkpoint.format()).statusCode()).isEqualTo(400);
    assertThat(post(witness, "garbage").statusCode()).isEqualTo(400);
    SignedNote unknown = new Checkpoint("other.example/log", 3, tree.root().toBytes())
        .sign(NoteSigner.Ed25519.generate("other.example/log"));
    assertThat(post(witness, "old 0\n\n" + unknown.format()).statusCode()).isEqualTo(404);
    SignedNote impostor = new Checkpoint(ORIGIN, 3, tree.root().toBytes())
        .sign(NoteSigner.Ed25519.generate(ORIGIN));
    HttpResponse<String> forbidden = post(witness, "old 3\n\n" + impostor.format());
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).startsWith("LOG_SIGNATURE_INVALID: ");
    assertThat(forbidden.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void onlyPostToAddCheckpoint() throws Exception {
    Running witness = startWitness("witness.example/one");
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(
        witness.server().url().resolve("add-checkpoint")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(
        witness.server().url().resolve("checkpoint")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    Running witness = startWitness("witness.example/one");
    HttpResponse<String> response = post(witness, "x".repeat(200 * 1024));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).startsWith("WITNESS_MESSAGE_TOO_LARGE");
  }

  @Test
  void busyPortIsReportedAsUnavailable() throws Exception {
    Running witness = startWitness("witness.example/one");
    Cosigner key = Cosigner.generate("witness.example/two", CLOCK);
    WitnessState state = WitnessState.open(dir.resolve("two"));
    closeables.add(state);
    Witness second = new Witness(key, Map.of(ORIGIN, List.of(logKey.verifier())), state, CLOCK);
    URI url = witness.server().url();
    assertThatThrownBy(() -> WitnessServer.start(second, "127.0.0.1", url.getPort()))
        .isInstanceOfSatisfying(ServerException.class,
            e -> assertThat(e.code()).isEqualTo(ServerException.Code.PORT_UNAVAILABLE));
  }

  private HttpResponse<String> post(Running witness, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(witness.server().url().resolve("add-checkpoint"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
