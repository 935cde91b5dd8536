package dev.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Configuration tools. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Work with configuration files.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Validates a file exactly as {@code serve} would at start, without starting. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Validate a configuration file (offline) and list every problem with file:line:column.",
      footer = {
        "",
        "Environment variable references (${NAME}) are resolved from this process's environment.",
        "Exit code 0 when the file is valid (warnings allowed), 2 when it has errors.",
        "",
        "Examples:",
        "  portcullis config check portcullis.yaml",
        "  PROD_CONSUMER_KEY=3MVG9... portcullis config check --json /etc/portcullis/portcullis.yaml"
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The configuration file.")
    Path file;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Override
    public Integer call() {
      List<Problem> problems = ConfigLoader.check(file, System.getenv());
      boolean errors = problems.stream().anyMatch(Problem::isError);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("file", file.toString());
        root.put("valid", !errors);
        ArrayNode list = root.putArray("problems");
        for (Problem p : problems) {
          ObjectNode node = list.addObject();
          node.put("file", String.valueOf(p.file()));
          node.put("line", p.line());
          node.put("column", p.column());
          node.put("severity", p.isError() ? "error" : "warning");
          node.put("code", String.valueOf(p.code()));
          node.put("message", p.message());
          if (p.suggestion() != null && !p.suggestion().isEmpty()) {
            node.put("suggestion", p.suggestion());
          }
        }
        out.println(root.toPrettyString());
      } else {
        problems.forEach(out::println);
        long errorCount = problems.stream().filter(Problem::isError).count();
        long warningCount = problems.size() - errorCount;
        out.println(file + ": " + (errors ? "invalid" : "valid") + " (" + errorCount + " errors, "
            + warningCount + " warnings)");
      }
      return errors ? ExitCode.USAGE.code() : ExitCode.OK.code();
    }
  }
}
