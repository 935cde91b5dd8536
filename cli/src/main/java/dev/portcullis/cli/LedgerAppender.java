package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.server.broker.LedgerAdminHandler;
import dev.portcullis.server.ledger.LedgerIdentity;
import dev.portcullis.server.ledger.LedgerIndexer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Appends entries to the data directory's ledger from a CLI command that records its own work ({@code certs
 * rotate}, {@code ledger append}): this process sequences when it can take the lock (the file-system ledger with the
 * server stopped, or PostgreSQL with no sequencing replica); with PostgreSQL and a running replica it hands the
 * entries to that replica through the database; with the file-system ledger held by a running server it hands them
 * to that server's admin API ({@code POST /admin/ledger/entries} with the data directory's admin token). On close,
 * indexes what it sequenced itself (a server indexes what it sequences).
 */
final class LedgerAppender implements AutoCloseable {
  private final LedgerLocation location;
  private final PrintWriter err;
  private final LedgerStorage storage;
  private final boolean ownsStorage;
  private final Sequencer sequencer;
  /** The admin API of the server that holds the file-system ledger's lock, when it does. */
  private AdminClient server;
  private boolean appended;

  LedgerAppender(LedgerLocation location, PrintWriter err) {
    this.location = location;
    this.err = err;
    LedgerIdentity identity = location.localIdentity();
    LedgerStorage opened = null;
    Sequencer sequencing = null;
    boolean owns = !location.postgresql();
    try {
      opened = location.postgresql() ? location.store().ledgerStorage()
          : FileSystemLedgerStorage.open(location.ledgerDirectory());
      sequencing = Sequencer.open(opened, identity.signer(), identity.origin(), Sequencer.Options.defaults());
    } catch (LedgerException e) {
      closeQuietly(owns ? opened : null);
      if (e.code() != LedgerErrorCode.LOCKED) {
        throw LedgerLocation.failure(e);
      }
      opened = null;
      sequencing = null;
      if (!location.postgresql()) {
        server = runningServer(location, e);
      }
    } catch (IOException e) {
      closeQuietly(owns ? opened : null);
      throw new CliException(ExitCode.UNAVAILABLE, "cannot open the ledger: " + e.getMessage(), e);
    }
    this.storage = opened;
    this.ownsStorage = owns && opened != null;
    this.sequencer = sequencing;
  }

  /** Appends {@code entry} and returns its index once durable. */
  long append(LedgerEntry entry) {
    byte[] bytes = entry.toCanonicalJson();
    if (sequencer != null) {
      try {
        long index = sequencer.append(bytes).join();
        appended = true;
        return index;
      } catch (CompletionException e) {
        throw e.getCause() instanceof LedgerException ledger ? ledger : e;
      }
    }
    if (server != null) {
      JsonNode answer = server.postBytes(LedgerAdminHandler.PATH, bytes);
      if (!answer.path("index").canConvertToLong()) {
        throw new CliException(ExitCode.UNAVAILABLE, "POST " + LedgerAdminHandler.PATH + " answered without an index: " + answer);
      }
      return answer.path("index").asLong();
    }
    try {
      return location.store().ledgerHandoff().submit(bytes).get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "no replica sequenced the entry within 60 s; is a server running?");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof LedgerException ledger ? ledger
          : new CliException(ExitCode.UNAVAILABLE, e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
    }
  }

  @Override
  public void close() {
    try {
      if (sequencer != null) {
        sequencer.close();
      }
    } catch (IOException | RuntimeException e) {
      err.println("portcullis: warning: closing the ledger: " + e.getMessage());
    } finally {
      if (ownsStorage) {
        closeQuietly(storage);
      }
    }
    if (appended) {
      try {
        new LedgerIndexer(location.reader(), location.store().ledgerIndex()).catchUp();
      } catch (RuntimeException e) {
        err.println("portcullis: warning: the entries are in the ledger but the search index was not updated ("
            + e.getMessage() + "); run `portcullis ledger reindex`");
      }
    }
  }

  /**
   * The admin API of the running server that holds the file-system ledger (its {@code endpoints.json} and {@code
   * admin-token} in the data directory): the entries are handed to it, and it sequences and indexes them.
   */
  private static AdminClient runningServer(LedgerLocation location, LedgerException locked) {
    Path endpoints = location.dataDir.resolve("endpoints.json");
    Path tokenFile = location.dataDir.resolve(AdminAccess.TOKEN_FILE);
    if (!Files.isRegularFile(endpoints) || !Files.isRegularFile(tokenFile)) {
      throw new CliException(ExitCode.UNAVAILABLE, locked.getMessage() + "; another process holds the ledger and no"
          + " running server's " + (Files.isRegularFile(endpoints) ? tokenFile : endpoints) + " was found to hand the"
          + " entries to: stop that process, or let the server finish starting", locked);
    }
    AdminAccess access = new AdminAccess();
    access.location = new ServerLocation();
    access.location.dataDir = location.dataDir;
    return access.client();
  }

  private static void closeQuietly(LedgerStorage storage) {
    if (storage != null) {
      try {
        storage.close();
      } catch (IOException | RuntimeException e) {
        // already failing; the first error is the one reported
      }
    }
  }
}
