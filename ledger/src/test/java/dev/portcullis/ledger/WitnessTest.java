package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitnessTest {
  private static final String ORIGIN = "portcullis.example/ledger";

  @TempDir Path dir;

  private final WitnessTestLog.SettableClock clock = new WitnessTestLog.SettableClock(1_700_000_000L);
  private final Cosigner key = Cosigner.generate("witness.example/w1", clock);
  private WitnessTestLog log;
  private WitnessState state;
  private Witness witness;

  @BeforeEach
  void setUp() {
    log = new WitnessTestLog(ORIGIN, "entry-");
    state = WitnessState.open(dir);
    witness = newWitness();
  }

  @AfterEach
  void tearDown() {
    state.close();
  }

  private Witness newWitness() {
    return new Witness(key, Map.of(ORIGIN, log.verifiers()), state, clock);
  }

  private void restart() {
    state.close();
    state = WitnessState.open(dir);
    witness = newWitness();
  }

  /** Cosigns and returns the timestamp of the verified cosignature on {@code checkpoint}. */
  private long assertCosigned(Witness.Response response, SignedNote checkpoint) {
    assertThat(response).isInstanceOf(Witness.Response.Cosigned.class);
    Witness.Response.Cosigned cosigned = (Witness.Response.Cosigned) response;
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).startsWith("\u2014 witness.example/w1 ").endsWith("\n");
    SignedNote withCosignature = checkpoint.withSignature(cosigned.signatures().getFirst());
    return witness.verifier().verifiedTimestamp(withCosignature);
  }

  private static void assertRejected(Witness.Response response, int status, LedgerErrorCode code) {
    assertThat(response).isInstanceOfSatisfying(Witness.Response.Rejected.class, rejected -> {
      assertThat(rejected.status()).isEqualTo(status);
      assertThat(rejected.code()).isEqualTo(code);
    });
  }

  @Test
  void cosignsFirstCheckpointFromOldSizeZero() {
    SignedNote checkpoint = log.growTo(5);
    long timestamp = assertCosigned(witness.addCheckpoint(log.request(0, checkpoint)), checkpoint);
    assertThat(timestamp).isEqualTo(1_700_000_000L);
    assertThat(state.latest(ORIGIN)).hasValueSatisfying(entry -> {
      assertThat(entry.size()).isEqualTo(5);
      assertThat(entry.root()).isEqualTo(log.tree.root());
    });
  }

  @Test
  void cosignatureLineVerifiesWhenAppendedToTheCheckpoint() {
    SignedNote checkpoint = log.growTo(3);
    Witness.Response response = witness.addCheckpoint(log.request(0, checkpoint));
    SignedNote cosigned = SignedNote.parse(checkpoint.format() + response.body());
    assertThat(cosigned.verify(List.of(witness.verifier(), log.signer.verifier()), 2)).hasSize(2);
  }

  @Test
  void acceptsConsistencyProofFromTheLastCosignedSize() {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    for (long size : new long[] {6, 8, 9, 16, 17, 300}) {
      long old = state.latest(ORIGIN).orElseThrow().size();
      SignedNote next = log.growTo(size);
      assertCosigned(witness.addCheckpoint(log.request(old, next)), next);
      assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(size);
    }
  }

  @Test
  void sameCheckpointAgainIsCosignedAgain() {
    SignedNote checkpoint = log.growTo(4);
    witness.addCheckpoint(log.request(0, checkpoint));
    assertCosigned(witness.addCheckpoint(log.request(4, checkpoint)), checkpoint);
  }

  @Test
  void staleOldSizeGets409WithTheKnownSizeAndChangesNothing() {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    SignedNote next = log.growTo(9);
    Witness.Response response = witness.addCheckpoint(log.request(0, next));
    assertThat(response).isEqualTo(new Witness.Response.Conflict(5));
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.contentType()).isEqualTo("text/x.tlog.size");
    assertThat(response.body()).isEqualTo("5\n");
    assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(5);
    // the 409 flow: retry from the size the witness named
    assertCosigned(witness.addCheckpoint(log.request(5, next)), next);
  }

  @Test
  void oldSizeAboveWhatWasCosignedGets409() {
    assertThat(witness.addCheckpoint(log.request(3, log.growTo(5))))
        .isEqualTo(new Witness.Response.Conflict(0));
    assertThat(state.latest(ORIGIN)).isEmpty();
  }

  @Test
  void forkAtTheSameSizeIsRefused() {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    WitnessTestLog fork = new WitnessTestLog(log.signer, "forked-");
    Witness.Response response = witness.addCheckpoint(fork.request(5, fork.growTo(5)));
    assertRejected(response, 422, LedgerErrorCode.FORKED_CHECKPOINT);
    assertThat(state.latest(ORIGIN).orElseThrow().root()).isEqualTo(log.tree.root());
  }

  @Test
  void forkThatGrewIsRefusedBecauseTheProofStartsFromTheStoredRoot() {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    WitnessTestLog fork = new WitnessTestLog(log.signer, "forked-");
    fork.growTo(5);
    // an honest proof within the fork, but from the fork's own size-5 root
    Witness.Response response = witness.addCheckpoint(fork.request(5, fork.growTo(12)));
    assertRejected(response, 422, LedgerErrorCode.INCONSISTENT_CHECKPOINT);
    assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(5);
  }

  @Test
  void rollbackIsRefused() {
    SignedNote small = log.growTo(5);
    witness.addCheckpoint(log.request(0, log.growTo(9)));
    assertRejected(witness.addCheckpoint(new AddCheckpointRequest(9, List.of(), small)), 400,
        LedgerErrorCode.OLD_SIZE_TOO_LARGE);
    assertThat(witness.addCheckpoint(log.request(5, small)))
        .isEqualTo(new Witness.Response.Conflict(9));
    assertThat(witness.addCheckpoint(log.request(0, small)))
        .isEqualTo(new Witness.Response.Conflict(9));
    assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(9);
  }

  @Test
  void tamperedProofGets422() {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    SignedNote next = log.growTo(11);
    AddCheckpointRequest honest = log.request(5, next);
    List<Hash> proof = new ArrayList<>(honest.consistencyProof());
    proof.set(1, proof.get(1).withBitFlipped(7));
    Witness.Response response = witness.addCheckpoint(new AddCheckpointRequest(5, proof, next));
    assertRejected(response, 422, LedgerErrorCode.INCONSISTENT_CHECKPOINT);
    assertRejected(witness.addCheckpoint(new AddCheckpointRequest(5, List.of(), next)), 422,
        LedgerErrorCode.INCONSISTENT_CHECKPOINT);
  }

  @Test
  void nonEmptyProofFromSizeZeroGets422() {
    SignedNote checkpoint = log.growTo(4);
    Witness.Response response = witness.addCheckpoint(
        new AddCheckpointRequest(0, List.of(MerkleHash.empty()), checkpoint));
    assertRejected(response, 422, LedgerErrorCode.INCONSISTENT_CHECKPOINT);
  }

  @Test
  void emptyTreeMustCarryTheEmptyRoot() {
    SignedNote good = new Checkpoint(ORIGIN, 0, MerkleHash.empty().toBytes()).sign(log.signer);
    assertCosigned(witness.addCheckpoint(new AddCheckpointRequest(0, List.of(), good)), good);
    SignedNote bad = new Checkpoint(ORIGIN, 0, new byte[32]).sign(log.signer);
    assertRejected(witness.addCheckpoint(new AddCheckpointRequest(0, List.of(), bad)), 422,
        LedgerErrorCode.INCONSISTENT_CHECKPOINT);
  }

  @Test
  void checkpointNotSignedByTheLogKeyGets403() {
    log.growTo(5);
    NoteSigner.Ed25519 impostor = NoteSigner.Ed25519.generate(ORIGIN);
    SignedNote byImpostor =
        new Checkpoint(ORIGIN, 5, log.tree.root().toBytes()).sign(impostor);
    assertRejected(witness.addCheckpoint(log.request(0, byImpostor)), 403,
        LedgerErrorCode.LOG_SIGNATURE_INVALID);
    // a trusted key's signature over altered text fails too
    SignedNote honest = log.checkpoint();
    SignedNote altered = new SignedNote(
        new Checkpoint(ORIGIN, 5, new byte[32]).text(), honest.signatures());
    assertRejected(witness.addCheckpoint(new AddCheckpointRequest(0, List.of(), altered)), 403,
        LedgerErrorCode.LOG_SIGNATURE_INVALID);
    assertThat(state.latest(ORIGIN)).isEmpty();
  }

  @Test
  void unknownOriginGets404() {
    WitnessTestLog other = new WitnessTestLog("other.example/log", "x");
    assertRejected(witness.addCheckpoint(other.request(0, other.growTo(2))), 404,
        LedgerErrorCode.UNKNOWN_LOG);
  }

  @Test
  void malformedBodyGets400() {
    Witness.Response response = witness.addCheckpoint("old 01\n\n".getBytes(UTF_8));
    assertRejected(response, 400, LedgerErrorCode.MALFORMED_WITNESS_REQUEST);
    assertThat(((Witness.Response.Rejected) response).message()).contains("line 1");
    assertRejected(witness.addCheckpoint(new byte[AddCheckpointRequest.MAX_BYTES + 1]), 413,
        LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE);
  }

  @Test
  void stateSurvivesRestart() {
    witness.addCheckpoint(log.request(0, log.growTo(7)));
    restart();
    assertThat(witness.addCheckpoint(log.request(0, log.growTo(10))))
        .isEqualTo(new Witness.Response.Conflict(7));
    WitnessTestLog fork = new WitnessTestLog(log.signer, "forked-");
    assertRejected(witness.addCheckpoint(fork.request(7, fork.growTo(7))), 422,
        LedgerErrorCode.FORKED_CHECKPOINT);
  }

  @Test
  void corruptStateFileIsRefusedNotReset() throws Exception {
    witness.addCheckpoint(log.request(0, log.growTo(7)));
    state.close();
    Path file = dir.resolve(WitnessState.fileName(ORIGIN));
    String text = Files.readString(file);
    Files.writeString(file, text.replace("size 7", "size 3"));
    assertThatThrownBy(() -> WitnessState.open(dir))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_STATE_CORRUPT);
          assertThat(e.getMessage()).contains(file.toString()).contains("checksum");
        });
    Files.writeString(file, text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> WitnessState.open(dir)).isInstanceOfSatisfying(
        LedgerException.class,
        e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_STATE_CORRUPT));
    assertThat(Files.readString(file)).isEqualTo(text.substring(0, text.length() / 2));
    Files.writeString(file, text);
    state = WitnessState.open(dir);
    assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(7);
  }

  @Test
  void stateFileUnderAnotherOriginsNameIsCorrupt() throws Exception {
    witness.addCheckpoint(log.request(0, log.growTo(2)));
    state.close();
    Files.move(dir.resolve(WitnessState.fileName(ORIGIN)),
        dir.resolve(WitnessState.fileName("other.example/log")));
    assertThatThrownBy(() -> WitnessState.open(dir)).isInstanceOfSatisfying(
        LedgerException.class,
        e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_STATE_CORRUPT));
    Files.move(dir.resolve(WitnessState.fileName("other.example/log")),
        dir.resolve(WitnessState.fileName(ORIGIN)));
    state = WitnessState.open(dir);
  }

  @Test
  void leftoverTemporaryFileIsIgnoredAndRemoved() throws Exception {
    witness.addCheckpoint(log.request(0, log.growTo(2)));
    state.close();
    Path temporary = dir.resolve(WitnessState.fileName(ORIGIN) + ".tmp");
    Files.writeString(temporary, "torn");
    state = WitnessState.open(dir);
    assertThat(temporary).doesNotExist();
    assertThat(state.latest(ORIGIN).orElseThrow().size()).isEqualTo(2);
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> WitnessState.open(dir)).isInstanceOfSatisfying(
        LedgerException.class,
        e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_STATE_IO));
  }

  @Test
  void timestampsNeverGoBackwardsEvenAcrossRestarts() {
    clock.set(2_000);
    SignedNote first = log.growTo(3);
    assertThat(assertCosigned(witness.addCheckpoint(log.request(0, first)), first))
        .isEqualTo(2_000);
    clock.set(1_000);
    SignedNote second = log.growTo(4);
    assertThat(assertCosigned(witness.addCheckpoint(log.request(3, second)), second))
        .isEqualTo(2_000);
    restart();
    SignedNote third = log.growTo(6);
    assertThat(assertCosigned(witness.addCheckpoint(log.request(4, third)), third))
        .isEqualTo(2_000);
    clock.set(3_000);
    SignedNote fourth = log.growTo(8);
    assertThat(assertCosigned(witness.addCheckpoint(log.request(6, fourth)), fourth))
        .isEqualTo(3_000);
  }

  @Test
  void concurrentRequestsFromTheSameOldSizeAdvanceOnlyOnce() throws Exception {
    witness.addCheckpoint(log.request(0, log.growTo(5)));
    List<AddCheckpointRequest> requests = new ArrayList<>();
    for (long size = 6; size <= 13; size++) {
      requests.add(log.request(5, log.growTo(size)));
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(requests.size());
    try {
      List<Future<Witness.Response>> futures = new ArrayList<>();
      for (AddCheckpointRequest request : requests) {
        Callable<Witness.Response> task = () -> {
          start.await();
          return witness.addCheckpoint(request);
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      List<Witness.Response> responses = new ArrayList<>();
      for (Future<Witness.Response> future : futures) {
        responses.add(future.get());
      }
      assertThat(responses).filteredOn(r -> r instanceof Witness.Response.Cosigned).hasSize(1);
      long stored = state.latest(ORIGIN).orElseThrow().size();
      assertThat(responses).filteredOn(r -> r instanceof Witness.Response.Conflict)
          .hasSize(requests.size() - 1)
          .allSatisfy(r -> assertThat(r).isEqualTo(new Witness.Response.Conflict(stored)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unwritableStateGets500AndNoCosignature() throws Exception {
    SignedNote checkpoint = log.growTo(3);
    Path blocker = dir.resolve(WitnessState.fileName(ORIGIN) + ".tmp");
    Files.createDirectory(blocker); // the temporary file cannot be created
    Witness.Response response = witness.addCheckpoint(log.request(0, checkpoint));
    assertRejected(response, 500, LedgerErrorCode.WITNESS_STATE_IO);
    assertThat(response.body()).doesNotContain(dir.toString());
    assertThat(((Witness.Response.Rejected) response).message()).contains(dir.toString());
    assertThat(state.latest(ORIGIN)).isEmpty();
    Files.delete(blocker);
    assertCosigned(witness.addCheckpoint(log.request(0, checkpoint)), checkpoint);
  }
}
