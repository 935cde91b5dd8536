package dev.portcullis.server.ledger;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.EntryIndexFields;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's search index ({@code ledger_index}) in step with the ledger, reading entries back from the
 * ledger itself: the index is derived, never a source. One thread indexes strictly in log order from the highest
 * indexed entry, so a crash leaves no gap to miss; {@link #catchUp} is also what {@code portcullis ledger reindex}
 * runs after clearing the index. Entries that are not Portcullis entries (not canonical JSON of a known shape)
 * stay in the ledger but are not indexed; they are counted and logged.
 */
public final class LedgerIndexer implements AutoCloseable {
  static final int BATCH = 1000;
  /**
   * Shortest time between two passes of the indexer thread when nobody waits for it: a pass has fixed costs (the
   * checkpoint read and parsed, the highest indexed entry queried, a transaction), which under load would otherwise
   * be paid once per ledger commit. The search route waits for the index to catch up first
   * ({@code ServerLedger.awaitIndexedBriefly}), so the pacing delays no answer.
   */
  static final long PASS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** At most this many rows of this process's own appends wait in memory for their pass; beyond, files are read. */
  static final int MAX_KNOWN = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(LedgerIndexer.class);

  private final LedgerReader reader;
  private final LedgerIndexRepository index;
  private final Semaphore work = new Semaphore(0);
  private final Object progress = new Object();
  private volatile long indexedSize = -1;
  /** Guarded by {@code this}: entries below it were read by an earlier pass (the unindexed ones are foreign). */
  private long scannedSize;
  /** Guarded by {@code this}: the highest index stored after the last pass; a lower one means a cleared index. */
  private long lastHighest = -1;
  private volatile boolean closed;
  private Thread thread;
  /** Index rows of entries this process appended, by index, until a pass stores them (saves reading them back). */
  private final java.util.concurrent.ConcurrentHashMap<Long, IndexRow> known = new java.util.concurrent.ConcurrentHashMap<>();
  /** Set by a waiter: the next pass runs at once. */
  private volatile boolean urgent;
  private final Object pacing = new Object();

  public LedgerIndexer(LedgerReader reader, LedgerIndexRepository index) {
    this.reader = reader;
    this.index = index;
  }

  /** What one catch-up did. */
  public record Outcome(long size, long indexed, long skipped) {}

  void start() {
    thread = Thread.ofPlatform().daemon().name("portcullis-ledger-indexer").start(this::run);
    poke();
  }

  /** Asks the indexer thread to catch up (cheap; coalesces). */
  void poke() {
    work.release();
  }

  /**
   * Tells the indexer the entry at {@code index} has {@code fields}: an entry this process built, checked and
   * appended itself, whose row is then taken from memory instead of reading the entry back and parsing it. The row is
   * the one {@link #row} would derive from the entry's bytes (both go through {@link EntryIndexFields#of}).
   */
  void appended(long index, EntryIndexFields fields) {
    if (known.size() < MAX_KNOWN) {
      known.put(index, new IndexRow(index, fields.kind(), fields.org(), fields.actor(), fields.session(),
          fields.commit(), fields.deploymentId(), fields.time()));
    }
    poke();
  }

  private void run() {
    long lastPass = System.nanoTime() - PASS_INTERVAL_NANOS;
    while (!closed) {
      try {
        work.acquire();
        pace(lastPass);
        work.drainPermits();
        lastPass = System.nanoTime();
        urgent = false;
        catchUp();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.warn("ledger indexing failed, retried at the next append: {}", e.getMessage());
        }
      }
    }
  }

  /** Waits until {@link #PASS_INTERVAL_NANOS} after the last pass, unless someone waits for the index. */
  private void pace(long lastPass) throws InterruptedException {
    synchronized (pacing) {
      long left;
      while (!urgent && !closed && (left = lastPass + PASS_INTERVAL_NANOS - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(pacing, left);
      }
    }
  }

  /**
   * Indexes every entry after the highest indexed one, up to the latest checkpoint's size. Entries an earlier pass
   * of this indexer skipped as foreign are not read again, unless the index was cleared meanwhile.
   */
  public synchronized Outcome catchUp() {
    byte[] latest = reader.read(LedgerReader.CHECKPOINT);
    if (latest == null) {
      return new Outcome(0, 0, 0);
    }
    long size = Checkpoint.of(SignedNote.parse(latest)).size();
    long highest = index.highestIndexed();
    long from = highest < lastHighest ? highest + 1 : Math.max(highest + 1, scannedSize);
    long[] counts = new long[2];
    List<IndexRow> rows = new ArrayList<>(BATCH);
    for (long start = from; start < size; start += BATCH) {
      long end = Math.min(size, start + BATCH);
      if (!fromMemory(start, end, rows)) {
        LedgerEntries.forEach(reader, start, end, size, (i, bytes) -> {
          IndexRow mine = known.remove(i);
          IndexRow row = mine != null ? mine : row(i, bytes);
          if (row == null) {
            counts[1]++;
          } else {
            rows.add(row);
          }
        });
      }
      index.put(rows);
      counts[0] += rows.size();
      if (!rows.isEmpty()) {
        highest = Math.max(highest, rows.getLast().idx());
      }
      rows.clear();
    }
    scannedSize = Math.max(from, size);
    if (!known.isEmpty()) {
      known.keySet().removeIf(i -> i < size); // below the size: indexed now, or an index cleared and rebuilt from files
    }
    lastHighest = highest;
    if (counts[1] > 0) {
      LOG.warn("{} ledger entries are not Portcullis entries and were not indexed", counts[1]);
    }
    synchronized (progress) {
      indexedSize = size;
      progress.notifyAll();
    }
    return new Outcome(size, counts[0], counts[1]);
  }

  /** Adds the rows of [{@code start}, {@code end}) from memory when this process appended every one of them. */
  private boolean fromMemory(long start, long end, List<IndexRow> rows) {
    for (long i = start; i < end; i++) {
      if (!known.containsKey(i)) {
        return false;
      }
    }
    for (long i = start; i < end; i++) {
      rows.add(known.remove(i));
    }
    return true;
  }

  /** The index row of one entry, or null if it is not a Portcullis entry. */
  static IndexRow row(long idx, byte[] bytes) {
    try {
      EntryIndexFields fields = EntryIndexFields.of(LedgerEntry.parse(bytes));
      return new IndexRow(idx, fields.kind(), fields.org(), fields.actor(), fields.session(), fields.commit(),
          fields.deploymentId(), fields.time());
    } catch (LedgerException e) {
      return null;
    }
  }

  /** Waits until an index pass has covered {@code size} entries. */
  void awaitIndexed(long size, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (pacing) {
      urgent = true;
      pacing.notifyAll();
    }
    poke();
    synchronized (progress) {
      while (indexedSize < size) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("the ledger index did not reach " + size + " entries within " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (pacing) {
      pacing.notifyAll();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
