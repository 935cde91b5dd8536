package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerProofs;
import dev.portcullis.ledger.SignedNote;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the latest signed checkpoint, after checking its signature. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note), checked with the log key.")
final class LedgerCheckpointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--json", description = "Print JSON: origin, size, root_hash, note.")
  boolean json;

  @Option(names = "--tree-size", paramLabel = "N", description = "The checkpoint published for this tree size instead.")
  Long treeSize;

  @Override
  public Integer call() {
    try (LedgerLocation open = location) {
      LedgerProofs proofs = new LedgerProofs(open.reader(), open.keys(spec.commandLine().getErr(), true));
      SignedNote note = treeSize == null ? proofs.latest() : proofs.checkpoint(treeSize);
      if (json) {
        Checkpoint checkpoint = Checkpoint.of(note);
        ObjectNode out = LedgerCommand.object();
        out.put("origin", checkpoint.origin());
        out.put("size", checkpoint.size());
        out.put("root_hash", Base64.getEncoder().encodeToString(checkpoint.rootHash()));
        out.put("note", note.format());
        LedgerCommand.print(spec.commandLine().getOut(), out);
      } else {
        spec.commandLine().getOut().print(note.format());
        spec.commandLine().getOut().flush();
      }
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    }
  }
}
