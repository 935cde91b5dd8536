package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.Hash;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerProofs;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints an inclusion proof (RFC 9162 §2.1.3) of one entry. */
@Command(name = "proof", mixinStandardHelpOptions = true,
    description = "Print the inclusion proof of entry N in the tree of the latest (or a published) checkpoint.",
    footer = {"", "Output: {index, tree_size, leaf_hash, entry, inclusion_proof, checkpoint}; hashes and the entry",
        "in standard base64, the checkpoint as the full signed note. The proof is checked before it is printed."})
final class LedgerProofCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--index", required = true, paramLabel = "N", description = "The entry's index (from 0).")
  long index;

  @Option(names = "--tree-size", paramLabel = "M", description = "A published tree size. Default: the latest.")
  Long treeSize;

  @Option(names = "--json", description = "Print JSON (the default output is JSON too; kept for symmetry).")
  boolean json;

  @Override
  public Integer call() {
    try (LedgerLocation open = location) {
      LedgerProofs proofs = new LedgerProofs(open.reader(), open.keys(spec.commandLine().getErr(), true));
      LedgerProofs.InclusionProof proof = proofs.inclusion(index,
          treeSize == null ? OptionalLong.empty() : OptionalLong.of(treeSize));
      ObjectNode out = LedgerCommand.object();
      out.put("index", proof.index());
      out.put("tree_size", proof.treeSize());
      out.put("leaf_hash", proof.leafHash().base64());
      out.put("entry", Base64.getEncoder().encodeToString(proof.entry()));
      out.set("inclusion_proof", hashes(proof.proof()));
      out.put("checkpoint", proof.checkpoint());
      LedgerCommand.print(spec.commandLine().getOut(), out);
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    }
  }

  static ArrayNode hashes(List<Hash> hashes) {
    ArrayNode array = LedgerCommand.JSON.createArrayNode();
    hashes.forEach(hash -> array.add(hash.base64()));
    return array;
  }
}
