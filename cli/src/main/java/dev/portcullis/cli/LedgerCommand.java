package dev.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis ledger}: the tamper-evident ledger's keys, checkpoints, proofs, search, verification, export. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Read, prove, search, verify and export the tamper-evident ledger.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      LedgerKeyCommand.class,
      LedgerCheckpointCommand.class,
      LedgerAppendCommand.class,
      LedgerProofCommand.class,
      LedgerConsistencyCommand.class,
      LedgerSearchCommand.class,
      LedgerVerifyCommand.class,
      LedgerExportCommand.class,
      LedgerReindexCommand.class
    },
    footer = {
      "",
      "Every command works offline on --data-dir (the server's DATA_DIR) or against a running server",
      "with --url, and prints JSON with --json. Exit codes: 0 ok, 1 findings, 2 usage, 3 verification",
      "failed, 4 unavailable. Documentation: docs/LEDGER.md, docs/CLI.md"
    })
final class LedgerCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints one JSON document. */
  static void print(PrintWriter out, ObjectNode node) {
    out.println(node.toPrettyString());
    out.flush();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static CommandLine commandLine(CommandSpec spec) {
    return spec.commandLine();
  }
}
