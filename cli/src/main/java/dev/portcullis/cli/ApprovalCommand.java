package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis approval}: the requests policy holds for approval ({@code require_approval}),
 * listed with the admin token, approved or denied by people with their OIDC ID tokens.
 */
@Command(
    name = "approval",
    mixinStandardHelpOptions = true,
    description = "List, approve and deny what policy holds for approval (require_approval).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {ApprovalCommand.List.class, ApprovalCommand.Approve.class, ApprovalCommand.Deny.class},
    footer = {
      "",
      "An approval is bound to exactly one request (org, principal, method, path, query, body), expires, and is",
      "used once. Approvers are the people listed under identity.approvers, authenticated by an ID token of",
      "their identity provider (--token-file FILE, else $PORTCULLIS_TOKEN); the requester and the person who",
      "started its CI run may not approve it. Every request, vote and use is a ledger entry.",
      "Exit codes: 0 ok, 2 usage or a refused token or vote, 4 unavailable. Documentation: docs/GATEWAY.md"
    })
final class ApprovalCommand implements Runnable {
  @Spec CommandSpec spec;
  @ParentCommand Main main;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code portcullis approval list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List approvals (pending ones unless --state says otherwise); needs the admin token.")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminAccess access;

    @Option(names = "--state", paramLabel = "STATE", defaultValue = "pending",
        description = "pending, approved, denied, used or all. Default: ${DEFAULT-VALUE}.")
    String state;

    @Option(names = "--json", description = "Print the admin API's JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode answer = access.client().get("/admin/approvals?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
      JsonNode approvals = answer.get("approvals");
      if (approvals == null || !approvals.isArray()) {
        throw new CliException(ExitCode.UNAVAILABLE, "the admin API answered without an \"approvals\" array");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        LedgerCommand.print(out, (ObjectNode) answer);
        return ExitCode.OK.code();
      }
      if (approvals.isEmpty()) {
        out.println("no " + (state.equals("all") ? "" : state + " ") + "approvals");
      }
      for (JsonNode a : approvals) {
        out.println(Printable.of(a.path("id").asText()) + "  " + Printable.of(a.path("state").asText()) + "  "
            + a.path("approvals").asLong() + "/" + a.path("required").asLong() + "  org "
            + Printable.of(a.path("org").asText()) + "  until " + Printable.of(a.path("expires_at").asText()));
        out.println("    " + Printable.of(a.path("summary").asText()));
        out.println("    requested by " + Printable.of(a.path("requester").path("subject").asText())
            + (a.path("requester").path("actor").isTextual()
                ? " (run started by " + Printable.of(a.path("requester").path("actor").asText()) + ")" : ""));
      }
      out.flush();
      return ExitCode.OK.code();
    }
  }

  /** A vote: the approver's token, the approval, a comment. */
  abstract static class Vote implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerLocation location;

    @Parameters(index = "0", paramLabel = "ID", description = "The approval (apr_…).")
    String id;

    @Option(names = "--comment", paramLabel = "TEXT", defaultValue = "",
        description = "Why (a change ticket, say); recorded in the ledger.")
    String comment;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Your OIDC ID token. Default: the environment variable PORTCULLIS_TOKEN.")
    Path tokenFile;

    @Option(names = "--json", description = "Print the admin API's JSON.")
    boolean json;

    abstract String verdict();

    /** The environment the token may come from ({@code PORTCULLIS_TOKEN}). */
    abstract java.util.Map<String, String> environment();

    /** What to print after an approval that lets the request run. */
    void approved(PrintWriter out) {
    }

    @Override
    public Integer call() {
      ObjectNode body = LedgerCommand.object();
      body.put("id", id);
      body.put("verdict", verdict());
      body.put("comment", comment);
      JsonNode answer = new AdminClient(location.adminUrl(), token()).post("/admin/approvals/vote", body);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        LedgerCommand.print(out, (ObjectNode) answer);
        return ExitCode.OK.code();
      }
      JsonNode approval = answer.path("approval");
      String outcome = answer.path("outcome").asText();
      out.println(switch (outcome) {
        case "approved" -> Printable.of(id) + " approved: the request may now run once, until "
            + Printable.of(approval.path("expires_at").asText());
        case "denied" -> Printable.of(id) + " denied";
        default -> "vote recorded on " + Printable.of(id) + ": " + approval.path("approvals").asLong() + " of "
            + approval.path("required").asLong() + " approvals";
      });
      if (outcome.equals("approved")) {
        approved(out);
      }
      out.flush();
      return ExitCode.OK.code();
    }

    private String token() {
      String token;
      if (tokenFile != null) {
        try {
          token = Files.readString(tokenFile).strip();
        } catch (NoSuchFileException e) {
          throw new CliException(ExitCode.USAGE, tokenFile + ": no such token file");
        } catch (IOException e) {
          throw new CliException(ExitCode.USAGE, tokenFile + ": cannot read the token: " + e.getMessage(), e);
        }
      } else {
        token = environment().getOrDefault("PORTCULLIS_TOKEN", "").strip();
        if (token.isEmpty()) {
          throw new CliException(ExitCode.USAGE, "no approver token: give --token-file FILE or set PORTCULLIS_TOKEN"
              + " to your OIDC ID token");
        }
      }
      if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new CliException(ExitCode.USAGE, "the approver token is empty or not printable ASCII (a JWT)");
      }
      return token;
    }
  }

  /** {@code portcullis approval approve ID}. */
  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve a held request with your OIDC ID token.")
  static final class Approve extends Vote {
    @ParentCommand ApprovalCommand parent;

    @Override
    String verdict() {
      return "approve";
    }

    @Override
    java.util.Map<String, String> environment() {
      return parent.main.environment();
    }
  }

  /** {@code portcullis approval deny ID}. */
  @Command(name = "deny", mixinStandardHelpOptions = true,
      description = "Deny a held request with your OIDC ID token (one denial closes it).")
  static final class Deny extends Vote {
    @ParentCommand ApprovalCommand parent;

    @Override
    String verdict() {
      return "deny";
    }

    @Override
    java.util.Map<String, String> environment() {
      return parent.main.environment();
    }
  }
}
