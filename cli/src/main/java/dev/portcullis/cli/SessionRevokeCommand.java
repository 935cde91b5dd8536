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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis session revoke}: {@code POST /admin/sessions/revoke} for one session, a principal, or an org. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = "Revoke a session by id, every session of a principal (--principal SUBJECT, optionally --issuer),"
        + " or of an org.",
    footer = {
      "",
      "Revocation is effective at once on every server replica; the Salesforce tokens behind the sessions are",
      "revoked too. Every revocation is recorded in the ledger with the reason.",
      "",
      "Examples:",
      "  portcullis session revoke ses_2Jx9… --reason \"leaked in a build log\" --data-dir ./data",
      "  portcullis session revoke --principal repo:acme/salesforce-app:ref:refs/heads/main \\",
      "      --issuer https://token.actions.githubusercontent.com --reason incident-42",
      "  portcullis session revoke --org prod --reason \"freeze\" --json"
    })
final class SessionRevokeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminAccess access;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The session id (ses_…).")
  String id;

  @Option(names = "--issuer", paramLabel = "ISS",
      description = "With --principal: only that principal's sessions from this issuer.")
  String issuer;

  @Option(names = {"--principal", "--subject"}, paramLabel = "SUB",
      description = "Every session of the principal with this subject (the token's sub, e.g."
          + " repo:acme/app:ref:refs/heads/main; the certificate's SAN), from any issuer unless --issuer is given.")
  String subject;

  @Option(names = "--org", paramLabel = "ALIAS", description = "Every session on this org.")
  String org;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the ledger.")
  String reason;

  @Option(names = "--json", description = "Print the admin API's JSON.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode answer = access.client().post("/admin/sessions/revoke", body());
    JsonNode revoked = answer.get("revoked");
    if (revoked == null || !revoked.isArray()) {
      throw new CliException(ExitCode.UNAVAILABLE, "the admin API answered without a \"revoked\" array");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LedgerCommand.print(out, (ObjectNode) answer);
      return ExitCode.OK.code();
    }
    List<String> ids = new ArrayList<>();
    revoked.forEach(r -> ids.add(Printable.of(r.asText())));
    out.println(ids.isEmpty()
        ? "nothing revoked: no active session matched " + target()
        : "revoked " + ids.size() + (ids.size() == 1 ? " session" : " sessions") + " (" + target() + "): "
            + String.join(" ", ids));
    out.flush();
    return ExitCode.OK.code();
  }

  /** Exactly one selector, as the admin API requires, plus the optional reason. */
  ObjectNode body() {
    int selectors = (id != null ? 1 : 0) + (issuer != null || subject != null ? 1 : 0) + (org != null ? 1 : 0);
    if (selectors != 1) {
      throw new CliException(ExitCode.USAGE, "give exactly one of: a session ID, --principal SUB [--issuer ISS], --org ALIAS");
    }
    ObjectNode body = LedgerCommand.object();
    if (id != null) {
      body.put("id", id);
    } else if (org != null) {
      body.put("org", org);
    } else {
      if (subject == null) {
        throw new CliException(ExitCode.USAGE, "--issuer narrows --principal SUB: give the principal's subject too");
      }
      if (issuer != null) {
        body.put("issuer", issuer);
      }
      body.put("subject", subject);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }

  private String target() {
    if (id != null) {
      return "session " + Printable.of(id);
    }
    if (org != null) {
      return "org " + Printable.of(org);
    }
    return "principal " + Printable.of(subject) + (issuer == null ? "" : " from " + Printable.of(issuer));
  }
}
