package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerProofs;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a consistency proof (RFC 9162 §2.1.4) between two published checkpoints. */
@Command(name = "consistency", mixinStandardHelpOptions = true,
    description = "Print the consistency proof from the checkpoint of tree size M to that of N (default: the latest).",
    footer = {"", "Output: {old_checkpoint, new_checkpoint, consistency_proof}; checked before it is printed."})
final class LedgerConsistencyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--from", required = true, paramLabel = "M", description = "The earlier published tree size.")
  long from;

  @Option(names = "--to", paramLabel = "N", description = "The later published tree size. Default: the latest.")
  Long to;

  @Option(names = "--json", description = "Print JSON (the default output is JSON too; kept for symmetry).")
  boolean json;

  @Override
  public Integer call() {
    try (LedgerLocation open = location) {
      LedgerProofs proofs = new LedgerProofs(open.reader(), open.keys(spec.commandLine().getErr(), true));
      LedgerProofs.ConsistencyProof proof = proofs.consistency(from, to == null ? OptionalLong.empty() : OptionalLong.of(to));
      ObjectNode out = LedgerCommand.object();
      out.put("old_checkpoint", proof.oldCheckpoint());
      out.put("new_checkpoint", proof.newCheckpoint());
      out.set("consistency_proof", LedgerProofCommand.hashes(proof.proof()));
      LedgerCommand.print(spec.commandLine().getOut(), out);
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    }
  }
}
