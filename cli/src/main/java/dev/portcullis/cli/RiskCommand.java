package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis risk}: show and set principals' risk scores through the admin API. */
@Command(
    name = "risk",
    mixinStandardHelpOptions = true,
    description = "Show and set principals' risk scores (0 to 100), which policy reads as risk.score (admin API;"
        + " needs the admin token).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {RiskShowCommand.class, RiskSetCommand.class},
    footer = {
      "",
      "A score at or above the server's broker.revoke_at_risk (default 80) revokes the principal's sessions at once",
      "on every replica (reason RISK) and no new session is issued to it; the default policy pack allows reads only",
      "from 50. Both commands find the server with --data-dir DIR or with --url ADMIN_URL and --admin-token-file FILE.",
      "Exit codes: 0 ok, 2 usage or a refused admin token, 4 unavailable.",
      "Documentation: docs/BROKER.md (Risk scores), docs/CLI.md"
    })
final class RiskCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
