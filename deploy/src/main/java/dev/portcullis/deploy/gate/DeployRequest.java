package dev.portcullis.deploy.gate;

import java.util.List;
import java.util.Objects;

/**
 * A Metadata API deployment asked of the {@link DeployGatekeeper}: by whom, to which org, with what package and
 * options, from which commit.
 *
 * @param org the target org's alias
 * @param environment the org's environment from configuration: {@code production}, {@code sandbox}, …
 * @param zip the deployment zip (Metadata API format), not copied; empty for the quick deploy of a validation
 * @param via how it came: {@code gateway-soap}, {@code gateway-rest}, {@code rollback}, …
 * @param decisionId the enforcement point's id for this decision, or null to have one made
 */
public record DeployRequest(String org, String environment, byte[] zip, Options options, Requester requester,
    Git git, String via, String decisionId) {

  public DeployRequest {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(environment, "environment");
    zip = zip == null ? new byte[0] : zip;
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(requester, "requester");
    git = git == null ? Git.NONE : git;
    Objects.requireNonNull(via, "via");
  }

  /**
   * The Metadata API deploy options that policy decides on (meta_deploy.htm, "DeployOptions").
   *
   * @param testLevel {@code NoTestRun}, {@code RunSpecifiedTests}, {@code RunLocalTests}, {@code RunAllTestsInOrg},
   *     or empty for Salesforce's default
   * @param runTests the test classes of {@code RunSpecifiedTests}
   * @param checkOnly a validation that saves nothing
   * @param validatedId the Salesforce id of a validation to quick deploy ({@code deployRecentValidation}), or
   *     null; then there is no zip
   */
  public record Options(String testLevel, List<String> runTests, boolean checkOnly, String validatedId) {
    public Options {
      testLevel = testLevel == null ? "" : testLevel;
      runTests = runTests == null ? List.of() : List.copyOf(runTests);
      validatedId = validatedId == null || validatedId.isBlank() ? null : validatedId;
    }
  }

  /**
   * Who asks.
   *
   * @param actor the person behind a CI run ({@code actor}, {@code user_login}), or null
   * @param session the Portcullis session, or null
   * @param kind {@code oidc}, {@code mtls} or {@code person}
   */
  public record Requester(String issuer, String subject, String actor, String session, String kind) {
    public Requester {
      issuer = issuer == null ? "" : issuer;
      subject = subject == null ? "" : subject;
      kind = kind == null ? "" : kind;
    }
  }

  /**
   * Where the package comes from, as the CI platform vouches for it; any part may be null.
   *
   * @param run the pipeline run (id or URL)
   * @param protectedBranch the platform's word that the branch is protected; null when unknown (then not)
   */
  public record Git(String repository, String commit, String branch, String run, Boolean protectedBranch) {
    /** Nothing known. */
    public static final Git NONE = new Git(null, null, null, null, null);
  }
}
