package dev.portcullis.cli;

import dev.portcullis.policy.PolicyBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes the default pack into a directory, to be edited and kept under version control. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Write the default policy pack (policies and their tests) into DIR; never overwrites a file.",
    footer = {"", "Examples:", "  portcullis policy init policies/ && portcullis policy test policies/",
        "", "Then set allowed_github_repositories / allowed_gitlab_projects in policies/params.yaml, and for",
        "deployments protected_branches and deploy_freeze_windows.",
        "Exit 0 when written, 2 when a file already exists."})
final class PolicyInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The directory to write (created if needed).")
  Path directory;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Path> written;
    try {
      written = PolicyBundle.writeDefault(directory);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(ExitCode.USAGE, e.getFile() + " already exists; nothing was written", e);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot write " + directory + ": " + e.getMessage(), e);
    }
    written.forEach(path -> out.println("wrote " + path));
    out.println("next: edit " + directory.resolve("params.yaml") + ", then run portcullis policy test " + directory);
    out.flush();
    return ExitCode.OK.code();
  }
}
