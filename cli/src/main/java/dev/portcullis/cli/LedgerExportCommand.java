package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a self-contained evidence bundle that verifies offline. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write an evidence bundle to OUT: the whole tiled log, its checkpoints, the vkey, the selected"
        + " entries with their inclusion proofs, and a README on verifying it with standard tools.",
    footer = {"", "Entries are selected by their time (--since inclusive, --until exclusive, RFC 3339 UTC).",
        "OUT must not exist or be empty. The bundle is verified before it is put in place."})
final class LedgerExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--since", paramLabel = "TIME", description = "Entries at or after this time.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Entries before this time.")
  String until;

  @Option(names = "--json", description = "Print JSON: {directory, size, root_hash, entries_exported}.")
  boolean json;

  @Parameters(index = "0", paramLabel = "OUT", description = "The bundle's directory.")
  Path out;

  @Override
  public Integer call() {
    requireEmpty(out);
    Instant from = LedgerSearchCommand.time("--since", since);
    Instant to = LedgerSearchCommand.time("--until", until);
    Predicate<byte[]> selected = bytes -> {
      Instant time;
      try {
        time = LedgerEntry.parse(bytes).time();
      } catch (LedgerException e) {
        return false; // not a Portcullis entry: it has no time to select by (it stays in the tiles)
      }
      return (from == null || !time.isBefore(from)) && (to == null || time.isBefore(to));
    };
    try (LedgerLocation open = location) {
      LedgerExport.Summary summary = LedgerExport.exportMatching(open.reader(), out, selected,
          open.keys(spec.commandLine().getErr(), json));
      if (json) {
        ObjectNode node = LedgerCommand.object();
        node.put("directory", summary.directory().toString());
        node.put("size", summary.size());
        node.put("root_hash", summary.rootHash().base64());
        node.put("entries_exported", summary.entriesExported());
        LedgerCommand.print(spec.commandLine().getOut(), node);
      } else {
        spec.commandLine().getOut().println("exported " + summary.entriesExported() + " entries (of " + summary.size()
            + ") to " + summary.directory() + "; verify with: portcullis ledger verify " + summary.directory()
            + " --vkey '" + open.identityVkey() + "'");
      }
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    }
  }

  /** A usage error, before anything is read: OUT must be new or an empty directory. */
  private static void requireEmpty(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new CliException(ExitCode.USAGE, out + ": exists and is not a directory; give a new or empty directory");
    }
    try (Stream<Path> children = Files.list(out)) {
      if (children.findAny().isPresent()) {
        throw new CliException(ExitCode.USAGE, out + ": not empty; give a new or empty directory (an export never"
            + " overwrites)");
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, out + ": cannot list: " + e.getMessage(), e);
    }
  }
}
