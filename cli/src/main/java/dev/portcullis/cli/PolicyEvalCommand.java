package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.Explanation;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Decides one input and explains it rule by rule. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Decide one input (JSON or YAML with principal, session, request, org, risk, now) and explain"
        + " which rules matched and why the others did not.",
    footer = {"", "Examples:", "  portcullis policy eval --policies policies/ --input run.json",
        "  portcullis policy eval --default --input run.yaml --json | jq .effect",
        "", "Without `now` in the input, the current time is used. Exit 0 on allow, 1 on deny, 2 for a bad bundle or input."})
final class PolicyEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  PolicyCommand.PoliciesOption policies;

  @Option(names = "--input", paramLabel = "FILE", required = true, description = "The input document (JSON or YAML); - for standard input.")
  Path input;

  @Option(names = "--json", description = "Print JSON: the decision and every rule's outcome.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PolicyBundle bundle = PolicyCommand.load(policies);
    String text;
    String name = input.toString();
    if ("-".equals(name)) {
      text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    } else if (!Files.isRegularFile(input)) {
      throw new CliException(ExitCode.USAGE, input + ": no such file");
    } else {
      text = Files.readString(input, StandardCharsets.UTF_8);
    }
    DecisionInput decisionInput;
    try {
      decisionInput = DecisionInput.parse(text, name, Instant.now());
    } catch (PolicyException e) {
      throw PolicyCommand.problems("the input " + name, e.problems());
    }
    Explanation explanation = bundle.explain(decisionInput);
    Decision decision = explanation.decision();
    if (json) {
      ObjectNode node = PolicyCommand.decisionJson(decision);
      ArrayNode rules = node.putArray("rules");
      for (Explanation.RuleOutcome outcome : explanation.rules()) {
        rules.addObject()
            .put("id", outcome.ruleId())
            .put("effect", outcome.effect().word())
            .put("location", outcome.location())
            .put("result", outcome.result().name().toLowerCase(java.util.Locale.ROOT))
            .put("detail", outcome.detail());
      }
      PolicyCommand.print(out, node);
    } else {
      out.println(decision.effect().word().toUpperCase(java.util.Locale.ROOT) + ": " + String.join("; ", decision.reasons()));
      if (decision.allowed()) {
        out.println("  scopes: " + (decision.sessionLimits().scopes().isEmpty()
            ? "(none of the requested)" : String.join(" ", decision.sessionLimits().scopes())));
      }
      decision.sessionLimits().maxTtl().ifPresent(ttl -> out.println("  max ttl: " + ttl.toMinutes() + "m"
          + (ttl.toSecondsPart() > 0 ? ttl.toSecondsPart() + "s" : "")));
      for (Obligation obligation : decision.obligations()) {
        out.println("  obligation " + obligation.name() + ": " + obligation.value() + " (from " + String.join(", ", obligation.rules()) + ")");
      }
      out.println("rules:");
      for (Explanation.RuleOutcome outcome : explanation.rules()) {
        String mark = switch (outcome.result()) {
          case MATCHED -> "matched    ";
          case NOT_MATCHED -> "not matched";
          case ERROR -> "ERROR      ";
        };
        out.println("  " + mark + " " + outcome.effect().word() + " " + outcome.ruleId() + " (" + outcome.location() + ")"
            + (outcome.detail().isEmpty() ? "" : ": " + outcome.detail()));
      }
      out.println("bundle sha256 " + decision.bundleHash());
      out.flush();
    }
    return decision.allowed() ? ExitCode.OK.code() : ExitCode.DENIED.code();
  }
}
