package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.deploy.drift.DeploymentWindow;
import dev.portcullis.deploy.drift.DriftCheck;
import dev.portcullis.deploy.drift.SetupAuditTrailRow;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.rest.RestClient;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy drift}: the org's Setup Audit Trail against the ledgered deployments to it; the setup
 * changes no deployment explains are drift (changes by hand). The logic is {@link DriftCheck}'s.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
    description = "List setup changes in an org that no ledgered deployment explains (changes made by hand).",
    footer = {"", "Reads SetupAuditTrail through the REST API (--instance-url / $SF_INSTANCE_URL with the session in",
        "$SF_ACCESS_TOKEN, e.g. from `portcullis login --scope api`) and the deploy.completed entries of the ledger",
        "(--data-dir or --url). A change is explained when it was made while a deployment ran (from its start to its",
        "completion, widened by --slack-seconds on each side). Exit 0 no drift, 1 drift found, 2 usage, 4",
        "unavailable. Documentation: docs/DEPLOY.md"})
final class DeployDriftCommand implements Callable<Integer> {
  @ParentCommand DeployCommand deploy;
  @Spec CommandSpec spec;
  @Mixin OrgAccess orgAccess;
  @Mixin LedgerLocation location;

  @Option(names = "--org", required = true, paramLabel = "ALIAS", description = "The org (as the ledger names it).")
  String org;

  @Option(names = "--since", paramLabel = "TIME|DURATION", defaultValue = "30d",
      description = "From this RFC 3339 UTC time, or this long ago (30d, 12h, 90m; Setup Audit Trail keeps 180 days)."
          + " Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--slack-seconds", paramLabel = "N", defaultValue = "120",
      description = "Widen each deployment's window by this much on both sides. Default: ${DEFAULT-VALUE}.")
  long slackSeconds;

  @Option(names = "--json", description = "Print JSON: {org, since, explained, drift: [{id, created_date, …}]}.")
  boolean json;

  @Override
  public Integer call() {
    if (slackSeconds < 0 || slackSeconds > 86_400) {
      throw new CliException(ExitCode.USAGE, "--slack-seconds must be 0 to 86400");
    }
    Duration slack = Duration.ofSeconds(slackSeconds);
    Instant from = DeploymentEntries.since("--since", since, Instant.now());
    PrintWriter err = spec.commandLine().getErr();
    OrgAccess.Connection connection = orgAccess.connection(deploy.main.environment());
    List<DeploymentWindow> windows = windows(from.minus(slack), err);
    List<SetupAuditTrailRow> rows = new ArrayList<>();
    try (HttpClient http = orgAccess.httpClient()) {
      RestClient rest = new RestClient(connection.url(), connection::session, http);
      for (JsonNode record : rest.queryAllPages(SetupAuditTrailRow.soql(from))) {
        rows.add(SetupAuditTrailRow.fromRecord(record));
      }
    } catch (SalesforceException e) {
      throw new CliException(e.code().isTransient() || e.code() == SalesforceErrorCode.PROTOCOL_BAD_RESPONSE
          ? ExitCode.UNAVAILABLE : ExitCode.USAGE, "cannot read SetupAuditTrail: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "the org answered a malformed row: " + e.getMessage(), e);
    }
    DriftCheck.Result result = DriftCheck.withSlack(slack).check(rows, windows);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("org", org);
      node.put("since", from.toString());
      node.put("slack_seconds", slackSeconds);
      node.put("deployments", windows.size());
      node.put("explained", result.explained());
      ArrayNode drift = node.putArray("drift");
      for (SetupAuditTrailRow row : result.drift()) {
        ObjectNode r = drift.addObject();
        r.put("id", row.id());
        r.put("created_date", row.createdDate().toString());
        r.put("created_by", row.createdBy());
        r.put("delegate_user", row.delegateUser());
        r.put("section", row.section());
        r.put("action", row.action());
        r.put("display", row.display());
      }
      LedgerCommand.print(out, node);
    } else if (!result.hasDrift()) {
      out.println("no drift in " + Printable.of(org) + " since " + from + ": " + result.explained()
          + " setup change(s), all made while one of " + windows.size() + " ledgered deployment(s) ran");
    } else {
      out.println(result.drift().size() + " setup change(s) in " + Printable.of(org) + " since " + from
          + " that no ledgered deployment explains (" + result.explained() + " explained by " + windows.size()
          + " deployment(s)):");
      for (SetupAuditTrailRow row : result.drift()) {
        out.println("  " + row.createdDate() + "  " + Printable.of(row.createdBy().isEmpty() ? "(unknown user)"
            : row.createdBy()) + (row.delegateUser().isEmpty() ? "" : " (done by Login-As user "
                + Printable.of(row.delegateUser()) + ")") + "  " + Printable.of(row.section()) + "  "
            + Printable.of(row.action()) + "  " + Printable.of(row.display()));
      }
    }
    out.flush();
    return result.hasDrift() ? ExitCode.DENIED.code() : ExitCode.OK.code();
  }

  /** The windows of the deploy.completed entries of the org since {@code from}. */
  private List<DeploymentWindow> windows(Instant from, PrintWriter err) {
    List<DeploymentWindow> windows = new ArrayList<>();
    try (LedgerLocation open = location) {
      for (JsonNode row : LedgerSearch.of(DeploymentEntries.COMPLETED, org, null, from).all(open)) {
        try {
          windows.add(window(row));
        } catch (DateTimeParseException | IllegalArgumentException e) {
          err.println("portcullis: note: ledger entry " + row.path("index").asLong() + " has no usable started/"
              + "completed time (" + Printable.of(String.valueOf(e.getMessage())) + "); it explains no change");
        }
      }
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (StoreException e) {
      throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot read the ledger: " + e.getMessage(), e);
    }
    return windows;
  }

  /**
   * A deploy.completed entry's window: its {@code started} to {@code completed} fields; without {@code started}, the
   * completion alone; without either, the entry's time.
   */
  static DeploymentWindow window(JsonNode row) {
    JsonNode entry = row.path("entry");
    Instant time = Instant.parse(row.path("time").asText());
    Instant completed = entry.path("completed").isTextual() ? Instant.parse(entry.get("completed").asText()) : time;
    Instant started = entry.path("started").isTextual() ? Instant.parse(entry.get("started").asText()) : completed;
    String id = row.path("deployment_id").asText(entry.path("deployment_id").asText("?"));
    String deployedBy = entry.path("deployed_by").isTextual() ? entry.get("deployed_by").asText() : null;
    return new DeploymentWindow(id, started, completed, deployedBy);
  }
}
