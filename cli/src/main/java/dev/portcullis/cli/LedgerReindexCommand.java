package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.server.ledger.LedgerIndexer;
import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.StoreException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Rebuilds the store's search index from the ledger. */
@Command(name = "reindex", mixinStandardHelpOptions = true,
    description = "Rebuild the store's search index from the ledger (the ledger is the source; the index is derived).",
    footer = {"", "Offline (--data-dir). Safe while the server runs: the server's indexer writes the same rows."})
final class LedgerReindexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--json", description = "Print JSON: {size, indexed, skipped}.")
  boolean json;

  @Override
  public Integer call() {
    if (location.remote()) {
      throw new CliException(ExitCode.USAGE, "reindex writes the store: run it with --data-dir where the server runs");
    }
    try (LedgerLocation open = location) {
      LedgerIndexRepository index = open.store().ledgerIndex();
      index.clear();
      LedgerIndexer.Outcome outcome = new LedgerIndexer(open.reader(), index).catchUp();
      if (json) {
        ObjectNode node = LedgerCommand.object();
        node.put("size", outcome.size());
        node.put("indexed", outcome.indexed());
        node.put("skipped", outcome.skipped());
        LedgerCommand.print(spec.commandLine().getOut(), node);
      } else {
        spec.commandLine().getOut().println("indexed " + outcome.indexed() + " of " + outcome.size() + " entries"
            + (outcome.skipped() > 0 ? " (" + outcome.skipped() + " are not Portcullis entries)" : ""));
      }
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (StoreException e) {
      throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
    }
  }
}
