package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis certs}: certificate validation. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = "Certificates: the inventory by use, validation, rotation, and the path validator's conformance suite.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {CertsInventoryCommand.class, CertsCheckCommand.class, CertsPlanCommand.class,
        CertsRotateCommand.class, CertsLimboCommand.class},
    footer = {"", "Documentation: docs/CERTS.md, docs/CLI.md"})
final class CertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
