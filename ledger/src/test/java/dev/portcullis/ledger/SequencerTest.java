package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequencerTest {
  private static final NoteSigner.Ed25519 SIGNER = LedgerStorageFixture.SIGNER;
  private static final String ORIGIN = LedgerStorageFixture.ORIGIN;

  @TempDir
  Path temp;
  private FileSystemLedgerStorage storage;

  @BeforeEach
  void open() throws IOException {
    storage = FileSystemLedgerStorage.open(temp.resolve("ledger"));
  }

  @AfterEach
  void close() throws IOException {
    storage.close();
  }

  private Sequencer sequencer() throws IOException {
    return Sequencer.open(storage, SIGNER, ORIGIN, Sequencer.Options.defaults());
  }

  private static LedgerErrorCode codeOf(Throwable t) {
    return ((LedgerException) t).code();
  }

  static byte[] entry(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The entries stored in the bundles of a tree of {@code size}. */
  static List<byte[]> storedEntries(LedgerStorage storage, long size) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (long b = 0; b * 256 < size; b++) {
      int width = (int) Math.min(256, size - b * 256);
      byte[] bundle = storage.read(TilePath.entryBundle(b, width)).orElseThrow();
      int at = 0;
      for (int i = 0; i < width; i++) {
        int length = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
        byte[] e = new byte[length];
        System.arraycopy(bundle, at + 2, e, 0, length);
        out.add(e);
        at += 2 + length;
      }
      assertThat(at).isEqualTo(bundle.length);
    }
    return out;
  }

  /** Every checkpoint in the history verifies and is consistent with the next one, proven from the stored tiles. */
  static void assertHistoryConsistent(LedgerStorage storage) throws IOException, ProofException {
    List<Checkpoint> checkpoints = new ArrayList<>();
    storage.forEachCheckpoint(note -> checkpoints.add(
        Checkpoint.verify(SignedNote.parse(note), ORIGIN, List.of(SIGNER.verifier()))));
    assertThat(checkpoints).isNotEmpty();
    // proofs come from the tiles of the latest tree: superseded partial tiles are deleted once full
    TileHashSource tiles = new TileHashSource(storage.tileReader(), checkpoints.getLast().size());
    for (int i = 1; i < checkpoints.size(); i++) {
      Checkpoint a = checkpoints.get(i - 1);
      Checkpoint b = checkpoints.get(i);
      assertThat(b.size()).isGreaterThan(a.size());
      List<Hash> proof = MerkleProofs.consistencyProof(tiles, a.size(), b.size());
      MerkleProofs.verifyConsistency(a.size(), b.size(), proof, Hash.of(a.rootHash()), Hash.of(b.rootHash()));
    }
  }

  @Test
  void aFreshLogPublishesTheEmptyCheckpoint() throws IOException {
    try (Sequencer s = sequencer()) {
      Checkpoint c = Checkpoint.verify(s.checkpoint(), ORIGIN, List.of(SIGNER.verifier()));
      assertThat(c.size()).isZero();
      assertThat(Hash.of(c.rootHash())).isEqualTo(MerkleHash.empty());
      assertThat(storage.latestCheckpoint()).hasValue(s.checkpoint().bytes());
    }
  }

  @Test
  void concurrentAppendersGetDenseOrderedIndices() throws Exception {
    int threads = 8;
    int perThread = 300;
    Map<Long, byte[]> byIndex = new HashMap<>();
    try (Sequencer s = sequencer()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Map<Long, byte[]>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          Map<Long, byte[]> mine = new HashMap<>();
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          List<byte[]> entries = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            byte[] e = entry("thread " + thread + " entry " + i);
            entries.add(e);
            futures.add(s.append(e));
          }
          long previous = -1;
          for (int i = 0; i < perThread; i++) {
            long index = futures.get(i).get();
            assertThat(index).as("one thread's appends keep their order").isGreaterThan(previous);
            previous = index;
            mine.put(index, entries.get(i));
          }
          return mine;
        }));
      }
      start.countDown();
      for (Future<Map<Long, byte[]>> r : results) {
        byIndex.putAll(r.get());
      }
      pool.shutdown();
      assertThat(s.size()).isEqualTo(threads * perThread);
    }
    assertThat(byIndex.keySet()).hasSize(threads * perThread).allMatch(i -> i >= 0 && i < threads * perThread);
    List<byte[]> stored = storedEntries(storage, threads * perThread);
    for (Map.Entry<Long, byte[]> e : byIndex.entrySet()) {
      assertThat(stored.get(e.getKey().intValue())).isEqualTo(e.getValue());
    }
    assertHistoryConsistent(storage);
  }

  @Test
  void rootsMatchTheInMemoryTreeAroundTileBoundaries() throws Exception {
    long[] sizes = {1, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, 65792};
    MemoryHashSource memory = new MemoryHashSource();
    List<Hash> leaves = new ArrayList<>();
    try (Sequencer s = sequencer()) {
      long n = 0;
      for (long target : sizes) {
        List<byte[]> entries = new ArrayList<>();
        for (; n < target; n++) {
          byte[] e = LedgerStorageFixture.entry(n);
          entries.add(e);
          memory.appendEntry(e);
          if (n < 600) {
            leaves.add(MerkleHash.leaf(e));
          }
        }
        for (int from = 0; from < entries.size(); from += 3000) {
          List<CompletableFuture<Long>> futures = s.appendAll(entries.subList(from, Math.min(entries.size(), from + 3000)));
          futures.getLast().get();
        }
        Checkpoint c = Checkpoint.of(s.checkpoint());
        assertThat(c.size()).isEqualTo(target);
        assertThat(Hash.of(c.rootHash())).as("size %d", target).isEqualTo(memory.root());
        assertThat(MerkleProofs.root(new TileHashSource(storage.tileReader(), target), target)).isEqualTo(memory.root());
        if (target < 600) {
          assertThat(memory.root()).isEqualTo(NaiveMerkle.mth(leaves.subList(0, (int) target)));
        }
      }
    }
    assertHistoryConsistent(storage);
  }

  @Test
  void reopeningContinuesTheLog() throws Exception {
    MemoryHashSource memory = new MemoryHashSource();
    for (int round = 0; round < 3; round++) {
      try (Sequencer s = sequencer()) {
        assertThat(s.size()).isEqualTo(memory.size());
        for (int i = 0; i < 100 + round * 77; i++) {
          byte[] e = LedgerStorageFixture.entry(memory.size());
          assertThat(s.append(e).get()).isEqualTo(memory.size());
          memory.appendEntry(e);
        }
        assertThat(Hash.of(Checkpoint.of(s.checkpoint()).rootHash())).isEqualTo(memory.root());
      }
    }
    assertHistoryConsistent(storage);
  }

  @Test
  void closeDrainsQueuedEntries() throws Exception {
    List<CompletableFuture<Long>> futures;
    try (Sequencer s = Sequencer.open(storage, SIGNER, ORIGIN, new Sequencer.Options(Duration.ofSeconds(30), 4096, 65536))) {
      futures = s.appendAll(List.of(entry("a"), entry("b"), entry("c")));
    }
    assertThat(futures).extracting(CompletableFuture::get).containsExactly(0L, 1L, 2L);
    assertThat(Checkpoint.of(SignedNote.parse(storage.latestCheckpoint().orElseThrow())).size()).isEqualTo(3);
  }

  @Test
  void badEntriesAreRefused() throws Exception {
    Sequencer s = sequencer();
    try {
      assertThatThrownBy(() -> s.append(new byte[0]))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.EMPTY_ENTRY));
      assertThatThrownBy(() -> s.append(new byte[65536]))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.ENTRY_TOO_LARGE))
          .hasMessageContaining("65536");
      assertThatThrownBy(() -> s.appendAll(List.of(entry("ok"), new byte[0])))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.EMPTY_ENTRY))
          .hasMessageContaining("entry 1");
      assertThat(s.append(new byte[65535]).get()).isZero();
    } finally {
      s.close();
    }
    assertThatThrownBy(() -> s.append(entry("late")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.SEQUENCER_CLOSED));
    s.close(); // idempotent
    assertThat(storedEntries(storage, 1).getFirst()).hasSize(65535);
  }

  @Test
  void aSecondSequencerOnTheSameLedgerIsLocked() throws IOException {
    try (Sequencer s = sequencer(); FileSystemLedgerStorage other = FileSystemLedgerStorage.open(temp.resolve("ledger"))) {
      assertThatThrownBy(() -> Sequencer.open(other, SIGNER, ORIGIN, Sequencer.Options.defaults()))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.LOCKED));
      assertThat(s.size()).isZero();
    }
  }

  @Test
  void anotherKeyOrOriginCannotTakeOverTheLog() throws Exception {
    try (Sequencer s = sequencer()) {
      s.append(entry("x")).get();
    }
    assertThatThrownBy(() -> Sequencer.open(storage, NoteSigner.Ed25519.generate("ledger.test"), ORIGIN,
        Sequencer.Options.defaults()))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID));
    assertThatThrownBy(() -> Sequencer.open(storage, SIGNER, "other.test/log", Sequencer.Options.defaults()))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID))
        .hasMessageContaining("other.test/log");
    try (Sequencer s = sequencer()) {
      assertThat(s.size()).isEqualTo(1);
    }
  }

  @Test
  void aFullQueueFailsFastWithBusy() throws Exception {
    CountDownLatch commitEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HookedStorage hooked = new HookedStorage(storage, batch -> {
      if (batch.size() > 0) {
        commitEntered.countDown();
        await(release);
      }
    });
    try (Sequencer s = Sequencer.open(hooked, SIGNER, ORIGIN, new Sequencer.Options(Duration.ZERO, 2, 3))) {
      CompletableFuture<Long> first = s.append(entry("first"));
      commitEntered.await();
      List<CompletableFuture<Long>> queued = s.appendAll(List.of(entry("a"), entry("b"), entry("c")));
      assertThatThrownBy(() -> s.append(entry("d")))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.BUSY))
          .hasMessageContaining("maxPending 3");
      release.countDown();
      assertThat(first.get()).isZero();
      assertThat(queued).extracting(CompletableFuture::get).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aFailedCommitFailsItsBatchAndStopsTheSequencer() throws Exception {
    try (Sequencer s = sequencer()) {
      s.append(entry("durable")).get();
    }
    IOException disk = new IOException("disk full");
    HookedStorage failing = new HookedStorage(storage, batch -> {
      throw new java.io.UncheckedIOException(disk);
    });
    try (Sequencer s = Sequencer.open(failing, SIGNER, ORIGIN, Sequencer.Options.defaults())) {
      CompletableFuture<Long> lost = s.append(entry("never acknowledged"));
      assertThatThrownBy(lost::get).isInstanceOf(ExecutionException.class).hasRootCause(disk);
      assertThatThrownBy(() -> s.append(entry("after")))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(LedgerErrorCode.SEQUENCER_FAILED));
      assertThat(s.size()).isEqualTo(1);
    }
    try (Sequencer s = sequencer()) {
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.append(entry("next")).get()).isEqualTo(1);
    }
    assertThat(storedEntries(storage, 2)).extracting(String::new).containsExactly("durable", "next");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Delegates to a real storage, running a hook before each commit (to block or fail it). */
  private Sequencer sequencer(LedgerStorage on, Duration maxWait, Duration lazyWait) throws IOException {
    return Sequencer.open(on, SIGNER, ORIGIN, new Sequencer.Options(maxWait, 4096, 65536, lazyWait));
  }

  @Test
  void aLazyEntryRidesWithTheNextCommitAnotherEntryStarts() throws Exception {
    List<Long> committedSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    HookedStorage hooked = new HookedStorage(storage, batch -> committedSizes.add(batch.size()));
    try (Sequencer s = sequencer(hooked, Duration.ZERO, Duration.ofHours(1))) {
      CompletableFuture<Long> lazy = s.appendLazily(entry("completed 1"));
      CompletableFuture<Long> secondLazy = s.appendLazily(entry("completed 2"));
      assertThat(lazy).as("a lazy entry does not start a commit").isNotDone();
      long eager = s.append(entry("decision")).get();
      assertThat(eager).isEqualTo(2);
      // futures complete in index order within a commit: the lazy ones are done when the eager one is
      assertThat(lazy).isCompletedWithValue(0L);
      assertThat(secondLazy).isCompletedWithValue(1L);
      assertThat(committedSizes).as("one commit after the empty log's").containsExactly(0L, 3L);
    }
    assertThat(storedEntries(storage, 3)).extracting(e -> new String(e, StandardCharsets.UTF_8))
        .containsExactly("completed 1", "completed 2", "decision");
    assertHistoryConsistent(storage);
  }

  @Test
  void lazyEntriesAloneAreCommittedOnceTheirWaitIsOver() throws Exception {
    try (Sequencer s = sequencer(storage, Duration.ofHours(1), Duration.ofMillis(5))) {
      CompletableFuture<Long> lazy = s.appendLazily(entry("completed"));
      assertThat(lazy.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
      assertThat(s.size()).isEqualTo(1);
    }
  }

  @Test
  void closingCommitsTheLazyEntriesStillQueued() throws Exception {
    CompletableFuture<Long> lazy;
    try (Sequencer s = sequencer(storage, Duration.ZERO, Duration.ofHours(1))) {
      lazy = s.appendLazily(entry("completed"));
      assertThat(lazy).isNotDone();
    }
    assertThat(lazy).isCompletedWithValue(0L);
    assertThat(storedEntries(storage, 1)).extracting(e -> new String(e, StandardCharsets.UTF_8))
        .containsExactly("completed");
  }

  @Test
  void lazyAndEagerAppendsFromManyThreadsGetDenseIndicesInEachThreadsOrder() throws Exception {
    int threads = 6;
    int perThread = 200;
    Map<Long, byte[]> byIndex = new java.util.concurrent.ConcurrentHashMap<>();
    try (Sequencer s = sequencer(storage, Duration.ZERO, Duration.ofMillis(1))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          java.util.Random random = new java.util.Random(thread);
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          List<byte[]> entries = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            byte[] e = entry("thread " + thread + " entry " + i);
            entries.add(e);
            futures.add(random.nextBoolean() ? s.appendLazily(e) : s.append(e));
          }
          long previous = -1;
          for (int i = 0; i < perThread; i++) {
            long index = futures.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(index).as("one thread's appends keep their order").isGreaterThan(previous);
            previous = index;
            byIndex.put(index, entries.get(i));
          }
          return null;
        }));
      }
      for (Future<?> r : results) {
        r.get();
      }
      pool.shutdown();
      assertThat(s.size()).isEqualTo(threads * perThread);
    }
    List<byte[]> stored = storedEntries(storage, threads * perThread);
    assertThat(byIndex).hasSize(threads * perThread);
    byIndex.forEach((index, e) -> assertThat(stored.get(index.intValue())).isEqualTo(e));
    assertHistoryConsistent(storage);
  }

  @Test
  void optionsRefuseANegativeLazyWait() {
    assertThatThrownBy(() -> new Sequencer.Options(Duration.ZERO, 1, 1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lazyWait");
  }

  static final class HookedStorage implements LedgerStorage {
    private final LedgerStorage delegate;
    private final Consumer<Batch> beforeCommit;

    HookedStorage(LedgerStorage delegate, Consumer<Batch> beforeCommit) {
      this.delegate = delegate;
      this.beforeCommit = beforeCommit;
    }

    @Override
    public Optional<byte[]> read(TilePath path) throws IOException {
      return delegate.read(path);
    }

    @Override
    public Optional<byte[]> latestCheckpoint() throws IOException {
      return delegate.latestCheckpoint();
    }

    @Override
    public Optional<byte[]> checkpoint(long size) throws IOException {
      return delegate.checkpoint(size);
    }

    @Override
    public void forEachCheckpoint(Consumer<byte[]> action) throws IOException {
      delegate.forEachCheckpoint(action);
    }

    @Override
    public SequencerLock acquireSequencerLock() throws IOException {
      return delegate.acquireSequencerLock();
    }

    @Override
    public void commit(Batch batch) throws IOException {
      beforeCommit.accept(batch);
      delegate.commit(batch);
    }

    @Override
    public void repair(TilePath path, byte[] data) throws IOException {
      delegate.repair(path, data);
    }

    @Override
    public void publishCosigned(byte[] signedNote) throws IOException {
      delegate.publishCosigned(signedNote);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
