package dev.portcullis.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy start}: {@code deploy check}'s inspection and report, then the Metadata API deploy through
 * the gateway (or to the org), followed until it is done. See {@link DeployRun}.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Inspect and decide a deployment like `deploy check`, then deploy it through the gateway and follow it.",
    footer = {"", "Examples:",
        "  eval \"$(portcullis login --org prod --scope metadata:deploy)\"",
        "  portcullis deploy start --org prod --source-dir force-app --test-level RunLocalTests --sarif findings.sarif",
        "  portcullis deploy start --org prod --quick 0Af5g00000ABCDE",
        "", "Progress goes to stderr, the report and the result to stdout. A deployment policy holds for approval is",
        "answered by the gateway with the approval's id: someone other than its author runs",
        "`portcullis deploy approve ID`, then the same `deploy start` runs again. Exit 0 when the deployment",
        "succeeded (or was queued, with --wait 0), 1 when it was denied, held or failed, 2 for bad input, 4 when",
        "the org cannot be reached or the wait ran out (the deploy goes on). Documentation: docs/DEPLOY.md"})
final class DeployStartCommand implements Callable<Integer> {
  @ParentCommand DeployCommand deploy;
  @Spec CommandSpec spec;
  @Mixin DeployArguments arguments;

  @Option(names = {"--wait", "-w"}, paramLabel = "MINUTES", defaultValue = "33",
      description = "Follow the deploy this long (0: do not wait). Default: ${DEFAULT-VALUE}.")
  int waitMinutes;

  @Option(names = "--quick", paramLabel = "VALIDATED_ID",
      description = "Quick-deploy a validation (a --check-only deploy with tests that succeeded in the last 10 days).")
  String quick;

  @Override
  public Integer call() {
    return new DeployRun(arguments, deploy.main.environment(), spec.commandLine().getOut(), spec.commandLine().getErr(),
        waitMinutes, commandLine(spec)).run(Optional.ofNullable(quick));
  }

  /** The command line as given, quoted for a POSIX shell: what to run again after an approval. */
  static String commandLine(CommandSpec spec) {
    StringBuilder line = new StringBuilder("portcullis");
    List<String> args = spec.commandLine().getParseResult() == null ? List.of()
        : spec.root().commandLine().getParseResult().originalArgs();
    for (String arg : args) {
      line.append(' ').append(arg.matches("[A-Za-z0-9_./:=@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return Printable.of(line.toString());
  }
}
