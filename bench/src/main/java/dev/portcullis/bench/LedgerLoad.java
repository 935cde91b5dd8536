package dev.portcullis.bench;

import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.Hash;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.MerkleProofs;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.ledger.TileHashSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The ledger's load harness (issue 4), every figure side by side in one run on one machine:
 *
 * <ol>
 *   <li>the machine's own limits: SHA-256 of 64-byte and 1 KiB inputs, and {@code fsync} of a 4 KiB write;
 *   <li>durable append throughput with the real {@link Sequencer} on the file system, 64-byte and 1 KiB
 *       entries, 1 and 64 concurrent writers (together keeping {@value #WINDOW} appends in flight), and 64
 *       writers that each wait for every acknowledgement;
 *   <li>acknowledgement latency (p50, p99, max) at a steady 10,000 entries/s;
 *   <li>a log of {@code --entries} (default 10,000,000) entries, heap in use as it grows;
 *   <li>inclusion proofs per second over that log's tile files ({@link TileHashSource}), 1 and 2 threads;
 *   <li>full verification of that log ({@link LedgerVerifier}), against the time to SHA-256 every byte of
 *       the log's files once.
 * </ol>
 *
 * <p>Usage: {@code java -Xmx1g -cp bench/target/benchmarks.jar dev.portcullis.bench.LedgerLoad [--entries N]
 * [--dir DIR] [--seconds S]}. The directory (default: a new one under the system temp dir) must be on the disk
 * to be measured; it is deleted afterwards unless {@code --keep}.
 */
public final class LedgerLoad {
  /** Appends in flight over all writers: a quarter of the sequencer's queue, so BUSY never throttles. */
  static final int WINDOW = 16_384;
  /** A fixed key (benchmark only), so that a log kept with --keep verifies in a later run. */
  private static final NoteSigner.Ed25519 SIGNER = new NoteSigner.Ed25519("bench.portcullis.dev/ledger",
      java.util.HexFormat.of().parseHex("5e".repeat(32)));
  private static final String ORIGIN = SIGNER.name();

  private LedgerLoad() {}

  public static void main(String[] args) throws Exception {
    long entries = 10_000_000;
    Path base = null;
    int seconds = 5;
    boolean keep = false;
    java.util.Set<String> only = java.util.Set.of("limits", "append", "latency", "build", "proofs", "verify");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--only" -> only = java.util.Set.of(args[++i].split(","));
        case "--entries" -> entries = Long.parseLong(args[++i]);
        case "--dir" -> base = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--keep" -> keep = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: LedgerLoad [--entries N] [--dir DIR] [--seconds S] [--keep]"
            + " [--only limits,append,latency,build,proofs,verify]");
      }
    }
    Path root = base == null ? Files.createTempDirectory("portcullis-ledger-load") : Files.createDirectories(base);
    System.out.printf(Locale.ROOT, "ledger load harness: %d cores, JDK %s, max heap %d MiB, directory %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20, root);
    try {
      if (only.contains("limits")) {
        machineLimits(root, seconds);
      }
      if (only.contains("append")) {
        for (int entrySize : new int[] {64, 1024}) {
          appendThroughput(root, entrySize, 1, true, seconds);
          appendThroughput(root, entrySize, 64, true, seconds);
          appendThroughput(root, entrySize, 64, false, seconds);
        }
      }
      if (only.contains("latency")) {
        ackLatency(root, 10_000, seconds * 2);
      }
      Path big = root.resolve("big");
      if (only.contains("build")) {
        buildLog(big, entries);
      }
      if (only.contains("proofs")) {
        proofs(big, entries, 1, seconds);
        proofs(big, entries, 2, seconds);
      }
      if (only.contains("verify")) {
        verification(big, entries);
      }
    } finally {
      if (!keep) {
        delete(root);
      }
    }
  }

  // ---- 1. the machine's own limits ----

  static void machineLimits(Path root, int seconds) throws Exception {
    for (int size : new int[] {64, 1024}) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] input = new byte[size + 1];
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long count = 0;
      long start = System.nanoTime();
      while ((count & 1023) != 0 || System.nanoTime() < deadline) {
        input[0] = (byte) count;
        sha.update(input);
        sha.digest();
        count++;
      }
      double rate = count / ((System.nanoTime() - start) / 1e9);
      row("raw SHA-256 of a leaf (0x00 ‖ %d B), 1 thread", rate, "hashes/s", size);
    }
    Path file = root.resolve("fsync-probe");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long count = 0;
      long start = System.nanoTime();
      long[] latencies = new long[1 << 20];
      while (System.nanoTime() < deadline && count < latencies.length) {
        block.clear();
        long begin = System.nanoTime();
        channel.write(block, (count % 256) * 4096);
        channel.force(false);
        latencies[(int) count] = System.nanoTime() - begin;
        count++;
      }
      row("raw fsync (4 KiB write + fdatasync), 1 thread", count / ((System.nanoTime() - start) / 1e9), "fsyncs/s");
      long[] sorted = Arrays.copyOf(latencies, (int) count);
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "  %-72s p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", "raw fsync latency",
          sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
    Files.delete(file);
  }

  // ---- 2. durable append throughput ----

  static void appendThroughput(Path root, int entrySize, int writers, boolean pipelined, int seconds)
      throws Exception {
    Path dir = root.resolve("append-" + entrySize + "-" + writers + (pipelined ? "-async" : "-sync"));
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir);
        Sequencer sequencer = Sequencer.open(storage, SIGNER, ORIGIN, options())) {
      LongAdder acknowledged = new LongAdder();
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      CountDownLatch done = new CountDownLatch(writers);
      long start = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        Thread.ofPlatform().start(() -> {
          try {
            write(sequencer, entrySize, writer, pipelined ? WINDOW / writers : 1, deadline, acknowledged);
          } finally {
            done.countDown();
          }
        });
      }
      done.await();
      double elapsed = (System.nanoTime() - start) / 1e9;
      row("durable appends, %d B entries, %d writer(s), %s", acknowledged.sum() / elapsed, "entries/s",
          entrySize, writers, pipelined ? WINDOW / writers + " in flight each" : "each waits for its ack");
    }
    delete(dir);
  }

  private static void write(Sequencer sequencer, int entrySize, int writer, int window, long deadline,
      LongAdder acknowledged) {
    Semaphore inFlight = new Semaphore(window);
    SplittableRandom random = new SplittableRandom(writer);
    byte[] template = new byte[entrySize];
    random.nextBytes(template);
    long n = 0;
    while (System.nanoTime() < deadline) {
      inFlight.acquireUninterruptibly();
      byte[] entry = template.clone();
      ByteBuffer.wrap(entry).putInt(writer).putLong(n++);
      CompletableFuture<Long> ack;
      try {
        ack = sequencer.append(entry);
      } catch (RuntimeException busy) {
        inFlight.release();
        Thread.onSpinWait();
        continue;
      }
      ack.whenComplete((index, failure) -> {
        if (failure == null) {
          acknowledged.increment();
        }
        inFlight.release();
      });
    }
    inFlight.acquireUninterruptibly(window);
  }

  // ---- 3. acknowledgement latency at a steady rate ----

  static void ackLatency(Path root, int perSecond, int seconds) throws Exception {
    Path dir = root.resolve("latency");
    int total = perSecond * seconds;
    int warmUp = perSecond * 2; // two seconds at the same rate, not counted: steady state, not JIT start-up
    long[] latencies = new long[total + warmUp];
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir);
        Sequencer sequencer = Sequencer.open(storage, SIGNER, ORIGIN, options())) {
      CountDownLatch done = new CountDownLatch(total + warmUp);
      long period = 1_000_000_000L / perSecond;
      long start = System.nanoTime();
      byte[] template = new byte[256];
      for (int i = 0; i < total + warmUp; i++) {
        long due = start + i * period;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing: submit on schedule (open loop)
        }
        byte[] entry = template.clone();
        ByteBuffer.wrap(entry).putInt(i);
        int slot = i;
        sequencer.append(entry).whenComplete((index, failure) -> {
          latencies[slot] = failure == null ? System.nanoTime() - due : Long.MAX_VALUE;
          done.countDown();
        });
      }
      done.await();
    }
    long[] measured = Arrays.copyOfRange(latencies, warmUp, warmUp + total);
    Arrays.sort(measured);
    System.out.printf(Locale.ROOT, "  %-72s p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        "ack latency at " + perSecond + " entries/s (256 B, " + total + " entries after 2 s warm-up)",
        measured[total / 2] / 1e6, measured[(int) (total * 0.99)] / 1e6, measured[total - 1] / 1e6);
    delete(dir);
  }

  // ---- 4. a big log, and the heap as it grows ----

  static void buildLog(Path dir, long entries) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long start = System.nanoTime();
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir);
        Sequencer sequencer = Sequencer.open(storage, SIGNER, ORIGIN, options())) {
      Semaphore inFlight = new Semaphore(16_384);
      AtomicLong failed = new AtomicLong();
      byte[] template = new byte[100];
      new SplittableRandom(7).nextBytes(template);
      long nextReport = Math.max(1, entries / 4);
      for (long i = 0; i < entries; i++) {
        inFlight.acquireUninterruptibly();
        byte[] entry = template.clone();
        ByteBuffer.wrap(entry).putLong(i);
        CompletableFuture<Long> ack;
        try {
          ack = sequencer.append(entry);
        } catch (RuntimeException busy) {
          inFlight.release();
          i--;
          continue;
        }
        ack.whenComplete((index, failure) -> {
          if (failure != null) {
            failed.incrementAndGet();
          }
          inFlight.release();
        });
        if (i + 1 == nextReport || i + 1 == entries) {
          inFlight.acquireUninterruptibly(16_384);
          inFlight.release(16_384);
          System.gc();
          System.out.printf(Locale.ROOT, "  %-72s %,d entries: heap in use after GC %,d MiB%n", "log build",
              i + 1, memory.getHeapMemoryUsage().getUsed() >> 20);
          nextReport += Math.max(1, entries / 4);
        }
      }
      if (failed.get() != 0) {
        throw new IllegalStateException(failed.get() + " appends failed while building the log");
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    row("log build: %,d × 100 B entries appended durably", entries / elapsed, "entries/s", entries);
  }

  // ---- 5. inclusion proofs over the tile files ----

  static void proofs(Path dir, long size, int threads, int seconds) throws Exception {
    LongAdder proofs = new LongAdder();
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch done = new CountDownLatch(threads);
    Hash root;
    try (FileSystemLedgerStorage storage = FileSystemLedgerStorage.open(dir)) {
      root = MerkleProofs.root(new TileHashSource(storage.tileReader(), size), size);
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        Thread.ofPlatform().start(() -> {
          try {
            TileHashSource source = new TileHashSource(storage.tileReader(), size);
            SplittableRandom random = new SplittableRandom(seed);
            while (System.nanoTime() < deadline) {
              long index = random.nextLong(size);
              List<Hash> proof = MerkleProofs.inclusionProof(source, index, size);
              if (proof.isEmpty() && size > 1) {
                throw new IllegalStateException("empty proof");
              }
              proofs.increment();
            }
          } finally {
            done.countDown();
          }
        });
      }
      done.await();
      row("inclusion proofs from tile files, %,d-entry log, %d thread(s)",
          proofs.sum() / ((System.nanoTime() - start) / 1e9), "proofs/s", size, threads);
    }
    if (root == null) {
      throw new IllegalStateException();
    }
  }

  // ---- 6. full verification against raw hashing of the same bytes ----

  static void verification(Path dir, long size) throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).filter(p -> p.toString().contains("/tile/")).toList();
    }
    // Twice, keeping the faster: the first pass also warms the page cache the verifications then read from.
    double raw = Double.MAX_VALUE;
    long bytes = 0;
    for (int pass = 0; pass < 2; pass++) {
      bytes = 0;
      long start = System.nanoTime();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      for (Path file : files) {
        try (FileChannel channel = FileChannel.open(file)) {
          buffer.clear();
          while (channel.read(buffer) > 0) {
            buffer.flip();
            bytes += buffer.remaining();
            sha.update(buffer);
            buffer.clear();
          }
        }
      }
      sha.digest();
      raw = Math.min(raw, (System.nanoTime() - start) / 1e9);
    }
    System.out.printf(Locale.ROOT, "  %-72s %.2f s (%,d MiB in %,d files)%n",
        "raw: read + SHA-256 every tile and bundle byte once, 1 thread", raw, bytes >> 20, files.size());
    for (boolean history : new boolean[] {false, true}) {
      for (int threads : new int[] {1, 2}) {
        long begin = System.nanoTime();
        LedgerVerifier.Result result = LedgerVerifier.builder(LedgerReader.directory(dir),
            List.of(SIGNER.verifier())).verifyHistory(history).threads(threads).build().verify();
        double took = (System.nanoTime() - begin) / 1e9;
        if (!result.ok() || result.size() != size) {
          throw new IllegalStateException("verification failed: " + result.problems());
        }
        System.out.printf(Locale.ROOT, "  %-72s %.2f s = %.2f × raw (%,d entries)%n", "full verification"
            + (history ? " with every history checkpoint" : " (entries, tiles, checkpoint)") + ", " + threads
            + " thread(s)", took, took / raw, result.entriesChecked());
      }
    }
  }

  // ---- helpers ----

  /** The sequencer's defaults, with {@code -Dbatch.wait.micros=N} to try another group-commit wait. */
  static Sequencer.Options options() {
    Sequencer.Options defaults = Sequencer.Options.defaults();
    long micros = Long.getLong("batch.wait.micros", defaults.maxWait().toNanos() / 1000);
    return new Sequencer.Options(Duration.ofNanos(micros * 1000), defaults.maxBatch(), defaults.maxPending());
  }

  private static void row(String format, double rate, String unit, Object... args) {
    System.out.printf(Locale.ROOT, "  %-72s %,12.0f %s%n", String.format(Locale.ROOT, format, args), rate, unit);
  }

  private static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = new ArrayList<>(walk.toList());
      java.util.Collections.reverse(paths);
      for (Path path : paths) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
