package dev.portcullis.cli;

import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.report.FailOn;
import dev.portcullis.deploy.report.Findings;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy check}: the deploy gate without the deployment, for pull requests. Reads the package,
 * retrieves the same components from the target org through the Metadata API (directly, or through the gateway
 * with a session from {@code portcullis login}), diffs them semantically and decides with the deploy policy.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Inspect, diff against the org and decide a deployment without deploying (for pull requests).",
    footer = {"", "Examples:",
        "  eval \"$(portcullis login --org prod --scope metadata:retrieve)\"",
        "  portcullis deploy check --org prod --source-dir force-app --test-level RunLocalTests --sarif findings.sarif",
        "  portcullis deploy check --org uat --environment sandbox --zip package.zip --fail-on high",
        "", "The org is $SF_INSTANCE_URL (or --instance-url) with the session in $SF_ACCESS_TOKEN (or --session-env):",
        "what `portcullis login` prints. Git facts and the principal come from the CI job's variables (GitHub",
        "Actions, GitLab CI) unless given. Exit 0 when the deployment would go ahead, 1 when policy denies it or",
        "holds it for approval (or --fail-on finds a change that severe), 2 for bad input, 4 when the org or a file",
        "cannot be reached."})
final class DeployCheckCommand implements Callable<Integer> {
  @ParentCommand DeployCommand deploy;
  @Spec CommandSpec spec;
  @Mixin DeployArguments arguments;

  @Override
  public Integer call() {
    Map<String, String> env = deploy.main.environment();
    FailOn threshold = arguments.failOn();
    DeployArguments.PackageSource source = arguments.readPackage();
    PolicyBundle bundle = arguments.loadPolicies();
    OrgAccess.Connection connection = arguments.connection(env);
    DeployInspection.Result result;
    try (HttpClient http = arguments.httpClient()) {
      MetadataClient client = MetadataClient.builder(connection.url(), connection::session, http).build();
      result = arguments.inspect(source, client, bundle, env);
    }
    Findings findings = new Findings(result.changes(), result.outcomes(), Optional.empty(), "",
        new Findings.Project(source.root(), source.manifest()));
    arguments.writeSarif(findings);
    PrintWriter out = spec.commandLine().getOut();
    out.print(arguments.terminalReport().render(findings));
    out.println("package sha256 " + result.packageHash() + "; decided by policy bundle "
        + result.decision().bundleHash().substring(0, 12));
    out.flush();
    return threshold.exitCode(findings);
  }
}
