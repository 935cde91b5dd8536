package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.EntryKind;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Appends entries of one kind, read as JSON objects one per line from standard input. An admin tool: the server
 * appends its own entries. With the server stopped this process sequences them itself; while a server holds the
 * file-system ledger they are handed to its admin API with the data directory's admin token; with PostgreSQL, to
 * whichever replica sequences.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
    description = "Append entries of KIND, one JSON object of its fields per line on stdin; prints {\"index\":…} for each.",
    footer = {"", "Each line holds the kind's fields (docs/LEDGER.md lists them); v, kind and time are added.",
        "Stops at the first line that is not a valid entry (exit 2); lines before it stay appended.",
        "Works on --data-dir: a server running on it (its endpoints.json and admin-token) sequences the entries;",
        "with none running, this process does."})
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
      throw new CliException(ExitCode.USAGE, "append works on the data directory, not --url: a server running on it is"
          + " found through DATA_DIR/endpoints.json and DATA_DIR/admin-token; run it where the data directory is");
    }
    if (EntryKind.known(kind).isEmpty() && !kind.matches(EntryKind.NAME.pattern())) {
      throw new CliException(ExitCode.USAGE, "--kind " + kind + ": not a kind name (known kinds: "
          + String.join(", ", EntryKind.known().stream().map(EntryKind::name).toList()) + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    try (LedgerLocation open = location;
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      try (LedgerAppender appender = new LedgerAppender(open, spec.commandLine().getErr())) {
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          LedgerEntry entry = entry(mapper, line, number);
          long index = appender.append(entry);
          out.println("{\"index\":" + index + "}");
          out.flush();
        }
      }
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
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
}
