package dev.portcullis.cli;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.Cosigner;
import dev.portcullis.ledger.Hash;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerProofs;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.Witness;
import dev.portcullis.ledger.WitnessPublisher;
import dev.portcullis.ledger.WitnessState;
import dev.portcullis.server.ServerException;
import dev.portcullis.server.files.AtomicFiles;
import dev.portcullis.server.ledger.ServerLedger;
import dev.portcullis.server.witness.WitnessServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The demo's ledger: records each action of the tour, runs one C2SP witness beside the server (key and state
 * under {@code DATA_DIR/witness/}), has it cosign the ledger's checkpoint, and shows an inclusion proof and the
 * offline verification command.
 */
final class DemoLedger implements AutoCloseable {
  private final ServerLedger ledger;
  private final Path dataDir;
  private final List<CompletableFuture<Long>> recorded = new ArrayList<>();
  private WitnessServer witnessServer;
  private WitnessState witnessState;

  DemoLedger(ServerLedger ledger, Path dataDir) {
    this.ledger = ledger;
    this.dataDir = dataDir;
  }

  /** Records one action of the tour; returns its future index. */
  CompletableFuture<Long> record(String kind, Map<String, ?> fields) {
    CompletableFuture<Long> index = ledger.append(LedgerEntry.of(kind, Clock.systemUTC().instant(), fields));
    recorded.add(index);
    return index;
  }

  /**
   * Appends {@code entry} (a rotation's step, made by its own code) and returns its index once durable, as a {@code
   * dev.portcullis.certs.rotate.RotationLedger} must; the ledger step waits for it like for every other entry.
   */
  long append(LedgerEntry entry) {
    CompletableFuture<Long> index = ledger.append(entry);
    recorded.add(index);
    return index.orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** What the ledger step shows. */
  record Shown(long entries, String checkpoint, LedgerProofs.InclusionProof proof, String verifyCommand,
      String witnessVkey) {}

  /**
   * Waits for the recorded entries, starts the witness and has it cosign, proves {@code index} and verifies the
   * whole ledger as an auditor would (log key plus one witness).
   */
  Shown show(long index) throws IOException, ServerException {
    // The server records some entries after answering (a forwarded request's completion): this note,
    // appended last and awaited, is committed after every entry the tour caused (the ledger keeps
    // append order), so the count and the proofs below cover all of them.
    record("admin.note", Map.of("actor", "portcullis demo", "note",
        "the tour's ledger step: every action above is in the ledger before this entry"));
    recorded.forEach(pending -> pending.orTimeout(30, TimeUnit.SECONDS).join());
    Cosigner witnessKey = witnessKey(dataDir.resolve("witness"));
    witnessState = WitnessState.open(dataDir.resolve("witness").resolve("state"));
    NoteVerifier logKey = NoteVerifier.parse(ledger.identity().vkey());
    Witness witness = new Witness(witnessKey, Map.of(ledger.identity().origin(), List.of(logKey)), witnessState,
        Clock.systemUTC());
    witnessServer = WitnessServer.start(witness, "127.0.0.1", 0);
    ledger.useWitnesses(List.of(new WitnessPublisher.Endpoint(witnessServer.url(), witness.verifier())));
    SignedNote checkpoint = ledger.cosignNow();
    LedgerProofs.InclusionProof proof = new LedgerProofs(ledger.reader(), List.of(logKey))
        .inclusion(index, OptionalLong.empty());
    LedgerVerifier.Result result = LedgerVerifier.builder(ledger.reader(), List.of(logKey)).verifyHistory(true)
        .witnesses(List.of(witness.verifier()), 1).build().verify();
    if (!result.ok()) {
      throw new IllegalStateException("the demo ledger does not verify: " + result.problems().get(0));
    }
    String command = "portcullis ledger verify " + dataDir.resolve(ServerLedger.DIRECTORY) + " --vkey '"
        + ledger.identity().vkey() + "' --witness '" + witness.verifier().vkey() + "'";
    return new Shown(Checkpoint.of(checkpoint).size(), checkpoint.format(), proof, command, witness.verifier().vkey());
  }

  private static Cosigner witnessKey(Path dir) throws IOException {
    Path file = dir.resolve("witness.key");
    if (Files.exists(file)) {
      return WitnessCommand.readKey(file);
    }
    AtomicFiles.createPrivateDirectory(dir);
    Cosigner key = Cosigner.generate("portcullis-demo/witness", Clock.systemUTC());
    AtomicFiles.write(file, (key.privateKey() + "\n").getBytes(StandardCharsets.UTF_8), true);
    return key;
  }

  /** The proof's hashes, one per line, for prose output. */
  static String hashes(List<Hash> proof) {
    return proof.stream().map(Hash::base64).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    if (witnessServer != null) {
      witnessServer.close();
    }
    if (witnessState != null) {
      witnessState.close();
    }
  }
}
