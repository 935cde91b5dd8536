package dev.portcullis.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code portcullis deploy approve ID [--deny]}: a vote on the approval a held deployment is waiting for, exactly as
 * {@code portcullis approval approve|deny} casts it (the admin API's {@code /admin/approvals/vote}, with the
 * person's OIDC ID token).
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
    description = "Approve (or with --deny, deny) a held deployment with your OIDC ID token.",
    footer = {"", "ID is the approval `deploy start` printed (apr_…). The token is --token-file FILE, else",
        "$PORTCULLIS_TOKEN; the deployment's author (the CI actor or commit author) may not approve it. After the",
        "approvals policy asks for, run the same `deploy start` again. Same as `portcullis approval approve|deny`."})
final class DeployApproveCommand extends ApprovalCommand.Vote {
  @ParentCommand DeployCommand deploy;

  @Option(names = "--deny", description = "Deny instead of approve (one denial closes the approval).")
  boolean deny;

  @Override
  String verdict() {
    return deny ? "deny" : "approve";
  }

  @Override
  Map<String, String> environment() {
    return deploy.main.environment();
  }

  @Override
  void approved(PrintWriter out) {
    out.println("run the same `portcullis deploy start` command again to deploy");
  }
}
