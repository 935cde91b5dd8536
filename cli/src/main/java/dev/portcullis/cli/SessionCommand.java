package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis session}: list and revoke the broker's pipeline sessions through the admin API. */
@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = "List and revoke pipeline sessions (admin API; needs the admin token).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {SessionListCommand.class, SessionRevokeCommand.class},
    footer = {
      "",
      "Both find the server with --data-dir DIR (DIR/endpoints.json and DIR/admin-token) or with --url ADMIN_URL",
      "and --admin-token-file FILE. Exit codes: 0 ok, 2 usage or a refused admin token, 4 unavailable.",
      "Documentation: docs/CI.md, docs/CLI.md"
    })
final class SessionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
