package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis risk show}: {@code GET /admin/risk}, as a table or JSON. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show the principals with a risk score, highest first, or one principal's.",
    footer = {
      "",
      "Examples:",
      "  portcullis risk show --data-dir ./data",
      "  portcullis risk show --principal repo:acme/salesforce-app:ref:refs/heads/main --json"
    })
final class RiskShowCommand implements Callable<Integer> {
  static final List<String> HEADER = List.of("SCORE", "PRINCIPAL", "ISSUER", "SET AT", "BY", "REASONS");

  @Spec CommandSpec spec;
  @Mixin AdminAccess access;

  @Option(names = {"--principal", "--subject"}, paramLabel = "SUB", description = "Only this principal subject.")
  String subject;

  @Option(names = "--issuer", paramLabel = "ISS", description = "With --principal: only from this issuer.")
  String issuer;

  @Option(names = "--json", description = "Print the admin API's JSON.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode answer = access.client().get("/admin/risk" + query());
    JsonNode risks = answer.get("risks");
    if (risks == null || !risks.isArray()) {
      throw new CliException(ExitCode.UNAVAILABLE, "the admin API answered without a \"risks\" array");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, (ObjectNode) answer);
      return ExitCode.OK.code();
    }
    out.print(render(risks));
    out.println("sessions end at a score of " + RiskSetCommand.number(answer.path("revoke_at_risk"))
        + " or more (broker.revoke_at_risk)");
    out.flush();
    return ExitCode.OK.code();
  }

  String query() {
    if (issuer != null && subject == null) {
      throw new CliException(ExitCode.USAGE, "--issuer narrows --principal SUB: give the principal's subject too");
    }
    if (subject == null) {
      return "";
    }
    return "?subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
        + (issuer == null ? "" : "&issuer=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8));
  }

  /** The table, or a sentence when no principal has a score. */
  static String render(JsonNode risks) {
    if (risks.isEmpty()) {
      return "no principal has a risk score\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode risk : risks) {
      List<String> reasons = new ArrayList<>();
      risk.path("reasons").forEach(reason -> reasons.add(reason.asText()));
      rows.add(List.of(RiskSetCommand.number(risk.path("score")),
          Printable.of(risk.at("/principal/subject").asText("?")), Printable.of(risk.at("/principal/issuer").asText("?")),
          Printable.of(risk.path("set_at").asText("?")), Printable.of(risk.path("set_by").asText("?")),
          reasons.isEmpty() ? "-" : Printable.of(String.join("; ", reasons))));
    }
    return TextColumns.render(rows);
  }
}
