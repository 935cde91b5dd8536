package dev.portcullis.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy rollback ID}: downloads the deployment's rollback package from the server's admin API
 * ({@code GET /admin/deployments/rollback-package?id=ID}, with the admin token) and deploys it exactly as {@code deploy
 * start --zip} would: inspected, decided by policy, held for approval by the gateway where policy says so, recorded.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Deploy the rollback package of a deployment (the snapshot it replaced; deletes what it added).",
    footer = {"", "The package comes from the server (--data-dir or --url, with the admin token); the deploy goes to",
        "--instance-url / $SF_INSTANCE_URL with the session in $SF_ACCESS_TOKEN, as for `deploy start --zip`.",
        "Exit codes as `deploy start`. Documentation: docs/DEPLOY.md"})
final class DeployRollbackCommand implements Callable<Integer> {
  @ParentCommand DeployCommand deploy;
  @Spec CommandSpec spec;
  @Mixin DeployArguments arguments;
  @Mixin AdminAccess admin;

  @Parameters(index = "0", paramLabel = "ID", description = "The deployment to roll back (dpl_…, from `deploy history`).")
  String id;

  @Option(names = {"--wait", "-w"}, paramLabel = "MINUTES", defaultValue = "33",
      description = "Follow the deploy this long (0: do not wait). Default: ${DEFAULT-VALUE}.")
  int waitMinutes;

  @Override
  public Integer call() {
    if (arguments.namesPackage()) {
      throw new CliException(ExitCode.USAGE, "rollback deploys the server's rollback package of " + Printable.of(id)
          + "; give no --source-dir, --manifest, --metadata-dir, --zip or --project");
    }
    if (id.isBlank() || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/')) {
      throw new CliException(ExitCode.USAGE, "'" + Printable.of(id) + "' is not a deployment id");
    }
    Path zip;
    try {
      zip = Files.createTempFile("portcullis-rollback-", ".zip");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot create a temporary file: " + e.getMessage(), e);
    }
    try {
      admin.client().download("/admin/deployments/rollback-package?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8),
          "application/zip", zip);
      spec.commandLine().getErr().println("portcullis: rollback package of " + Printable.of(id) + " downloaded");
      arguments.zip = zip;
      return new DeployRun(arguments, deploy.main.environment(), spec.commandLine().getOut(),
          spec.commandLine().getErr(), waitMinutes, DeployStartCommand.commandLine(spec)).run(Optional.empty());
    } finally {
      try {
        Files.deleteIfExists(zip);
      } catch (IOException e) {
        spec.commandLine().getErr().println("portcullis: note: cannot delete " + zip + ": " + e.getMessage());
      }
    }
  }
}
