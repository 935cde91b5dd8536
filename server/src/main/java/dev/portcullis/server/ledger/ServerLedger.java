package dev.portcullis.server.ledger;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.EntryIndexFields;
import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.WitnessPublisher;
import dev.portcullis.server.config.Config;
import dev.portcullis.store.LedgerHandoff;
import dev.portcullis.store.Store;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's ledger: its storage ({@code DATA_DIR/ledger/} or PostgreSQL), the sequencer when this server holds
 * the lock, the hand-off to the replica that does when it does not (PostgreSQL), the search index kept up to date
 * behind it, and the witnesses each new checkpoint is sent to.
 *
 * <p>Design note. The ledger is written only through {@link #append}; the index is derived from it by
 * {@link LedgerIndexer} and can be rebuilt from it at any time, never the other way round. An append is
 * acknowledged when the sequencer has made it durable under a signed checkpoint; indexing follows asynchronously.
 * With PostgreSQL, one replica sequences (advisory lock); the others hand their entries over through the database
 * and try to take the lock at every witness interval, so that a replica takes over when the sequencer dies. The
 * origin is fixed by the first checkpoint: opening a ledger with another configured origin is refused, as a
 * silent change would split the log's identity.
 */
public final class ServerLedger implements AutoCloseable {
  public static final String DIRECTORY = "ledger";
  private static final Logger LOG = LoggerFactory.getLogger(ServerLedger.class);

  private final LedgerIdentity identity;
  private final Config.Ledger config;
  private final LedgerStorage storage;
  private final boolean ownsStorage;
  private final Optional<LedgerHandoff> handoff;
  private final LedgerReader reader;
  private final LedgerIndexer indexer;
  private volatile Optional<HttpClient> witnessHttp;
  private volatile Optional<WitnessPublisher> witnesses;
  private final ScheduledExecutorService background;
  private volatile Sequencer sequencer;
  private volatile AutoCloseable pump;
  private volatile String lastCosigned = "";
  /** Guarded by {@code this}: once set, {@link #tryToSequence} no longer takes the lock. */
  private boolean closed;

  private ServerLedger(LedgerIdentity identity, Config.Ledger config, LedgerStorage storage, boolean ownsStorage,
      Optional<LedgerHandoff> handoff, LedgerReader reader, Store store) {
    this.identity = identity;
    this.config = config;
    this.storage = storage;
    this.ownsStorage = ownsStorage;
    this.handoff = handoff;
    this.reader = reader;
    this.indexer = new LedgerIndexer(reader, store.ledgerIndex());
    this.witnessHttp = config.witnesses().isEmpty() ? Optional.empty()
        : Optional.of(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    this.witnesses = witnessHttp.map(http -> WitnessPublisher.forEndpoints(config.witnesses().stream()
        .map(w -> new WitnessPublisher.Endpoint(w.url(), CosignatureVerifier.parse(w.vkey()))).toList(), http,
        Duration.ofSeconds(10)));
    this.background = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "portcullis-ledger-background");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens the ledger, takes the sequencer lock if it can (always, for the file system: a second server on the
   * same data directory is refused), and starts indexing and witnessing.
   *
   * @throws LedgerException with a message naming what to do (origin mismatch, locked, recovery failed)
   */
  public static ServerLedger open(Path dataDir, Config.Ledger config, Store store, LedgerIdentity identity)
      throws IOException {
    boolean postgresql = config.backend() == Config.Ledger.Backend.POSTGRESQL;
    LedgerStorage storage = postgresql ? store.ledgerStorage()
        : FileSystemLedgerStorage.open(dataDir.resolve(DIRECTORY));
    try {
      requireSameOrigin(storage, identity, postgresql ? "the ledger in PostgreSQL" : dataDir.resolve(DIRECTORY).toString());
      // through the storage, not the directory: the sequencer acknowledges a batch once its write-ahead log record is
      // durable and writes the tile files just after, so only the storage sees every acknowledged entry at once
      LedgerReader reader = LedgerReader.storage(storage);
      ServerLedger ledger = new ServerLedger(identity, config, storage, !postgresql,
          postgresql ? Optional.of(store.ledgerHandoff()) : Optional.empty(), reader, store);
      try {
        if (!ledger.tryToSequence() && !postgresql) {
          throw new LedgerException(LedgerErrorCode.LOCKED, "the ledger in " + dataDir.resolve(DIRECTORY)
              + " is in use by another process");
        }
        ledger.start();
        return ledger;
      } catch (IOException | RuntimeException e) {
        ledger.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      if (!postgresql) {
        storage.close();
      }
      throw e;
    }
  }

  private static void requireSameOrigin(LedgerStorage storage, LedgerIdentity identity, String where)
      throws IOException {
    Optional<byte[]> latest = storage.latestCheckpoint();
    if (latest.isEmpty()) {
      return;
    }
    SignedNote note = SignedNote.parse(latest.get());
    String existing = Checkpoint.of(note).origin();
    if (!existing.equals(identity.origin())) {
      throw new LedgerException(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID, "the ledger in " + where
          + " has origin '" + existing + "' but this server would sign as '" + identity.origin()
          + "'; set ledger.origin: " + existing + " (a log keeps its origin for life)");
    }
    // A replica that does not sequence now must be able to take over later: refuse a foreign key at start,
    // not at the first take-over attempt.
    try {
      Checkpoint.verify(note, identity.origin(), List.of(identity.signer().verifier()));
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.RECOVERY_CHECKPOINT_INVALID, "the ledger in " + where
          + " is not signed by this server's key " + identity.vkey() + " (" + e.getMessage() + "); every server"
          + " writing one ledger needs the same keys/" + "server-signing-ed25519.pem", e);
    }
  }

  /** Takes the sequencer lock if free; true when this server now sequences. */
  private synchronized boolean tryToSequence() throws IOException {
    if (sequencer != null) {
      return true;
    }
    if (closed) {
      return false;
    }
    try {
      sequencer = Sequencer.open(storage, identity.signer(), identity.origin(),
          new Sequencer.Options(config.batchWait(), config.maxBatch(), Sequencer.Options.defaults().maxPending()));
    } catch (LedgerException e) {
      if (e.code() == LedgerErrorCode.LOCKED) {
        return false;
      }
      throw e;
    }
    if (handoff.isPresent()) {
      Sequencer taken = sequencer;
      pump = handoff.get().startPump(entries -> {
        List<CompletableFuture<Long>> acks = taken.appendAll(entries);
        acks.forEach(ack -> ack.thenRun(indexer::poke));
        return acks;
      });
      LOG.info("this replica sequences the ledger {}", identity.origin());
    }
    return true;
  }

  private void start() {
    indexer.start();
    long interval = config.witnessInterval().toMillis();
    background.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      if (sequencer == null && !tryToSequence()) {
        return;
      }
      indexer.poke();
      publishCosigned();
    } catch (IOException | RuntimeException e) {
      LOG.warn("ledger background work failed: {}", e.getMessage());
    }
  }

  /** Replaces the configured witnesses (the demo starts its witness after the server). */
  public synchronized void useWitnesses(List<WitnessPublisher.Endpoint> endpoints) {
    witnessHttp.ifPresent(HttpClient::shutdownNow);
    witnessHttp = endpoints.isEmpty() ? Optional.empty()
        : Optional.of(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    witnesses = witnessHttp.map(http -> WitnessPublisher.forEndpoints(endpoints, http, Duration.ofSeconds(10)));
    lastCosigned = "";
  }

  /**
   * Sends the latest checkpoint to the witnesses now and publishes it with the cosignatures received (this also
   * happens every {@code ledger.witness_interval}); returns the checkpoint as published.
   */
  public SignedNote cosignNow() throws IOException {
    if (sequencer == null) {
      throw new LedgerException(LedgerErrorCode.NOT_LOCK_HOLDER, "only the sequencing replica publishes checkpoints");
    }
    publishCosigned();
    return SignedNote.parse(storage.latestCheckpoint().orElseThrow());
  }

  /** Sends the latest checkpoint to the witnesses and publishes it with the cosignatures received. */
  synchronized void publishCosigned() throws IOException {
    if (witnesses.isEmpty()) {
      return;
    }
    byte[] latest = storage.latestCheckpoint().orElse(null);
    if (latest == null) {
      return;
    }
    String body = SignedNote.parse(latest).text();
    if (body.equals(lastCosigned)) {
      return;
    }
    WitnessPublisher.Result result = witnesses.orElseThrow().cosign(latest, storage.tileReader());
    result.failures().forEach((witness, failure) -> LOG.warn("witness {} did not cosign: {}", witness,
        failure.getMessage()));
    if (result.cosignatures() > 0) {
      try {
        storage.publishCosigned(result.checkpoint().format().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        lastCosigned = body;
      } catch (LedgerException e) {
        if (e.code() != LedgerErrorCode.CHECKPOINT_MISMATCH) {
          throw e;
        }
        // A newer checkpoint was published meanwhile: it is cosigned at the next interval.
      }
    }
  }

  /**
   * Appends an entry; completes with its index once durable under a signed checkpoint. On a replica that does not
   * sequence (PostgreSQL), the entry is handed to the one that does.
   */
  public CompletableFuture<Long> append(LedgerEntry entry) {
    return append(entry, false);
  }

  /**
   * Appends an entry nobody waits for (the gateway's {@code gateway.completed}): it does not start a commit of its
   * own but rides with the next one, or is committed alone after a short wait ({@link Sequencer#appendLazily}), so
   * the entries requests do wait for ({@code gateway.decision}) never queue behind a commit made for it.
   */
  public CompletableFuture<Long> appendLazily(LedgerEntry entry) {
    return append(entry, true);
  }

  private CompletableFuture<Long> append(LedgerEntry entry, boolean lazily) {
    byte[] bytes = entry.toCanonicalJson();
    EntryIndexFields fields = EntryIndexFields.of(entry); // here, not on the sequencer thread that completes the ack
    Sequencer current = sequencer;
    CompletableFuture<Long> ack;
    if (current != null) {
      ack = lazily ? current.appendLazily(bytes) : current.append(bytes);
    } else if (handoff.isPresent()) {
      ack = handoff.get().submit(bytes);
    } else {
      throw new LedgerException(LedgerErrorCode.SEQUENCER_CLOSED, "the ledger is not open for writing");
    }
    return ack.whenComplete((index, failure) -> {
      if (index != null) {
        indexer.appended(index, fields);
      } else {
        indexer.poke();
      }
    });
  }

  /** The ledger read as a tlog-tiles tree (the HTTP routes, proofs, the indexer). */
  public LedgerReader reader() {
    return reader;
  }

  /** The admin listener's {@code /ledger/} files. */
  public LedgerHttpHandler.Files files() {
    byte[] vkey = (identity.vkey() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return path -> {
      if (path.equals(LedgerHttpHandler.VKEY)) {
        return vkey.clone();
      }
      if (!path.equals(LedgerReader.CHECKPOINT) && !path.equals(LedgerReader.CHECKPOINT_HISTORY)
          && !published(dev.portcullis.ledger.TilePath.parse(path))) {
        return null; // being written for a checkpoint not yet published: not part of the log yet
      }
      return reader.read(path);
    };
  }

  /** Whether a tile belongs to the tree of the latest published checkpoint (or an earlier one). */
  private boolean published(dev.portcullis.ledger.TilePath path) {
    try {
      long leaves = LedgerStorage.Batch.leavesDetermining(path);
      // the storage holds a committed batch's checkpoint (and serves it) a moment before the sequencer counts it
      return leaves <= size() || leaves <= storage.latestCheckpoint()
          .map(note -> Checkpoint.of(SignedNote.parse(note)).size()).orElse(0L);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }


  public LedgerIdentity identity() {
    return identity;
  }

  /** Whether this server sequences (else it hands entries over). */
  public boolean sequencing() {
    return sequencer != null;
  }

  /** The latest published tree size. */
  public long size() throws IOException {
    Sequencer current = sequencer;
    if (current != null) {
      return current.size();
    }
    return storage.latestCheckpoint().map(note -> Checkpoint.of(SignedNote.parse(note)).size()).orElse(0L);
  }

  /**
   * Waits until every entry acknowledged so far is in the ledger's files, for a reader of the directory in this
   * process (tests): the file-system backend acknowledges once its write-ahead log holds a batch and writes the
   * files just after. PostgreSQL writes everything in the commit.
   */
  public void awaitPublished() throws IOException {
    if (storage instanceof FileSystemLedgerStorage files) {
      files.awaitPublished();
    }
  }

  /**
   * Waits up to {@code timeout} for the index to cover every entry acknowledged so far, and returns either way (a
   * search then answers from the index as it is): what the search route runs first.
   */
  public void awaitIndexedBriefly(Duration timeout) {
    try {
      indexer.awaitIndexed(size(), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException | IOException e) {
      LOG.warn("ledger search: {}; answering from the index as it is", e.getMessage());
    }
  }

  /** Waits until the index covers every entry acknowledged so far (for tests and the demo). */
  public void awaitIndexed(Duration timeout) throws IOException, InterruptedException {
    indexer.awaitIndexed(size(), timeout);
  }

  @Override
  public void close() {
    background.shutdownNow();
    witnessHttp.ifPresent(HttpClient::shutdownNow);
    indexer.close();
    AutoCloseable runningPump;
    Sequencer running;
    synchronized (this) {
      // Waits for a take-over in progress on the background thread, which would otherwise keep the lock.
      closed = true;
      runningPump = pump;
      running = sequencer;
    }
    try {
      if (runningPump != null) {
        runningPump.close();
      }
      if (running != null) {
        running.close();
      }
    } catch (Exception e) {
      LOG.warn("closing the ledger sequencer: {}", e.getMessage());
    }
    if (ownsStorage) {
      try {
        storage.close();
      } catch (IOException e) {
        LOG.warn("closing the ledger storage: {}", e.getMessage());
      }
    }
  }
}
