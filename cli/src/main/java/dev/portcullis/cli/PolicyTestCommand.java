package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyTestResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the test cases written beside the policies ({@code *_test.yaml}). */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run the bundle's *_test.yaml cases and report each pass or failure.",
    footer = {"", "Examples:", "  portcullis policy test policies/", "  portcullis policy test --default",
        "  portcullis policy test policies/ --json | jq '.results[] | select(.passed | not)'",
        "", "Exit 0 when every case passes, 1 when one fails, 2 when the bundle or a test file has problems."})
final class PolicyTestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PolicyCommand.Source source;

  @Option(names = {"-v", "--verbose"}, description = "Also list the cases that pass.")
  boolean verbose;

  @Option(names = "--json", description = "Print JSON: {passed, failed, bundle_sha256, results}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PolicyBundle bundle = source.load();
    List<PolicyTestResult> results = bundle.runTests();
    long failed = results.stream().filter(result -> !result.passed()).count();
    long passed = results.size() - failed;
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("passed", passed);
      node.put("failed", failed);
      node.put("bundle_sha256", bundle.hash());
      ArrayNode array = node.putArray("results");
      for (PolicyTestResult result : results) {
        ObjectNode r = array.addObject();
        r.put("file", result.file());
        r.put("line", result.line());
        r.put("name", result.name());
        r.put("passed", result.passed());
        result.failures().forEach(r.putArray("failures")::add);
        r.set("decision", PolicyCommand.decisionJson(result.decision()));
      }
      PolicyCommand.print(out, node);
    } else {
      for (PolicyTestResult result : results) {
        if (!result.passed()) {
          out.println("FAIL: " + result.file() + ":" + result.line() + ": " + result.name());
          result.failures().forEach(failure -> out.println("  " + failure));
        } else if (verbose) {
          out.println("PASS: " + result.file() + ":" + result.line() + ": " + result.name());
        }
      }
      if (results.isEmpty()) {
        out.println("no tests: write *_test.yaml files beside the policies (docs/POLICY.md, \"Tests\")");
      }
      out.println("--------------------------------------------------------------------------------");
      out.println((failed == 0 ? "PASS" : "FAIL") + ": " + passed + "/" + results.size());
      out.flush();
    }
    return failed == 0 ? ExitCode.OK.code() : ExitCode.DENIED.code();
  }
}
