package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis risk set}: {@code POST /admin/risk}. */
@Command(
    name = "set",
    mixinStandardHelpOptions = true,
    description = "Set a principal's risk score and the reason for it (replacing the previous ones).",
    footer = {
      "",
      "Every change is recorded in the ledger (risk.changed). At or above broker.revoke_at_risk the principal's",
      "sessions are revoked and their requests in flight cut, on every replica; they are listed.",
      "",
      "Examples:",
      "  portcullis risk set --principal repo:acme/salesforce-app:ref:refs/heads/main --score 90 \\",
      "      --reason \"token seen in a public build log\" --data-dir ./data",
      "  portcullis risk set --principal repo:acme/app:ref:refs/heads/main \\",
      "      --issuer https://token.actions.githubusercontent.com --score 0 --reason \"cleared after review\""
    })
final class RiskSetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminAccess access;

  @Option(names = {"--principal", "--subject"}, paramLabel = "SUB", required = true,
      description = "The principal's subject (the token's sub, e.g. repo:acme/app:ref:refs/heads/main; the"
          + " certificate's SAN).")
  String subject;

  @Option(names = "--issuer", paramLabel = "ISS",
      description = "The principal's issuer. Default: the one issuer among the subject's sessions.")
  String issuer;

  @Option(names = "--score", paramLabel = "X", required = true, description = "The score, from 0 to 100.")
  double score;

  @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why; policy reads it in"
      + " risk.reasons and the ledger records it.")
  String reason;

  @Option(names = "--json", description = "Print the admin API's JSON.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode answer = access.client().post("/admin/risk", body());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, (ObjectNode) answer);
      return ExitCode.OK.code();
    }
    List<String> revoked = new ArrayList<>();
    answer.path("revoked").forEach(id -> revoked.add(Printable.of(id.asText())));
    JsonNode previous = answer.path("previous_score");
    out.println("risk of " + Printable.of(answer.at("/principal/subject").asText(subject)) + " from "
        + Printable.of(answer.at("/principal/issuer").asText("?")) + ": " + number(answer.path("score"))
        + (previous.isNumber() ? " (was " + number(previous) + ")" : " (none before)"));
    if (!revoked.isEmpty()) {
      out.println("at or above revoke_at_risk " + number(answer.path("revoke_at_risk")) + ": revoked "
          + revoked.size() + (revoked.size() == 1 ? " session: " : " sessions: ") + String.join(" ", revoked));
    }
    out.flush();
    return ExitCode.OK.code();
  }

  ObjectNode body() {
    if (!Double.isFinite(score) || score < 0 || score > 100) {
      throw new CliException(ExitCode.USAGE, "--score must be a number from 0 to 100, was " + score);
    }
    if (reason.isBlank()) {
      throw new CliException(ExitCode.USAGE, "--reason must say why");
    }
    ObjectNode body = LedgerCommand.object();
    body.put("subject", subject);
    if (issuer != null) {
      body.put("issuer", issuer);
    }
    body.put("score", score);
    body.put("reason", reason);
    return body;
  }

  /** {@code 90} rather than {@code 90.0}; decimals as they are. */
  static String number(JsonNode value) {
    if (!value.isNumber()) {
      return "?";
    }
    double number = value.asDouble();
    return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
  }
}
