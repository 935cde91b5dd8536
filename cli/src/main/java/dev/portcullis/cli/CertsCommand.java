package dev.portcullis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portcullis certs}: certificate validation. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = "Certificate path validation and its conformance suite.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {CertsLimboCommand.class, CertsCheckCommand.class},
    footer = {"", "Documentation: docs/CERTS.md, docs/CLI.md"})
final class CertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
