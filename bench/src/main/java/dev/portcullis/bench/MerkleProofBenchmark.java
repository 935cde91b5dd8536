package dev.portcullis.bench;

import dev.portcullis.ledger.CompactRange;
import dev.portcullis.ledger.Hash;
import dev.portcullis.ledger.MemoryHashSource;
import dev.portcullis.ledger.MerkleHash;
import dev.portcullis.ledger.MerkleProofs;
import dev.portcullis.ledger.ProofException;
import dev.portcullis.ledger.SubtreeHash;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merkle proofs per second on a large log (issue 4 target: ≥ 50,000 inclusion proofs/s on 10 million entries),
 * side by side with the raw SHA-256 rate of 32-byte and 1 KiB inputs on the same machine.
 *
 * <p>The tree is a {@link MemoryHashSource} of {@code size} synthetic leaf hashes (leaf i = SHA-256(0x00 ‖ i as
 * 8 bytes big-endian)), built in the trial setup: every complete subtree hash of every level, packed, about
 * 64 bytes per leaf (≈ 640 MB for 10 M leaves, hence {@code -Xmx3g}). Proofs are for uniformly random leaves
 * against the full size, whose right edge is incomplete (10,000,000 is not a power of two), so each proof also
 * pays the hashing of that edge, as a tile-backed log would.
 *
 * <p>Short check: {@code java -jar bench/target/benchmarks.jar MerkleProofBenchmark -f 1 -wi 1 -i 2 -w 2s -r 2s}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class MerkleProofBenchmark {

  /** The large tree, shared by all threads, built once per trial. */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param("10000000")
    public long size;

    MemoryHashSource source;
    Hash root;

    @Setup(Level.Trial)
    public void build() {
      source = new MemoryHashSource();
      ByteBuffer buf = ByteBuffer.allocate(8);
      for (long i = 0; i < size; i++) {
        buf.clear();
        buf.putLong(i);
        source.append(MerkleHash.leaf(buf.array()));
      }
      root = MerkleProofs.root(source, size);
    }
  }

  /** Per-thread random leaf choice and a proof to verify. */
  @State(Scope.Thread)
  public static class Picker {
    final SplittableRandom random = new SplittableRandom(42);
    long index;
    Hash leaf;
    List<Hash> proof;

    @Setup(Level.Trial)
    public void pick(Tree tree) {
      index = random.nextLong(tree.size);
      leaf = tree.source.hash(0, index);
      proof = MerkleProofs.inclusionProof(tree.source, index, tree.size);
    }
  }

  /** The sequencer's streaming hasher, fed precomputed leaf hashes. */
  @State(Scope.Thread)
  public static class Sequencer {
    final CompactRange range = CompactRange.empty();
    final Hash[] leaves = new Hash[1024];
    int next;

    @Setup(Level.Trial)
    public void prepare() {
      for (int i = 0; i < leaves.length; i++) {
        leaves[i] = MerkleHash.leaf(new byte[] {(byte) i, (byte) (i >>> 8)});
      }
    }
  }

  /** Per-thread digest and inputs for the raw SHA-256 rate. */
  @State(Scope.Thread)
  public static class Raw {
    final MessageDigest sha256;
    final byte[] small = new byte[32];
    final byte[] kib = new byte[1024];

    public Raw() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      new SplittableRandom(7).nextBytes(small);
      new SplittableRandom(8).nextBytes(kib);
    }
  }

  @Benchmark
  public List<Hash> inclusionProof(Tree tree, Picker picker) {
    return MerkleProofs.inclusionProof(tree.source, picker.random.nextLong(tree.size), tree.size);
  }

  @Benchmark
  public long consistencyProof(Tree tree, Picker picker) {
    long oldSize = 1 + picker.random.nextLong(tree.size);
    return MerkleProofs.consistencyProof(tree.source, oldSize, tree.size).size();
  }

  @Benchmark
  public Hash verifyInclusion(Tree tree, Picker picker) throws ProofException {
    return MerkleProofs.rootFromInclusionProof(picker.index, tree.size, picker.leaf, picker.proof);
  }

  /** Appending one leaf hash to the compact range (≈ 1 node hash amortised), without storing the subtrees. */
  @Benchmark
  public List<SubtreeHash> compactRangeAppend(Sequencer sequencer) {
    return sequencer.range.append(sequencer.leaves[sequencer.next++ & 1023]);
  }

  @Benchmark
  public byte[] sha256Of32Bytes(Raw raw) {
    return raw.sha256.digest(raw.small);
  }

  @Benchmark
  public byte[] sha256Of1KiB(Raw raw) {
    return raw.sha256.digest(raw.kib);
  }
}
