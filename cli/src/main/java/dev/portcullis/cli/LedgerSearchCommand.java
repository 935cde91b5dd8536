package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Finds entries through the store's index and prints each with its index and its bytes from the ledger. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Find ledger entries by kind, org, actor, session, commit, deployment id and time.",
    footer = {"", "Uses the index in the store (rebuild it with `portcullis ledger reindex`); each entry printed is",
        "read back from the ledger itself. With --url, the server's /ledger-search answers. Exit 1 when nothing matched."})
final class LedgerSearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--kind", paramLabel = "KIND") String kind;
  @Option(names = "--org", paramLabel = "ORG") String org;
  @Option(names = "--actor", paramLabel = "ACTOR") String actor;
  @Option(names = "--session", paramLabel = "ID") String session;
  @Option(names = "--commit", paramLabel = "SHA") String commit;
  @Option(names = "--deployment", paramLabel = "ID") String deployment;

  @Option(names = "--since", paramLabel = "TIME", description = "Entries at or after this RFC 3339 UTC time.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Entries before this RFC 3339 UTC time.")
  String until;

  @Option(names = "--after-index", paramLabel = "N", defaultValue = "-1", description = "Only entries after index N (paging).")
  long afterIndex;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N entries (1..10000). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--json", description = "Print JSON: {\"entries\": [{index, kind, …, entry}]}.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (limit < 1 || limit > LedgerIndexRepository.Query.MAX_LIMIT) {
      throw new CliException(ExitCode.USAGE, "--limit must be 1 to " + LedgerIndexRepository.Query.MAX_LIMIT);
    }
    try (LedgerLocation open = location) {
      ArrayNode entries = new LedgerSearch(kind, org, actor, session, commit, deployment, time("--since", since),
          time("--until", until), afterIndex, limit).run(open);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = LedgerCommand.object();
        result.set("entries", entries);
        LedgerCommand.print(out, result);
      } else {
        for (JsonNode node : entries) {
          out.println(node.path("index").asLong() + "\t" + node.path("time").asText() + "\t" + node.path("kind").asText()
              + "\t" + (node.has("entry") ? node.get("entry").toString() : "(not yet in the ledger's latest checkpoint)"));
        }
        out.flush();
      }
      return entries.isEmpty() ? ExitCode.DENIED.code() : ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (StoreException e) {
      throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  static Instant time(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.USAGE, option + " " + value + ": not an RFC 3339 UTC time such as"
          + " 2026-11-28T09:30:00Z");
    }
  }
}
