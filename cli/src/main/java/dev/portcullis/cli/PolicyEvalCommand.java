package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.DecisionPoint;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.Explanation;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.PolicyInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Decides one input and explains it rule by rule. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Decide one input and explain which rules matched and why the others did not. An access input"
        + " (principal, session, request, org, risk, now) is decided by the access rules; a deploy input (principal,"
        + " org, deploy, git, approvals, now: any of deploy, git or approvals selects it) by the deploy rules.",
    footer = {"", "Examples:", "  portcullis policy eval --policies policies/ --input run.json",
        "  portcullis policy eval --default --input run.yaml --json | jq .effect",
        "  portcullis policy eval --default --input deployment.json      # {\"deploy\": {...}, \"git\": {...}, ...}",
        "", "Without `now` in the input, the current time is used. Exit 0 on allow, 1 on deny, 2 for a bad bundle or input."})
final class PolicyEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  PolicyCommand.PoliciesOption policies;

  @Option(names = "--input", paramLabel = "FILE", required = true, description = "The input document (JSON or YAML); - for standard input.")
  Path input;

  @Option(names = "--on", paramLabel = "POINT", description = "Decide the input at this decision point, access or"
      + " deploy, whatever its keys (by default: deploy when it has a deploy, git or approvals key, else access).")
  String on;

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
    Optional<DecisionPoint> point = Optional.empty();
    if (on != null) {
      point = Optional.of(DecisionPoint.of(on).orElseThrow(() ->
          new CliException(ExitCode.USAGE, "--on must be access or deploy, found '" + on + "'")));
    }
    PolicyInput policyInput;
    try {
      policyInput = PolicyInput.parse(text, name, Instant.now(), point);
    } catch (PolicyException e) {
      throw PolicyCommand.problems("the input " + name, e.problems());
    }
    Explanation explanation = switch (policyInput) {
      case DecisionInput access -> bundle.explain(access);
      case DeployInput deployment -> bundle.explainDeploy(deployment);
    };
    boolean deploy = policyInput.point() == DecisionPoint.DEPLOY;
    Decision decision = explanation.decision();
    if (json) {
      ObjectNode node = PolicyCommand.decisionJson(decision);
      node.put("point", policyInput.point().word());
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
      if (deploy) {
        out.println("  decision point: deploy (" + bundle.ruleIds(DecisionPoint.DEPLOY).size() + " deploy rules)");
      } else if (decision.allowed()) {
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
