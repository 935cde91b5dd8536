package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.LedgerVerifier;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.NoteVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Verifies a whole ledger: every entry, every tile, the checkpoint, its history, witnesses. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify a whole ledger: recompute every leaf and tile, check the checkpoint's signature, its history,"
        + " consistency with a trusted earlier checkpoint and witness cosignatures.",
    footer = {"", "DIR is a ledger directory (DATA_DIR/ledger, or an exported evidence bundle); without it, the",
        "--data-dir or --url ledger. Exit 0 only when everything holds; 3 at the first problem (reported with",
        "the file, the entry and what was expected); 4 when the ledger cannot be read."})
final class LedgerVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "A ledger directory to verify.")
  Path directory;

  @Option(names = "--trusted-checkpoint", paramLabel = "FILE",
      description = "An earlier signed checkpoint you trust; the ledger must be consistent with it.")
  Path trustedCheckpoint;

  @Option(names = "--witness", paramLabel = "VKEY", description = "A witness's cosignature verifier key (repeatable).")
  List<String> witnesses = new ArrayList<>();

  @Option(names = "--min-witnesses", paramLabel = "K", defaultValue = "0",
      description = "How many of the --witness keys must have cosigned the latest checkpoint. Default: all given.")
  int minWitnesses;

  @Option(names = "--threads", paramLabel = "N", description = "Hashing threads. Default: the number of cores.")
  Integer threads;

  @Option(names = "--json", description = "Print JSON: {ok, size, root_hash, entries_checked, problems}.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (LedgerLocation open = location) {
      LedgerReader reader;
      List<NoteVerifier> keys;
      if (directory != null) {
        if (!Files.isDirectory(directory)) {
          throw new CliException(ExitCode.USAGE, directory + ": not a directory");
        }
        reader = LedgerReader.directory(directory);
        keys = keysFor(directory, open);
      } else {
        reader = open.reader();
        keys = open.keys(spec.commandLine().getErr(), json);
      }
      LedgerVerifier.Builder builder = LedgerVerifier.builder(reader, keys).verifyHistory(true)
          .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
      if (trustedCheckpoint != null) {
        builder.trustedCheckpoint(Files.readAllBytes(trustedCheckpoint));
      }
      if (!witnesses.isEmpty()) {
        List<CosignatureVerifier> witnessKeys = new ArrayList<>();
        for (String witness : witnesses) {
          try {
            witnessKeys.add(CosignatureVerifier.parse(witness));
          } catch (NoteException e) {
            throw new CliException(ExitCode.USAGE, "--witness " + witness + ": " + e.getMessage(), e);
          }
        }
        int quorum = minWitnesses == 0 ? witnessKeys.size() : minWitnesses;
        if (quorum > witnessKeys.size()) {
          throw new CliException(ExitCode.USAGE, "--min-witnesses " + quorum + " exceeds the " + witnessKeys.size()
              + " --witness keys given");
        }
        builder.witnesses(witnessKeys, quorum);
      } else if (minWitnesses > 0) {
        throw new CliException(ExitCode.USAGE, "--min-witnesses needs --witness keys");
      }
      LedgerVerifier.Result result = builder.build().verify();
      if (json) {
        ObjectNode node = LedgerCommand.object();
        node.put("ok", result.ok());
        node.put("size", result.size());
        if (result.rootHash() != null) {
          node.put("root_hash", result.rootHash().base64());
        }
        node.put("entries_checked", result.entriesChecked());
        ArrayNode problems = node.putArray("problems");
        for (LedgerVerifier.Problem problem : result.problems()) {
          ObjectNode p = problems.addObject();
          p.put("code", problem.code().name());
          p.put("path", problem.path());
          p.put("index", problem.index());
          p.put("expected", problem.expected());
          p.put("found", problem.found());
          p.put("message", problem.message());
        }
        LedgerCommand.print(out, node);
      } else if (result.ok()) {
        out.println("OK: " + result.size() + " entries, root " + result.rootHash().base64()
            + "; every entry, tile, checkpoint and history record verified");
      } else {
        result.problems().forEach(problem -> out.println("FAILED: " + problem));
      }
      out.flush();
      if (result.ok()) {
        return ExitCode.OK.code();
      }
      boolean unreadable = result.problems().stream().allMatch(p -> p.code() == LedgerErrorCode.READ_FAILED);
      return (unreadable ? ExitCode.UNAVAILABLE : ExitCode.VERIFICATION_FAILED).code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (NoteException e) {
      throw new CliException(ExitCode.VERIFICATION_FAILED, "the trusted checkpoint: " + e.getMessage(), e);
    }
  }

  /** For a directory: --vkey, else its {@code vkey} file (an export bundle's), else the data directory's key. */
  private List<NoteVerifier> keysFor(Path dir, LedgerLocation open) throws IOException {
    if (open.vkey == null && Files.exists(dir.resolve("vkey"))) {
      spec.commandLine().getErr().println("portcullis: note: checking against " + dir.resolve("vkey")
          + " from the bundle itself; give --vkey to check against a key you obtained independently");
      return List.of(NoteVerifier.parse(Files.readString(dir.resolve("vkey"), StandardCharsets.UTF_8).strip()));
    }
    return open.keys(spec.commandLine().getErr(), json);
  }
}
