package dev.portcullis.cli;

import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.report.Decision;
import dev.portcullis.deploy.report.DeploymentResult;
import dev.portcullis.deploy.report.FailOn;
import dev.portcullis.deploy.report.Findings;
import dev.portcullis.deploy.report.SourceFiles;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployProgress;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code portcullis deploy start} (and of {@code deploy rollback}, which is a start of the downloaded
 * rollback package): inspect and report, send the Metadata API deploy to the instance URL, follow it, report the
 * result.
 *
 * <h2>Design note</h2>
 *
 * <ul>
 *   <li><b>The gateway is the gate.</b> The local inspection is the same as {@code deploy check}'s and is printed
 *       first. A local <em>deny</em> (or a change at {@code --fail-on}) stops here: nothing is sent. A local
 *       <em>hold</em> is sent anyway, because approvals live in the server: through the gateway (a session from
 *       {@code portcullis login}) the gateway decides again, requests the approval and answers the SOAP fault
 *       {@code sf:PORTCULLIS_APPROVAL_REQUIRED} naming it, or lets the deploy through once it is approved. Sent to
 *       Salesforce directly with a Salesforce session, nothing enforces a hold: the CLI is a convenience, not the
 *       boundary (whoever holds a Salesforce session can deploy with any client).
 *   <li><b>The exit code says how the deployment went</b> (CONVENTIONS.md): 0 it succeeded (or was queued, with
 *       {@code --wait 0}); 1 policy denied or held it, or Salesforce refused it or it failed; 2 usage; 4 the org
 *       or the gateway could not be reached, or the wait ran out before the deploy finished (it goes on).
 *   <li><b>Progress goes to stderr</b>, one line when something changed (counts, status, a new failure), never a
 *       line per poll; each failure once, as it appears ({@link MetadataClient#awaitDeploy}).
 *   <li>Text from the server is made printable ({@link Printable}); the session is never printed.
 * </ul>
 */
final class DeployRun {
  /** In a fault string: {@code approval apr_… was requested} or {@code approval apr_… is pending}. */
  private static final Pattern APPROVAL = Pattern.compile("approval ([A-Za-z0-9_.:-]*[A-Za-z0-9_])(?: was requested| is pending)");
  /** In a fault string: {@code deployment dpl_…}. */
  private static final Pattern DEPLOYMENT = Pattern.compile("deployment ([A-Za-z0-9_.:-]*[A-Za-z0-9_])");

  private final DeployArguments arguments;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final int waitMinutes;
  private final String command;

  /**
   * @param command the command line to repeat after an approval, e.g. {@code portcullis deploy start …}
   */
  DeployRun(DeployArguments arguments, Map<String, String> env, PrintWriter out, PrintWriter err, int waitMinutes,
      String command) {
    if (waitMinutes < 0) {
      throw new CliException(ExitCode.USAGE, "--wait " + waitMinutes + ": give minutes, 0 or more (0: do not wait)");
    }
    this.arguments = arguments;
    this.env = env;
    this.out = out;
    this.err = err;
    this.waitMinutes = waitMinutes;
    this.command = command;
  }

  /**
   * Deploys the package the arguments name, or quick-deploys {@code quickId} (then a package is inspected only when
   * one is named).
   */
  int run(Optional<String> quickId) {
    FailOn threshold = arguments.failOn();
    DeployOptions options = arguments.deployOptions();
    if (quickId.isPresent() && options.checkOnly()) {
      throw new CliException(ExitCode.USAGE, "--quick deploys a validation that already ran; --check-only does not"
          + " go with it");
    }
    DeployArguments.PackageSource source = quickId.isEmpty() || arguments.namesPackage() ? arguments.readPackage() : null;
    OrgAccess.Connection connection = arguments.connection(env);
    try (HttpClient http = arguments.httpClient()) {
      MetadataClient client = MetadataClient.builder(connection.url(), connection::session, http).build();
      Inspected inspected = source == null ? null : inspect(source, client);
      if (inspected != null) {
        Decision decision = inspected.findings().decision();
        if (decision == Decision.DENIED) {
          arguments.writeSarif(inspected.findings());
          out.println("not deployed: policy denies this deployment (nothing was sent)");
          out.flush();
          return ExitCode.DENIED.code();
        }
        if (threshold.failsOn(inspected.findings().changes())) {
          arguments.writeSarif(inspected.findings());
          out.println("not deployed: " + threshold.offending(inspected.findings().changes()).size()
              + " change(s) at or above --fail-on " + threshold + " (nothing was sent)");
          out.flush();
          return ExitCode.DENIED.code();
        }
        if (decision == Decision.HELD) {
          err.println("portcullis: policy holds this deployment for approval; sending it to " + connection.url()
              + ", whose gateway requests the approval (or lets it through once given)");
          err.flush();
        }
      }
      String deployId = send(client, source, options, quickId, inspected);
      if (deployId == null) {
        return ExitCode.DENIED.code();
      }
      out.println((quickId.isPresent() ? "quick deploy of " + Printable.of(quickId.get()) : options.checkOnly()
          ? "validation" : "deploy") + " " + Printable.of(deployId) + " queued on " + connection.url());
      out.flush();
      if (waitMinutes == 0) {
        out.println("not waiting (--wait 0)");
        out.flush();
        if (inspected != null) {
          arguments.writeSarif(inspected.findings());
        }
        return ExitCode.OK.code();
      }
      return follow(client, deployId, source, inspected, options);
    }
  }

  private record Inspected(DeployInspection.Result result, Findings findings) {}

  private Inspected inspect(DeployArguments.PackageSource source, MetadataClient client) {
    DeployInspection.Result result = arguments.inspect(source, client, arguments.loadPolicies(), env);
    Findings findings = new Findings(result.changes(), result.outcomes(), Optional.empty(), "",
        new Findings.Project(source.root(), source.manifest()));
    out.print(arguments.terminalReport().render(findings));
    out.println("package sha256 " + result.packageHash() + "; decided by policy bundle "
        + result.decision().bundleHash().substring(0, 12));
    out.flush();
    return new Inspected(result, findings);
  }

  /** Sends the deploy; answers its id, or null when the gateway denied or held it (already reported). */
  private String send(MetadataClient client, DeployArguments.PackageSource source, DeployOptions options,
      Optional<String> quickId, Inspected inspected) {
    Path zip = null;
    try {
      if (quickId.isPresent()) {
        return client.deployRecentValidation(quickId.get());
      }
      zip = Files.createTempFile("portcullis-deploy-", ".zip");
      try (OutputStream file = Files.newOutputStream(zip)) {
        source.pkg().writeZip(file);
      }
      return client.deploy(zip, options).id();
    } catch (SalesforceException e) {
      if (inspected != null) {
        arguments.writeSarif(inspected.findings());
      }
      return refused(e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, (quickId.isPresent() ? "--quick: " : "") + e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot write the deployment zip: " + e.getMessage(), e);
    } finally {
      if (zip != null) {
        try {
          Files.deleteIfExists(zip);
        } catch (IOException e) {
          err.println("portcullis: note: cannot delete the temporary zip " + zip + ": " + e.getMessage());
        }
      }
    }
  }

  /** Reports a gateway's denial or hold (answers null), or throws any other refusal with its exit code. */
  private String refused(SalesforceException e) {
    String code = e.errors().isEmpty() ? "" : e.errors().getFirst().errorCode();
    String message = e.errors().isEmpty() ? "" : e.errors().getFirst().message();
    switch (code) {
      case "PORTCULLIS_DENIED" -> {
        out.println("denied by the gateway: " + Printable.of(message));
        out.println("an approval does not release a denial: change the package or the policy");
        out.flush();
        return null;
      }
      case "PORTCULLIS_APPROVAL_REQUIRED" -> {
        Optional<String> approval = find(APPROVAL, message);
        Optional<String> deployment = find(DEPLOYMENT, message);
        out.println("held for approval by the gateway: " + Printable.of(message));
        if (approval.isPresent()) {
          out.println("approval " + Printable.of(approval.get())
              + deployment.map(d -> " for deployment " + Printable.of(d)).orElse(""));
          out.println("to approve (someone other than the deployment's author, with their own token):");
          out.println("  portcullis deploy approve " + Printable.of(approval.get()));
        } else {
          out.println("the gateway named no approval id; list pending ones with `portcullis approval list`");
        }
        out.println("then run the same command again to deploy: " + command);
        out.flush();
        return null;
      }
      default -> throw new CliException(exitCode(e.code()), "the deploy was not accepted: " + e.getMessage(), e);
    }
  }

  private int follow(MetadataClient client, String deployId, DeployArguments.PackageSource source, Inspected inspected,
      DeployOptions options) {
    DeployResult result;
    try {
      result = client.awaitDeploy(deployId, Duration.ofMinutes(waitMinutes), this::progress);
    } catch (SalesforceException e) {
      throw new CliException(exitCode(e.code()), "lost track of deploy " + deployId + " (it goes on in the org): "
          + e.getMessage(), e);
    }
    if (!result.done()) {
      out.println("deploy " + Printable.of(deployId) + " is still " + result.status() + " after " + waitMinutes
          + " minute(s); it goes on in the org (follow it with `sf project deploy report --job-id "
          + Printable.of(deployId) + "`)");
      out.flush();
      if (inspected != null) {
        arguments.writeSarif(inspected.findings());
      }
      return ExitCode.UNAVAILABLE.code();
    }
    SourceFiles files = source == null ? SourceFiles.packageRoot() : source.files();
    DeploymentResult deployment = DeploymentResult.from(result, files);
    String root = source == null ? "" : source.root();
    out.print(arguments.terminalReport().renderDeployment(deployment, root));
    out.println(testSummary(result.runTestResult()));
    if (result.success() && options.checkOnly()) {
      out.println("validated: quick-deploy it within 10 days with `portcullis deploy start --org ... --quick "
          + Printable.of(deployId) + "`");
    }
    out.flush();
    Findings findings = inspected != null
        ? new Findings(inspected.findings().changes(), inspected.findings().policy(), Optional.of(deployment), "",
            inspected.findings().project())
        : new Findings(List.of(), List.of(), Optional.of(deployment), "", new Findings.Project("", "package.xml"));
    arguments.writeSarif(findings);
    return result.success() ? ExitCode.OK.code() : ExitCode.DENIED.code();
  }

  /** One progress line on stderr, then each failure that appeared since the last one. */
  private void progress(DeployProgress p) {
    int failures = p.componentErrors() + p.testErrors();
    StringBuilder line = new StringBuilder("portcullis: ").append(p.status()).append(": components ")
        .append(p.componentsDone()).append('/').append(p.componentsTotal()).append(", tests ").append(p.testsDone())
        .append('/').append(p.testsTotal());
    if (failures > 0) {
      line.append(", ").append(failures).append(failures == 1 ? " failure" : " failures");
    }
    if (!p.stateDetail().isEmpty()) {
      line.append(" (").append(Printable.of(p.stateDetail())).append(')');
    }
    err.println(line);
    for (DeployMessage m : p.newComponentFailures()) {
      err.println("portcullis:   component failed: " + Printable.of(m.componentType() + " " + m.fullName())
          + (m.fileName().isEmpty() ? "" : " (" + Printable.of(m.fileName())
              + (m.lineNumber() > 0 ? ":" + m.lineNumber() : "") + ")")
          + ": " + Printable.of(m.problem()));
    }
    for (RunTestsResult.RunTestFailure f : p.newTestFailures()) {
      err.println("portcullis:   test failed: " + Printable.of(f.describe()));
    }
    err.flush();
  }

  /** {@code tests: 10 run, 1 failed; coverage 82% (123 of 150 lines)}. */
  static String testSummary(RunTestsResult tests) {
    StringBuilder text = new StringBuilder("tests: ").append(tests.numTestsRun()).append(" run, ")
        .append(tests.numFailures()).append(" failed");
    long locations = 0;
    long notCovered = 0;
    for (RunTestsResult.CodeCoverageResult c : tests.codeCoverage()) {
      locations += Math.max(0, c.numLocations());
      notCovered += Math.max(0, Math.min(c.numLocations(), c.numLocationsNotCovered()));
    }
    if (locations > 0) {
      long covered = locations - notCovered;
      text.append("; coverage ").append(covered * 100 / locations).append("% (").append(covered).append(" of ")
          .append(locations).append(" lines)");
    } else {
      text.append("; no coverage reported");
    }
    return text.toString();
  }

  private static Optional<String> find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** The exit code of a Salesforce failure: unreachable is 4, a session to renew is 2, a refusal 1. */
  static ExitCode exitCode(SalesforceErrorCode code) {
    if (code.isTransient() || code.kind() == SalesforceErrorCode.Kind.PROTOCOL) {
      return ExitCode.UNAVAILABLE;
    }
    return code == SalesforceErrorCode.METADATA_INVALID_SESSION_ID ? ExitCode.USAGE : ExitCode.DENIED;
  }
}
