package dev.portcullis.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code portcullis} command. Each subcommand is a class of its own; this one only wires
 * them and maps failures to the exit codes of CONVENTIONS.md (see {@link ExitCode}).
 */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A Zero Trust control plane for Salesforce.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      StatusCommand.class,
      LoginCommand.class,
      SessionCommand.class,
      RiskCommand.class,
      ApprovalCommand.class,
      ConfigCommand.class,
      LedgerCommand.class,
      PolicyCommand.class,
      DeployCommand.class,
      CertsCommand.class,
      OrgSimulatorCommand.class,
      WitnessCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 denied or findings above the threshold,",
      "2 usage or configuration error, 3 verification failed, 4 unavailable.",
      "Documentation: docs/CLI.md"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The process environment, or the one a test gives; read by commands that look at CI variables. */
  private final Map<String, String> environment;

  private Main(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Map<String, String> environment() {
    return environment;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    StartupTuning.apply();
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.getenv());
  }

  /** As {@link #run(String[], PrintWriter, PrintWriter)}, with the environment variables that commands see. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Main(environment));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (exception instanceof CliException cli) {
            err.println("portcullis: " + cli.getMessage());
            return cli.exitCode().code();
          }
          err.println("portcullis: unexpected error: " + exception);
          return ExitCode.UNAVAILABLE.code();
        });
    commandLine.setExitCodeExceptionMapper(exception -> ExitCode.USAGE.code());
    return commandLine.execute(args);
  }
}
