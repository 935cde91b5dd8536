package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis session list}: {@code GET /admin/sessions}, as a table or JSON. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List sessions: active ones, or all with --all.",
    footer = {
      "",
      "Examples:",
      "  portcullis session list --data-dir ./data",
      "  portcullis session list --all --org prod --json",
      "  portcullis session list --url http://127.0.0.1:7400 --admin-token-file /etc/portcullis/admin-token"
    })
final class SessionListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminAccess access;

  @Option(names = "--all", description = "Include expired and revoked sessions.")
  boolean all;

  @Option(names = "--org", paramLabel = "ALIAS", description = "Only sessions on this org.")
  String org;

  @Option(names = "--issuer", paramLabel = "ISS", description = "Only sessions of principals from this issuer.")
  String issuer;

  @Option(names = "--subject", paramLabel = "SUB", description = "Only sessions of this principal subject.")
  String subject;

  @Option(names = "--json", description = "Print the admin API's JSON.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode answer = access.client().get("/admin/sessions?" + query());
    JsonNode sessions = answer.get("sessions");
    if (sessions == null || !sessions.isArray()) {
      throw new CliException(ExitCode.UNAVAILABLE, "the admin API answered without a \"sessions\" array");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, (ObjectNode) answer);
    } else {
      out.print(SessionTable.render(sessions, Instant.now()));
      out.flush();
    }
    return ExitCode.OK.code();
  }

  String query() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("state", all ? "all" : "active");
    if (org != null) {
      parameters.put("org", org);
    }
    if (issuer != null) {
      parameters.put("issuer", issuer);
    }
    if (subject != null) {
      parameters.put("subject", subject);
    }
    return parameters.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
