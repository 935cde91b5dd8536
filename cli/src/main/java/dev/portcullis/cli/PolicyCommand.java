package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.PolicyProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis policy}: check, evaluate, test and initialise policy bundles. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Check, evaluate and test policy bundles (YAML rules with CEL conditions).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {PolicyCheckCommand.class, PolicyEvalCommand.class, PolicyTestCommand.class, PolicyInitCommand.class},
    footer = {
      "",
      "A bundle is a directory of *.yaml/*.yml policy files and their *_test.yaml tests; --default uses the pack",
      "that ships with Portcullis. Exit codes: 0 ok (allow, all tests pass), 1 denied or a test failed, 2 usage",
      "or a bundle with problems. Documentation: docs/POLICY.md, docs/CLI.md"
    })
final class PolicyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Either a bundle directory or the default pack. */
  static final class Source {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The bundle directory.")
    Path directory;

    @Option(names = "--default", description = "Use the default pack that ships with Portcullis.")
    boolean builtIn;

    /** The bundle; problems become a usage error listing each as FILE:LINE:COLUMN: message. */
    PolicyBundle load() {
      if (builtIn && directory != null) {
        throw new CliException(ExitCode.USAGE, "give a bundle DIR or --default, not both");
      }
      if (builtIn) {
        return PolicyBundle.loadDefault();
      }
      if (directory == null) {
        throw new CliException(ExitCode.USAGE, "give a bundle DIR, or --default for the pack that ships with Portcullis");
      }
      try {
        return PolicyBundle.load(directory);
      } catch (PolicyException e) {
        throw new CliException(ExitCode.USAGE, "the policy bundle " + directory + " has " + e.problems().size()
            + (e.problems().size() == 1 ? " problem" : " problems") + ":\n" + String.join("\n",
                e.problems().stream().map(p -> "  " + located(directory, p)).toList()));
      }
    }
  }

  /** An option group used by eval, which takes the bundle as --policies DIR. */
  static final class PoliciesOption {
    @Option(names = "--policies", paramLabel = "DIR", required = true, description = "The bundle directory.")
    Path directory;

    @Option(names = "--default", required = true, description = "Use the default pack that ships with Portcullis.")
    boolean builtIn;
  }

  static PolicyBundle load(PoliciesOption option) {
    Source source = new Source();
    source.directory = option.directory;
    source.builtIn = option.builtIn;
    return source.load();
  }

  static CliException problems(String what, List<PolicyProblem> problems) {
    String list = problems.stream().map(p -> "  " + p).reduce((a, b) -> a + "\n" + b).orElse("");
    return new CliException(ExitCode.USAGE, what + " has " + problems.size()
        + (problems.size() == 1 ? " problem" : " problems") + ":\n" + list);
  }

  /** The problem with its file named as the user would open it: DIR/FILE:LINE:COLUMN: message. */
  static String located(Path directory, PolicyProblem problem) {
    if (problem.file().equals(directory.toString())) {
      return problem.toString();
    }
    return directory.resolve(problem.file()) + problem.toString().substring(problem.file().length());
  }

  static ArrayNode problemsJson(List<PolicyProblem> problems) {
    ArrayNode array = LedgerCommand.JSON.createArrayNode();
    for (PolicyProblem problem : problems) {
      ObjectNode p = array.addObject();
      p.put("file", problem.file());
      p.put("line", problem.line());
      p.put("column", problem.column());
      p.put("code", problem.code().name());
      p.put("message", problem.message());
    }
    return array;
  }

  static ObjectNode decisionJson(Decision decision) {
    ObjectNode node = LedgerCommand.object();
    node.put("effect", decision.effect().word());
    decision.matchedRules().forEach(node.putArray("matched")::add);
    decision.reasons().forEach(node.putArray("reasons")::add);
    ArrayNode obligations = node.putArray("obligations");
    for (Obligation obligation : decision.obligations()) {
      ObjectNode o = obligations.addObject();
      o.put("name", obligation.name());
      o.set("value", LedgerCommand.JSON.valueToTree(plain(obligation.value())));
      obligation.rules().forEach(o.putArray("rules")::add);
    }
    ObjectNode session = node.putObject("session");
    decision.sessionLimits().maxTtl().ifPresentOrElse(
        ttl -> session.put("max_ttl_seconds", ttl.toSeconds()), () -> session.putNull("max_ttl_seconds"));
    decision.sessionLimits().scopes().forEach(session.putArray("scopes")::add);
    ArrayNode errors = node.putArray("errors");
    decision.errors().forEach(e -> errors.addObject().put("rule", e.ruleId()).put("message", e.message()));
    node.put("bundle_sha256", decision.bundleHash());
    return node;
  }

  /** Obligation values for JSON: CEL's null value becomes JSON null. */
  private static Object plain(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(PolicyCommand::plain).toList();
    }
    if (value instanceof java.util.Map<?, ?> map) {
      java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    return value instanceof String || value instanceof Number || value instanceof Boolean ? value : null;
  }

  static void print(PrintWriter out, ObjectNode node) {
    LedgerCommand.print(out, node);
  }
}
