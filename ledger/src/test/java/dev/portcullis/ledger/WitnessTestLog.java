package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** An in-memory log for witness tests: entries, signed checkpoints and consistency proofs. */
final class WitnessTestLog {
  final NoteSigner.Ed25519 signer;
  final MemoryHashSource tree = new MemoryHashSource();
  private final String prefix;

  WitnessTestLog(String origin, String entryPrefix) {
    this(NoteSigner.Ed25519.generate(origin), entryPrefix);
  }

  WitnessTestLog(NoteSigner.Ed25519 signer, String entryPrefix) {
    this.signer = signer;
    this.prefix = entryPrefix;
  }

  String origin() {
    return signer.name();
  }

  /** Grows the tree to {@code size} leaves and returns its signed checkpoint. */
  SignedNote growTo(long size) {
    while (tree.size() < size) {
      tree.appendEntry((prefix + tree.size()).getBytes(UTF_8));
    }
    return checkpoint();
  }

  SignedNote checkpoint() {
    return new Checkpoint(origin(), tree.size(), tree.root().toBytes()).sign(signer);
  }

  AddCheckpointRequest request(long oldSize, SignedNote checkpoint) {
    long size = Checkpoint.of(checkpoint).size();
    return new AddCheckpointRequest(oldSize, MerkleProofs.consistencyProof(tree, oldSize, size),
        checkpoint);
  }

  List<NoteVerifier> verifiers() {
    return List.of(signer.verifier());
  }

  /** A clock tests can set; reads are thread-safe. */
  static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(long epochSecond) {
      this.now = Instant.ofEpochSecond(epochSecond);
    }

    void set(long epochSecond) {
      now = Instant.ofEpochSecond(epochSecond);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
