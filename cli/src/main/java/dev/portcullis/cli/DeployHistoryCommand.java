package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy history}: the deployments to an org as the ledger records them, newest first: every
 * {@code deploy.completed}, and every {@code deploy.requested} that policy denied or held.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "List the deployments to an org from the ledger: who deployed what, when, approved by whom.",
    footer = {"", "One line each: time, deployment id, status, actor, commit, branch, approvers, components.",
        "Reads the ledger offline (--data-dir) or a running server's /ledger-search (--url). `deploy show ID`",
        "tells one deployment's whole story with its inclusion proof."})
final class DeployHistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--org", required = true, paramLabel = "ALIAS", description = "The org.")
  String org;

  @Option(names = "--since", paramLabel = "TIME|DURATION", defaultValue = "30d",
      description = "From this RFC 3339 UTC time, or this long ago (30d, 12h, 90m). Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--json", description = "Print JSON: {\"deployments\": [{index, kind, time, …, status, entry}]}.")
  boolean json;

  @Override
  public Integer call() {
    Instant from = DeploymentEntries.since("--since", since, Instant.now());
    try (LedgerLocation open = location) {
      List<JsonNode> completed = list(LedgerSearch.of(DeploymentEntries.COMPLETED, org, null, from).all(open));
      List<JsonNode> requested = list(LedgerSearch.of(DeploymentEntries.REQUESTED, org, null, from).all(open));
      List<JsonNode> rows = DeploymentEntries.history(completed, requested);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = LedgerCommand.object();
        ArrayNode deployments = result.putArray("deployments");
        for (JsonNode row : rows) {
          ObjectNode copy = ((ObjectNode) row).deepCopy();
          copy.put("status", DeploymentEntries.status(row));
          deployments.add(copy);
        }
        LedgerCommand.print(out, result);
        return ExitCode.OK.code();
      }
      if (rows.isEmpty()) {
        out.println("no deployments to " + Printable.of(org) + " since " + from);
      }
      rows.forEach(row -> out.println(DeploymentEntries.historyLine(row)));
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

  static List<JsonNode> list(ArrayNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }
}
