package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.EntryKind;
import dev.portcullis.ledger.FileSystemLedgerStorage;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.Sequencer;
import dev.portcullis.server.ledger.LedgerIdentity;
import dev.portcullis.server.ledger.LedgerIndexer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Appends entries of one kind, read as JSON objects one per line from standard input. An admin tool: the server
 * appends its own entries. It needs the ledger's sequencer: on the file system, the server must be stopped (the
 * lock file says so); with PostgreSQL, the entries are handed to whichever replica sequences.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
    description = "Append entries of KIND, one JSON object of its fields per line on stdin; prints {\"index\":…} for each.",
    footer = {"", "Each line holds the kind's fields (docs/LEDGER.md lists them); v, kind and time are added.",
        "Stops at the first line that is not a valid entry (exit 2); lines before it stay appended.",
        "Offline only (--data-dir): with the file-system ledger, stop the server first."})
final class LedgerAppendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--kind", required = true, paramLabel = "KIND", description = "The entries' kind, e.g. admin.note.")
  String kind;

  @Option(names = "--json", description = "Print JSON (the default output is JSON too; kept for symmetry).")
  boolean json;

  InputStream in = System.in;
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    if (location.remote()) {
      throw new CliException(ExitCode.USAGE, "append works on the data directory, not --url: the admin API takes no"
          + " writes; run it where the server's data directory is");
    }
    if (EntryKind.known(kind).isEmpty() && !kind.matches(EntryKind.NAME.pattern())) {
      throw new CliException(ExitCode.USAGE, "--kind " + kind + ": not a kind name (known kinds: "
          + String.join(", ", EntryKind.known().stream().map(EntryKind::name).toList()) + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    try (LedgerLocation open = location;
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      LedgerIdentity identity = open.localIdentity();
      boolean sequenced = false;
      try (Appender appender = appender(open, identity)) {
        sequenced = appender instanceof SequencerAppender;
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          LedgerEntry entry = entry(mapper, line, number);
          long index = appender.append(entry.toCanonicalJson());
          out.println("{\"index\":" + index + "}");
          out.flush();
        }
      } finally {
        if (sequenced) {
          updateIndex(open);
        }
      }
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    }
  }

  /**
   * Indexes what this process sequenced, as the server's indexer would have: the server is stopped (file system)
   * or this process held the sequencer lock (PostgreSQL), so nobody else indexes these entries now. The entries
   * are durable already; a failure here only leaves the index behind, which {@code ledger reindex} repairs.
   */
  private void updateIndex(LedgerLocation open) {
    try {
      new LedgerIndexer(open.reader(), open.store().ledgerIndex()).catchUp();
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("portcullis: warning: the entries are in the ledger but the search index"
          + " was not updated (" + e.getMessage() + "); run `portcullis ledger reindex`");
    }
  }

  /** This process sequences if it can take the lock; with PostgreSQL it otherwise hands entries to the one that does. */
  private static Appender appender(LedgerLocation open, LedgerIdentity identity) throws IOException {
    try {
      return new SequencerAppender(open, identity);
    } catch (LedgerException e) {
      if (e.code() != dev.portcullis.ledger.LedgerErrorCode.LOCKED) {
        throw e;
      }
      if (!open.postgresql()) {
        throw new CliException(ExitCode.UNAVAILABLE, e.getMessage()
            + "; a running server holds the ledger: stop it to append with this tool", e);
      }
      return new HandoffAppender(open);
    }
  }

  @SuppressWarnings("unchecked")
  private LedgerEntry entry(ObjectMapper mapper, String line, int number) {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCode.USAGE, "stdin line " + number + ": not JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new CliException(ExitCode.USAGE, "stdin line " + number + ": not a JSON object");
    }
    for (String envelope : EntryKind.ENVELOPE) {
      if (object.has(envelope)) {
        throw new CliException(ExitCode.USAGE, "stdin line " + number + ": '" + envelope
            + "' is set by the ledger; give only the kind's fields");
      }
    }
    try {
      return LedgerEntry.of(kind, clock.instant(), mapper.convertValue(object, Map.class));
    } catch (LedgerException e) {
      throw new CliException(ExitCode.USAGE, "stdin line " + number + ": " + e.getMessage(), e);
    }
  }

  /** Where appended entries go. */
  private interface Appender extends AutoCloseable {
    long append(byte[] entry);

    @Override
    void close() throws IOException;
  }

  /** The file-system ledger: this process becomes its sequencer for the duration. */
  private static final class SequencerAppender implements Appender {
    private final LedgerStorage storage;
    private final boolean ownsStorage;
    private final Sequencer sequencer;

    SequencerAppender(LedgerLocation location, LedgerIdentity identity) throws IOException {
      this.storage = location.postgresql() ? location.store().ledgerStorage()
          : FileSystemLedgerStorage.open(location.ledgerDirectory());
      this.ownsStorage = !location.postgresql();
      try {
        this.sequencer = Sequencer.open(storage, identity.signer(), identity.origin(), Sequencer.Options.defaults());
      } catch (IOException | RuntimeException e) {
        if (ownsStorage) {
          storage.close();
        }
        throw e;
      }
    }

    @Override
    public long append(byte[] entry) {
      try {
        return sequencer.append(entry).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof LedgerException ledger ? ledger : e;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        sequencer.close();
      } finally {
        if (ownsStorage) {
          storage.close();
        }
      }
    }
  }

  /** The PostgreSQL ledger: entries are handed to the replica that sequences. */
  private static final class HandoffAppender implements Appender {
    private final LedgerLocation location;

    HandoffAppender(LedgerLocation location) {
      this.location = location;
    }

    @Override
    public long append(byte[] entry) {
      try {
        return location.store().ledgerHandoff().submit(entry).get(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new CliException(ExitCode.UNAVAILABLE, "no replica sequenced the entry within 60 s; is a server running?");
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof LedgerException ledger ? ledger
            : new CliException(ExitCode.UNAVAILABLE, e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
      }
    }

    @Override
    public void close() {
      // the store is closed with the location
    }
  }
}
