package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.DecisionPoint;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Validates a bundle: YAML, rule fields, and every CEL condition type-checked against the environment. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate a policy bundle offline: every problem is listed as FILE:LINE:COLUMN: message.",
    footer = {"", "Examples:", "  portcullis policy check policies/", "  portcullis policy check policies/ --json",
        "", "Exit 0 when the bundle loads, 2 when it has problems."})
final class PolicyCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The bundle directory.")
  Path directory;

  @Option(names = "--json", description = "Print JSON: {ok, rules, deploy_rules, files, tests, bundle_sha256, problems}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.load(directory);
    } catch (PolicyException e) {
      if (json) {
        ObjectNode node = LedgerCommand.object();
        node.put("ok", false);
        node.set("problems", PolicyCommand.problemsJson(e.problems()));
        PolicyCommand.print(out, node);
      } else {
        e.problems().forEach(problem -> out.println(PolicyCommand.located(directory, problem)));
        out.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"));
        out.flush();
      }
      return ExitCode.USAGE.code();
    }
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("ok", true);
      node.put("rules", bundle.ruleIds().size());
      node.put("deploy_rules", bundle.ruleIds(DecisionPoint.DEPLOY).size());
      node.put("files", bundle.policyFileCount());
      node.put("tests", bundle.testCount());
      node.put("bundle_sha256", bundle.hash());
      node.putArray("problems");
      PolicyCommand.print(out, node);
    } else {
      int deployRules = bundle.ruleIds(DecisionPoint.DEPLOY).size();
      out.println("OK: " + bundle.ruleIds().size() + " rules" + (deployRules == 0 ? "" : " (" + deployRules + " of them deploy rules)")
          + " in " + bundle.policyFileCount() + " files, "
          + bundle.testCount() + " tests; bundle sha256 " + bundle.hash());
      out.flush();
    }
    return ExitCode.OK.code();
  }
}
