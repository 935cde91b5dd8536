package dev.portcullis.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
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
    footer = {
      "",
      "Exit codes: 0 ok, 1 denied or findings above the threshold,",
      "2 usage or configuration error, 3 verification failed, 4 unavailable.",
      "Documentation: docs/CLI.md"
    })
public final class Main implements Runnable {
  /**
   * The subcommands, in the order {@code --help} lists them. They are added by {@link #commandLine}, not
   * named in {@code @Command(subcommands = …)}: picocli builds the model of every command it is given
   * (reflection over each class's annotations, in picocli's Java 5 classes, which no AOT cache or CDS
   * archive can hold), and for the whole tree that was most of a one-shot command's start-up.
   */
  static final List<Class<?>> COMMANDS = List.of(
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
      CommandLine.HelpCommand.class);

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
    CommandLine commandLine = commandLine(new Main(environment), args);
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

  /**
   * The command line for {@code args}: when the first argument names a subcommand exactly, only that
   * subcommand's tree is built (parsing, help and errors below it are the same as with the whole tree);
   * otherwise (no argument, an option, {@code help}, a typo that needs suggestions) every subcommand is.
   */
  static CommandLine commandLine(Main main, String[] args) {
    CommandLine commandLine = new CommandLine(main);
    List<Class<?>> chosen = args.length == 0 ? COMMANDS
        : COMMANDS.stream().filter(c -> c != CommandLine.HelpCommand.class && names(c).contains(args[0]))
            .findFirst().<List<Class<?>>>map(List::of).orElse(COMMANDS);
    chosen.forEach(commandLine::addSubcommand);
    return commandLine;
  }

  /** The name and aliases a subcommand class declares. */
  static List<String> names(Class<?> command) {
    Command annotation = command.getAnnotation(Command.class);
    List<String> names = new java.util.ArrayList<>(Arrays.asList(annotation.aliases()));
    names.add(annotation.name());
    return names;
  }
}
