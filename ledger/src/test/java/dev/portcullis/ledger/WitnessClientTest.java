package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client and publisher against a real {@link Witness} behind the JDK's HTTP server on a loopback
 * ephemeral port, and against scripted misbehaving witnesses.
 */
class WitnessClientTest {
  private static final String ORIGIN = "portcullis.example/ledger";

  @TempDir Path dir;

  private final WitnessTestLog.SettableClock clock = new WitnessTestLog.SettableClock(1_700_000_000L);
  private final WitnessTestLog log = new WitnessTestLog(ORIGIN, "entry-");
  private final Cosigner key = Cosigner.generate("witness.example/w1", clock);
  private final List<String> requestBodies = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private WitnessState state;
  private Witness witness;
  private HttpServer server;
  private volatile Function<byte[], Reply> behaviour;

  private record Reply(int status, String contentType, byte[] body) {}

  @BeforeEach
  void setUp() throws IOException {
    state = WitnessState.open(dir);
    witness = new Witness(key, Map.of(ORIGIN, log.verifiers()), state, clock);
    behaviour = body -> {
      Witness.Response response = witness.addCheckpoint(body);
      return new Reply(response.status(), response.contentType(), response.body().getBytes(UTF_8));
    };
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/witness/add-checkpoint", this::handle);
    server.start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    server.stop(0);
    state.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    requestBodies.add(new String(body, UTF_8));
    Reply reply = behaviour.apply(body);
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  private URI prefix() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/witness/");
  }

  private WitnessClient client() {
    return new WitnessClient(prefix(), key.verifier(),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10));
  }

  @Test
  void getsAVerifiedCosignature() {
    SignedNote checkpoint = log.growTo(10);
    WitnessClient.Cosignature cosignature = client().addCheckpoint(checkpoint, 0, log.tree);
    assertThat(cosignature.timestamp()).isEqualTo(1_700_000_000L);
    assertThat(cosignature.witnessSize()).isEqualTo(10);
    SignedNote cosigned = checkpoint.withSignature(cosignature.signature());
    assertThat(key.verifier().verifiedTimestamp(cosigned)).isEqualTo(1_700_000_000L);
    assertThat(requestBodies.getFirst()).startsWith("old 0\n\n" + ORIGIN + "\n10\n");
  }

  @Test
  void conflictIsResolvedByOneRetryWithAProofFromTheWitnessSize() {
    client().addCheckpoint(log.growTo(5), 0, log.tree);
    requestBodies.clear();
    SignedNote next = log.growTo(12);
    WitnessClient.Cosignature cosignature = client().addCheckpoint(next, 0, log.tree);
    assertThat(next.withSignature(cosignature.signature()).verify(List.of(key.verifier())))
        .hasSize(1);
    assertThat(requestBodies).hasSize(2);
    assertThat(requestBodies.get(0)).startsWith("old 0\n\n");
    String expectedProof = MerkleProofs.consistencyProof(log.tree, 5, 12).stream()
        .map(hash -> hash.base64() + "\n").reduce("", String::concat);
    assertThat(requestBodies.get(1)).startsWith("old 5\n" + expectedProof + "\n" + ORIGIN);
  }

  @Test
  void witnessAheadOfTheLogIsARefusalNotARetry() {
    client().addCheckpoint(log.growTo(9), 0, log.tree);
    requestBodies.clear();
    SignedNote older = new Checkpoint(ORIGIN, 5,
        MerkleProofs.root(log.tree, 5).toBytes()).sign(log.signer);
    assertThatThrownBy(() -> client().addCheckpoint(older, 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_REFUSED);
          assertThat(e.getMessage()).contains("size 9");
        });
    assertThat(requestBodies).hasSize(1);
  }

  @Test
  void forkIsRefused() {
    client().addCheckpoint(log.growTo(4), 0, log.tree);
    WitnessTestLog fork = new WitnessTestLog(log.signer, "forked-");
    assertThatThrownBy(() -> client().addCheckpoint(fork.growTo(4), 4, fork.tree))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_REFUSED);
          assertThat(e.getMessage()).contains("422").contains("FORKED_CHECKPOINT");
        });
  }

  @Test
  void cosignatureByAnotherKeyIsRejected() {
    Cosigner impostor = new Cosigner(key.name(), new byte[32], clock);
    behaviour = body -> {
      AddCheckpointRequest request = AddCheckpointRequest.parse(body);
      String line = impostor.cosign(request.parsedCheckpoint()).line() + "\n";
      return new Reply(200, "text/plain", line.getBytes(UTF_8));
    };
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_RESPONSE_INVALID));
  }

  @Test
  void cosignatureOverAnotherCheckpointIsRejected() {
    behaviour = body -> {
      AddCheckpointRequest request = AddCheckpointRequest.parse(body);
      Checkpoint other = new Checkpoint(ORIGIN, request.parsedCheckpoint().size() + 1, new byte[32]);
      return new Reply(200, "text/plain", (key.cosign(other).line() + "\n").getBytes(UTF_8));
    };
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_RESPONSE_INVALID));
  }

  @Test
  void garbageAndOversizedResponsesAreRejected() {
    behaviour = body -> new Reply(200, "text/plain", "hello\n".getBytes(UTF_8));
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_RESPONSE_INVALID));
    behaviour = body -> new Reply(200, "text/plain", new byte[WitnessClient.MAX_RESPONSE_BYTES + 10]);
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE));
    behaviour = body -> new Reply(409, "text/x.tlog.size", "many\n".getBytes(UTF_8));
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_RESPONSE_INVALID));
  }

  @Test
  void serverErrorsAndSilenceAreUnavailable() {
    behaviour = body -> new Reply(503, "text/plain", "busy\n".getBytes(UTF_8));
    assertThatThrownBy(() -> client().addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_UNAVAILABLE);
          assertThat(e.getMessage()).contains("503").contains("busy");
        });
    behaviour = body -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Reply(500, "text/plain", new byte[0]);
    };
    WitnessClient impatient = new WitnessClient(prefix(), key.verifier(), HttpClient.newHttpClient(),
        Duration.ofMillis(300));
    assertThatThrownBy(() -> impatient.addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_UNAVAILABLE);
          assertThat(e.getMessage()).contains("did not answer");
        });
  }

  @Test
  void unreachableWitnessIsUnavailable() {
    int port = server.getAddress().getPort();
    server.stop(0);
    WitnessClient client = new WitnessClient(URI.create("http://127.0.0.1:" + port + "/"),
        key.verifier());
    assertThatThrownBy(() -> client.addCheckpoint(log.growTo(3), 0, log.tree))
        .isInstanceOfSatisfying(LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_UNAVAILABLE));
  }

  @Test
  void publisherTracksEachWitnessSizeAndReportsFailures() {
    WitnessClient good = client();
    WitnessClient dead = new WitnessClient(URI.create("http://127.0.0.1:1/"),
        Cosigner.generate("witness.example/dead", clock).verifier());
    WitnessPublisher publisher = new WitnessPublisher(List.of(good, dead));
    WitnessPublisher.Result first = publisher.cosign(log.growTo(6), log.tree);
    assertThat(first.cosignatures()).isEqualTo(1);
    assertThat(first.failures()).containsOnlyKeys(dead.endpoint().toString());
    assertThat(first.checkpoint().verify(List.of(key.verifier(), log.signer.verifier()), 2))
        .hasSize(2);
    requestBodies.clear();
    WitnessPublisher.Result second = publisher.cosign(log.growTo(20), log.tree);
    assertThat(second.cosignatures()).isEqualTo(1);
    assertThat(requestBodies).hasSize(1);
    assertThat(requestBodies.getFirst()).startsWith("old 6\n");
    assertThat(publisher.knownSizes()).containsEntry(good.endpoint().toString(), 20L)
        .containsEntry(dead.endpoint().toString(), 0L);
  }
}
