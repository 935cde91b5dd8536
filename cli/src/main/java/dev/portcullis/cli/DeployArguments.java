package dev.portcullis.cli;

import dev.portcullis.deploy.DeployErrorCode;
import dev.portcullis.deploy.DeployException;
import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.MetadataApiOrg;
import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.deploy.pkg.PackageException;
import dev.portcullis.deploy.report.FailOn;
import dev.portcullis.deploy.report.Findings;
import dev.portcullis.deploy.report.ReportException;
import dev.portcullis.deploy.report.SarifWriter;
import dev.portcullis.deploy.report.SourceFiles;
import dev.portcullis.deploy.report.TerminalReport;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The arguments {@code portcullis deploy check} and {@code deploy start} share (a picocli mixin): the package, the
 * target org and how to reach it, the policy bundle, the tests, the git facts, and the findings output. Also what
 * both do with them: read the package, connect, inspect and decide, write the report.
 */
final class DeployArguments {
  /** Where the SARIF log says the tool is documented (an absolute URI, SARIF §3.19.17). */
  static final String INFORMATION_URI = "urn:portcullis:docs:DEPLOY.md";

  @Option(names = "--org", required = true, paramLabel = "ALIAS", description = "The target org's alias (policy's org.alias).")
  String org;

  @Option(names = "--environment", paramLabel = "ENV", defaultValue = "production",
      description = "The target org's environment for policy (production, sandbox, scratch, developer)."
          + " Default: ${DEFAULT-VALUE}, the strictest.")
  String environment;

  @Option(names = {"--source-dir", "-d"}, arity = "1..*", paramLabel = "DIR", description = "Source-format directories.")
  List<Path> sourceDirs = List.of();

  @Option(names = {"--manifest", "-x"}, paramLabel = "FILE", description = "A package.xml selecting components of the project.")
  Path manifest;

  @Option(names = "--metadata-dir", paramLabel = "DIR", description = "A Metadata API format directory (package.xml at its root).")
  Path metadataDir;

  @Option(names = "--zip", paramLabel = "FILE", description = "A Metadata API deployment zip.")
  Path zip;

  @Option(names = "--project", paramLabel = "DIR", description = "The SFDX project (default: .).")
  Path project;

  @Mixin OrgAccess orgAccess;

  @Option(names = "--policies", paramLabel = "DIR", description = "The policy bundle (default: the built-in pack).")
  Path policies;

  @Option(names = {"--test-level", "-l"}, paramLabel = "LEVEL",
      description = "NoTestRun, RunSpecifiedTests, RunLocalTests or RunAllTestsInOrg (default: Salesforce's).")
  String testLevel;

  @Option(names = {"--tests", "-t"}, split = ",", paramLabel = "CLASS", description = "Test classes of RunSpecifiedTests.")
  List<String> tests = List.of();

  @Option(names = "--check-only", description = "Decide a validation (check-only deploy) instead of a deployment.")
  boolean checkOnly;

  @Option(names = "--git-repository", paramLabel = "OWNER/NAME", description = "Default: $GITHUB_REPOSITORY or $CI_PROJECT_PATH.")
  String gitRepository;

  @Option(names = "--git-commit", paramLabel = "SHA", description = "Default: $GITHUB_SHA or $CI_COMMIT_SHA.")
  String gitCommit;

  @Option(names = "--git-branch", paramLabel = "BRANCH", description = "Default: $GITHUB_REF_NAME or $CI_COMMIT_REF_NAME.")
  String gitBranch;

  @Option(names = "--git-author", paramLabel = "LOGIN", description = "Default: $GITHUB_ACTOR or $GITLAB_USER_LOGIN.")
  String gitAuthor;

  @Option(names = "--git-protected", paramLabel = "true|false",
      description = "Whether the branch is protected. Default: $GITHUB_REF_PROTECTED or $CI_COMMIT_REF_PROTECTED, else false.")
  Boolean gitProtected;

  @Option(names = "--sarif", paramLabel = "FILE", description = "Also write the findings as SARIF 2.1.0 (GitHub code scanning).")
  Path sarif;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "none",
      description = "Also exit 1 when a change is at least this severe: critical, high, medium, low, info or none."
          + " Default: ${DEFAULT-VALUE}.")
  String failOn;

  @Option(names = "--color", description = "Colour the report (ANSI).")
  boolean color;

  /** The package read, with where it came from (for the report's paths). */
  record PackageSource(MetadataPackage pkg, String root, String manifest) {
    /** The project file each package path came from, for the deployment's failures. */
    SourceFiles files() {
      return path -> pkg.sourceOf(path).orElse("");
    }
  }

  FailOn failOn() {
    try {
      return FailOn.parse(failOn);
    } catch (ReportException e) {
      throw new CliException(ExitCode.USAGE, "--fail-on: " + e.getMessage(), e);
    }
  }

  /** Whether the command line names a package (a project in the working directory is the default). */
  boolean namesPackage() {
    return !sourceDirs.isEmpty() || manifest != null || metadataDir != null || zip != null || project != null;
  }

  /** Reads the package and parses every metadata XML file in it (DOCTYPEs refused) before the org is asked anything. */
  PackageSource readPackage() {
    PackageSource source = readPackageFiles();
    try {
      source.pkg().sha256();
    } catch (PackageException e) {
      throw DeployConvertCommand.refused(e);
    }
    return source;
  }

  private PackageSource readPackageFiles() {
    int kinds = (sourceDirs.isEmpty() && manifest == null ? 0 : 1) + (metadataDir == null ? 0 : 1) + (zip == null ? 0 : 1);
    if (kinds > 1) {
      throw new CliException(ExitCode.USAGE, "give one package: --source-dir/--manifest, --metadata-dir or --zip");
    }
    try {
      if (metadataDir != null) {
        return new PackageSource(MetadataPackage.fromMetadataDirectory(metadataDir), metadataDir.toString(),
            "package.xml");
      }
      if (zip != null) {
        return new PackageSource(MetadataPackage.fromZip(zip), "", zip.getFileName().toString());
      }
      Optional<Manifest> selection = Optional.ofNullable(manifest).map(DeployConvertCommand::readManifest);
      Path root = project == null ? Path.of(".") : project;
      MetadataPackage pkg = sourceDirs.isEmpty() ? MetadataPackage.fromProject(root, selection)
          : MetadataPackage.fromSource(sourceDirs, selection);
      return new PackageSource(pkg, root.toAbsolutePath().normalize().toString(),
          manifest != null ? manifest.toString() : "sfdx-project.json");
    } catch (PackageException e) {
      throw DeployConvertCommand.refused(e);
    }
  }

  PolicyBundle loadPolicies() {
    if (policies == null) {
      return PolicyBundle.loadDefault();
    }
    try {
      return PolicyBundle.load(policies);
    } catch (PolicyException e) {
      throw new CliException(ExitCode.USAGE, "the policy bundle " + policies + " does not load: " + e.getMessage(), e);
    }
  }

  /** The org's (or the gateway's) URL and the session, from the options or the environment. */
  OrgAccess.Connection connection(Map<String, String> env) {
    return orgAccess.connection(env);
  }

  /** An HTTP client trusting {@code --ca-cert} as well; the caller closes it. */
  HttpClient httpClient() {
    return orgAccess.httpClient();
  }

  /** Retrieves the package's components from the org, diffs them and decides with the policy bundle. */
  DeployInspection.Result inspect(PackageSource source, MetadataClient client, PolicyBundle bundle,
      Map<String, String> env) {
    try {
      return DeployInspection.inspect(source.pkg(), new MetadataApiOrg(client, Duration.ofMinutes(10)), bundle,
          context(env));
    } catch (DeployException e) {
      throw new CliException(e.code() == DeployErrorCode.RETRIEVE_FAILED ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
          e.code() + ": " + e.getMessage(), e);
    }
  }

  /** The Metadata API deploy options these arguments ask for (rollback on error, as Salesforce requires in production). */
  DeployOptions deployOptions() {
    DeployOptions.TestLevel level = null;
    if (testLevel != null) {
      try {
        level = DeployOptions.TestLevel.valueOf(testLevel.strip());
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--test-level " + testLevel + ": not one of NoTestRun,"
            + " RunSpecifiedTests, RunLocalTests, RunAllTestsInOrg, RunRelevantTests");
      }
    }
    try {
      DeployOptions.Builder builder = DeployOptions.builder().checkOnly(checkOnly).singlePackage(true);
      return level == DeployOptions.TestLevel.RunSpecifiedTests ? builder.runSpecifiedTests(tests).build()
          : builder.testLevel(level).build();
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--test-level/--tests: " + e.getMessage(), e);
    }
  }

  /** Writes {@code --sarif} when it was given. */
  void writeSarif(Findings findings) {
    if (sarif == null) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(sarif)) {
      SarifWriter.create(new VersionProvider().getVersion()[0].replaceFirst("^portcullis\\s+", ""), INFORMATION_URI)
          .write(findings, out);
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot write --sarif " + sarif + ": " + e.getMessage(), e);
    }
  }

  TerminalReport terminalReport() {
    return color ? TerminalReport.coloured() : TerminalReport.plain();
  }

  /**
   * The policy input besides the package: the principal and git facts of the CI job (GitHub Actions' and GitLab
   * CI's predefined variables), the options overriding them.
   */
  DeployInspection.Context context(Map<String, String> env) {
    boolean github = "true".equals(env.get("GITHUB_ACTIONS"));
    boolean gitlab = "true".equals(env.get("GITLAB_CI"));
    String repository = first(gitRepository, env.get("GITHUB_REPOSITORY"), env.get("CI_PROJECT_PATH"));
    String branch = first(gitBranch, env.get("GITHUB_REF_NAME"), env.get("CI_COMMIT_REF_NAME"));
    String author = first(gitAuthor, env.get("GITHUB_ACTOR"), env.get("GITLAB_USER_LOGIN"));
    boolean isProtected = gitProtected != null ? gitProtected
        : "true".equals(first(null, env.get("GITHUB_REF_PROTECTED"), env.get("CI_COMMIT_REF_PROTECTED")));
    DeployInput.Git git = new DeployInput.Git(repository, first(gitCommit, env.get("GITHUB_SHA"),
        env.get("CI_COMMIT_SHA")), branch, author, isProtected);
    Map<String, Object> claims = new LinkedHashMap<>();
    DecisionInput.Principal principal;
    if (github) {
      String ref = first(null, env.get("GITHUB_REF"));
      claims.put("repository", repository);
      claims.put("ref", ref);
      claims.put("actor", author);
      principal = new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com",
          "repo:" + repository + ":ref:" + ref, claims);
    } else if (gitlab) {
      claims.put("project_path", repository);
      claims.put("ref", branch);
      claims.put("ref_protected", String.valueOf(isProtected));
      claims.put("user_login", author);
      principal = new DecisionInput.Principal("gitlab", first(null, env.get("CI_SERVER_URL")),
          "project_path:" + repository + ":ref_type:branch:ref:" + branch, claims);
    } else {
      principal = new DecisionInput.Principal("", "", "", Map.of()); // no CI identity: the default pack denies
    }
    List<String> testClasses = new ArrayList<>(tests);
    DeployInput.Builder input = DeployInput.builder().principal(principal)
        .org(new DecisionInput.Org(org, environment, "")).git(git).now(Instant.now());
    return new DeployInspection.Context(input, testLevel, testClasses, checkOnly, false);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return "";
  }
}
