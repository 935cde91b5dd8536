package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.deploy.gate.DeployGatekeeper;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerProofs;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy show ID}: one deployment's whole story from the ledger, every entry of it proved.
 *
 * <p>Design note: the story is the entries whose {@code deployment_id} is ID ({@code deploy.requested}, {@code
 * deploy.completed}) and the {@code approval.*} entries of the approvals they name (searched in the same org from
 * {@link #APPROVAL_LOOKBACK} before the first deployment entry: an approval is used within its validity, at most
 * {@link DeployGatekeeper#MAX_APPROVAL_VALIDITY}, of being asked for). Nothing is printed that was not proved: each entry gets an inclusion
 * proof (RFC 9162 §2.1.3) against the latest signed checkpoint, checked with the log's key ({@link LedgerProofs}),
 * and the proved bytes must be the entry the search returned. The proof of the {@code deploy.completed} entry (or
 * of the {@code deploy.requested} one, if the deployment never ran) is printed in full so that anyone can check it
 * again ({@code ledger proof}'s format).
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Tell one deployment's story from the ledger (who, what, when, which commit, approvers, result), proved.",
    footer = {"", "Every entry shown is proved to be in the ledger's latest signed checkpoint (checked with --vkey, else",
        "the log's own key). Exit 0 shown, 1 no such deployment, 3 a proof failed, 4 unavailable or not yet in a",
        "checkpoint."})
final class DeployShowCommand implements Callable<Integer> {
  /**
   * How far before the deployment's first entry its approval's entries are looked for: the longest validity an
   * approval can have, and a day for clocks and a deployment held while its approvers voted.
   */
  static final Duration APPROVAL_LOOKBACK = DeployGatekeeper.MAX_APPROVAL_VALIDITY.plusDays(1);
  private static final Set<String> SKIPPED = Set.of("v", "kind", "time");

  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Parameters(index = "0", paramLabel = "ID", description = "The deployment (dpl_…, from `deploy history`).")
  String id;

  @Option(names = "--json", description = "Print JSON: {deployment_id, entries, approval_entries, proof}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (LedgerLocation open = location) {
      List<JsonNode> entries = DeployHistoryCommand.list(LedgerSearch.of(null, null, id, null).all(open));
      if (entries.isEmpty()) {
        spec.commandLine().getErr().println("portcullis: the ledger has no entries of deployment " + Printable.of(id));
        return ExitCode.DENIED.code();
      }
      List<JsonNode> approvals = approvalEntries(open, entries);
      LedgerProofs proofs = new LedgerProofs(open.reader(), open.keys(spec.commandLine().getErr(), false));
      JsonNode target = DeploymentEntries.proved(entries);
      if (target == null) {
        target = entries.getLast();
      }
      LedgerProofs.InclusionProof main = null;
      List<JsonNode> all = new ArrayList<>(entries);
      all.addAll(approvals);
      for (JsonNode entry : all) {
        LedgerProofs.InclusionProof proof = prove(proofs, entry);
        if (entry == target) {
          main = proof;
        }
      }
      if (json) {
        ObjectNode result = LedgerCommand.object();
        result.put("deployment_id", id);
        result.set("entries", array(entries));
        result.set("approval_entries", array(approvals));
        result.set("proof", proofJson(main));
        LedgerCommand.print(out, result);
        return ExitCode.OK.code();
      }
      story(out, entries, approvals);
      out.println();
      out.println("Proof: entry " + main.index() + " (" + Printable.of(target.path("kind").asText()) + ") is in the"
          + " ledger's tree of size " + main.treeSize() + " (RFC 9162 inclusion proof of " + main.proof().size()
          + " hashes, checked against the signed checkpoint " + origin(main.checkpoint()) + "); all "
          + all.size() + " entries above are proved the same way");
      out.println("  leaf hash " + main.leafHash().base64());
      for (String line : main.checkpoint().split("\n")) {
        out.println("  | " + Printable.of(line));
      }
      out.flush();
      return ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (StoreException e) {
      throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot read the ledger: " + e.getMessage(), e);
    }
  }

  private List<JsonNode> approvalEntries(LedgerLocation open, List<JsonNode> entries) throws IOException {
    List<String> ids = DeploymentEntries.approvalIds(entries);
    if (ids.isEmpty()) {
      return List.of();
    }
    String org = entries.getFirst().path("org").asText(entries.getFirst().path("entry").path("org").asText(null));
    Instant from = Instant.parse(entries.getFirst().path("time").asText()).minus(APPROVAL_LOOKBACK);
    List<JsonNode> candidates = new ArrayList<>();
    for (String kind : List.of("approval.requested", "approval.voted", "approval.used")) {
      candidates.addAll(DeployHistoryCommand.list(LedgerSearch.of(kind, org, null, from).all(open)));
    }
    List<JsonNode> found = new ArrayList<>();
    for (String approval : ids) {
      found.addAll(DeploymentEntries.ofApproval(candidates, approval));
    }
    return found;
  }

  /** Proves {@code entry} and checks that the proved bytes are the entry the search gave. */
  private static LedgerProofs.InclusionProof prove(LedgerProofs proofs, JsonNode entry) throws IOException {
    long index = entry.path("index").asLong();
    if (!entry.has("entry")) {
      throw new CliException(ExitCode.UNAVAILABLE, "entry " + index + " (" + Printable.of(entry.path("kind").asText())
          + ") is not yet in a signed checkpoint; try again in a moment");
    }
    LedgerProofs.InclusionProof proof = proofs.inclusion(index, OptionalLong.empty());
    JsonNode proved = LedgerCommand.JSON.readTree(new String(proof.entry(), StandardCharsets.UTF_8));
    if (!proved.equals(entry.get("entry"))) {
      throw new CliException(ExitCode.VERIFICATION_FAILED, "entry " + index + " as searched differs from entry "
          + index + " as proved in the ledger: the search index or the server is not telling the truth");
    }
    return proof;
  }

  private static ObjectNode proofJson(LedgerProofs.InclusionProof proof) {
    ObjectNode node = LedgerCommand.object();
    node.put("index", proof.index());
    node.put("tree_size", proof.treeSize());
    node.put("leaf_hash", proof.leafHash().base64());
    node.put("entry", Base64.getEncoder().encodeToString(proof.entry()));
    node.set("inclusion_proof", LedgerProofCommand.hashes(proof.proof()));
    node.put("checkpoint", proof.checkpoint());
    return node;
  }

  private static String origin(String checkpoint) {
    try {
      return Printable.quoted(Checkpoint.of(SignedNote.parse(checkpoint.getBytes(StandardCharsets.UTF_8))).origin());
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.CHECKPOINT_INVALID, "the proved checkpoint does not parse: "
          + e.getMessage(), e);
    }
  }

  private static ArrayNode array(List<JsonNode> nodes) {
    ArrayNode array = LedgerCommand.JSON.createArrayNode();
    array.addAll(nodes);
    return array;
  }

  /** The summary (who, what, when, approvers, decision, result), then each entry with all its fields. */
  private void story(PrintWriter out, List<JsonNode> entries, List<JsonNode> approvals) {
    JsonNode requested = null;
    JsonNode completed = null;
    for (JsonNode e : entries) {
      switch (e.path("kind").asText()) {
        case DeploymentEntries.REQUESTED -> requested = e.path("entry");
        case DeploymentEntries.COMPLETED -> completed = e.path("entry");
        default -> { }
      }
    }
    JsonNode first = requested != null ? requested : completed != null ? completed : entries.getFirst().path("entry");
    JsonNode last = completed != null ? completed : first;
    JsonNode proved = DeploymentEntries.proved(entries);
    out.println("Deployment " + Printable.of(id) + " to " + DeploymentEntries.text(first, "org")
        + (first.has("environment") ? " (" + DeploymentEntries.text(first, "environment") + ")" : "") + ": "
        + DeploymentEntries.status(proved != null ? proved : entries.getLast()));
    out.println("  who      " + DeploymentEntries.text(first, "actor") + " via " + DeploymentEntries.text(first, "via")
        + ", session " + DeploymentEntries.text(first, "session") + ", issuer " + DeploymentEntries.text(first, "issuer"));
    out.println("  from     " + DeploymentEntries.text(first, "repository") + " @ "
        + DeploymentEntries.text(first, "commit") + " (branch " + DeploymentEntries.text(first, "branch") + "), run "
        + DeploymentEntries.text(first, "run") + ", job " + DeploymentEntries.text(first, "job"));
    out.println("  what     package " + DeploymentEntries.text(first, "package_sha256") + ", "
        + DeploymentEntries.components(last) + ", test level " + DeploymentEntries.text(first, "test_level")
        + ", check-only " + DeploymentEntries.text(first, "check_only") + ", destructive "
        + DeploymentEntries.text(first, "destructive"));
    out.println("  decision " + DeploymentEntries.text(first, "effect") + " (" + DeploymentEntries.text(first, "decision")
        + ") by rules " + DeploymentEntries.text(first, "rules") + ": " + DeploymentEntries.text(first, "reason"));
    out.println("  approval " + DeploymentEntries.text(last.has("approval") ? last : first, "approval")
        + ", approvers " + DeploymentEntries.text(last, "approvers"));
    if (completed != null) {
      out.println("  result   " + DeploymentEntries.text(completed, "outcome") + ", Salesforce deploy "
          + DeploymentEntries.text(completed, "salesforce_deploy_id") + " " + DeploymentEntries.text(completed, "status")
          + ", " + DeploymentEntries.text(completed, "started") + " to " + DeploymentEntries.text(completed, "completed"));
      out.println("  tests    " + DeploymentEntries.text(completed, "tests_run") + " run, "
          + DeploymentEntries.text(completed, "test_failures") + " failed, coverage "
          + DeploymentEntries.text(completed, "coverage_percent") + "%, component errors "
          + DeploymentEntries.text(completed, "component_errors"));
    } else {
      out.println("  result   not run (no deploy.completed entry)");
    }
    out.println();
    out.println("Entries");
    List<JsonNode> all = new ArrayList<>(entries);
    all.addAll(approvals);
    all.sort((a, b) -> Long.compare(a.path("index").asLong(), b.path("index").asLong()));
    for (JsonNode e : all) {
      out.println("  " + e.path("index").asLong() + "  " + Printable.of(e.path("time").asText()) + "  "
          + Printable.of(e.path("kind").asText()));
      Set<String> names = new LinkedHashSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = e.path("entry").properties().iterator(); it.hasNext(); ) {
        String name = it.next().getKey();
        if (!SKIPPED.contains(name)) {
          names.add(name);
        }
      }
      for (String name : names) {
        out.println("      " + Printable.of(name) + ": " + DeploymentEntries.text(e.path("entry"), name));
      }
    }
  }
}
