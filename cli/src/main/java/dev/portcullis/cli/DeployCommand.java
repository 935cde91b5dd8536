package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis deploy}: metadata deployments through the deploy gate. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Metadata deployments: read and convert packages (more subcommands follow).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DeployConvertCommand.class},
    footer = {"", "Documentation: docs/DEPLOY.md, docs/CLI.md"})
final class DeployCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
