package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code portcullis deploy}: metadata deployments through the deploy gate. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Metadata deployments: convert, check, start, approve, roll back; their history, story and drift.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DeployConvertCommand.class, DeployCheckCommand.class, DeployStartCommand.class,
        DeployApproveCommand.class, DeployRollbackCommand.class, DeployHistoryCommand.class,
        DeployShowCommand.class, DeployDriftCommand.class},
    footer = {"", "Documentation: docs/DEPLOY.md, docs/CLI.md"})
final class DeployCommand implements Runnable {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
