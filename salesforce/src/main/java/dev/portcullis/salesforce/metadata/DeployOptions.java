package dev.portcullis.salesforce.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of a {@code deploy()} call (Metadata API Developer Guide, "deploy()", section
 * "DeployOptions", meta_deploy.htm). Every one is sent explicitly, in the WSDL's order, so what the
 * org does never depends on a server-side default.
 *
 * @param allowMissingFiles let the deploy succeed when files named in {@code package.xml} are not in
 *     the zip; Salesforce says never for production
 * @param autoUpdatePackage add files in the zip but not in {@code package.xml}; never for production
 * @param checkOnly validate only: run everything, save nothing (a validation that can later be
 *     quick-deployed with {@link MetadataClient#deployRecentValidation})
 * @param ignoreWarnings let warnings not fail the deploy
 * @param performRetrieve retrieve the components after deploying them (rarely used)
 * @param purgeOnDelete components deleted by {@code destructiveChanges.xml} skip the recycle bin
 * @param rollbackOnError any failure rolls the whole deploy back; must be true for production
 * @param runTests the Apex test classes (or {@code Class.method}) to run; only with {@link
 *     TestLevel#RunSpecifiedTests}, and then at least one
 * @param singlePackage the zip holds one package with {@code package.xml} at its root (false: each
 *     top-level folder is a package)
 * @param testLevel which tests run; empty for Salesforce's default (meta_deploy_running_tests.htm)
 */
public record DeployOptions(
    boolean allowMissingFiles,
    boolean autoUpdatePackage,
    boolean checkOnly,
    boolean ignoreWarnings,
    boolean performRetrieve,
    boolean purgeOnDelete,
    boolean rollbackOnError,
    List<String> runTests,
    boolean singlePackage,
    Optional<TestLevel> testLevel) {

  /** The {@code TestLevel} values (meta_deploy.htm, "DeployOptions"; "Running Tests in a Deployment"). */
  public enum TestLevel {
    /** No tests; not allowed in production. */
    NoTestRun,
    /** The classes in {@code runTests}. */
    RunSpecifiedTests,
    /** Every test of the org except those of installed managed and unlocked packages. */
    RunLocalTests,
    /** Every test of the org, packages' included. */
    RunAllTestsInOrg,
    /** Tests Salesforce finds relevant to the payload (beta, API 66.0 and later; meta_deploy_run_relevant_tests.htm). */
    RunRelevantTests
  }

  public DeployOptions {
    runTests = List.copyOf(runTests);
    Objects.requireNonNull(testLevel, "testLevel");
    for (String test : runTests) {
      if (test.isBlank()) {
        throw new IllegalArgumentException("runTests holds a blank test name");
      }
    }
    boolean specified = testLevel.orElse(null) == TestLevel.RunSpecifiedTests;
    if (specified && runTests.isEmpty()) {
      throw new IllegalArgumentException("testLevel RunSpecifiedTests needs at least one test in runTests");
    }
    if (!specified && !runTests.isEmpty()) {
      throw new IllegalArgumentException(
          "runTests " + runTests + " is only used with testLevel RunSpecifiedTests, not " + testLevel.map(Enum::name).orElse("the default"));
    }
  }

  /**
   * Everything false except {@code rollbackOnError}, no tests named, Salesforce's default test
   * level. Rolling back on error is our default (the API's is false) because a half-applied
   * deployment is the harder state to reason about, and production requires it anyway.
   */
  public static DeployOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.allowMissingFiles = allowMissingFiles;
    b.autoUpdatePackage = autoUpdatePackage;
    b.checkOnly = checkOnly;
    b.ignoreWarnings = ignoreWarnings;
    b.performRetrieve = performRetrieve;
    b.purgeOnDelete = purgeOnDelete;
    b.rollbackOnError = rollbackOnError;
    b.runTests = runTests;
    b.singlePackage = singlePackage;
    b.testLevel = testLevel.orElse(null);
    return b;
  }

  /** Builds {@link DeployOptions}; starts from {@link #defaults()}. */
  public static final class Builder {
    private boolean allowMissingFiles;
    private boolean autoUpdatePackage;
    private boolean checkOnly;
    private boolean ignoreWarnings;
    private boolean performRetrieve;
    private boolean purgeOnDelete;
    private boolean rollbackOnError = true;
    private List<String> runTests = List.of();
    private boolean singlePackage;
    private TestLevel testLevel;

    private Builder() {}

    public Builder allowMissingFiles(boolean value) {
      allowMissingFiles = value;
      return this;
    }

    public Builder autoUpdatePackage(boolean value) {
      autoUpdatePackage = value;
      return this;
    }

    public Builder checkOnly(boolean value) {
      checkOnly = value;
      return this;
    }

    public Builder ignoreWarnings(boolean value) {
      ignoreWarnings = value;
      return this;
    }

    public Builder performRetrieve(boolean value) {
      performRetrieve = value;
      return this;
    }

    public Builder purgeOnDelete(boolean value) {
      purgeOnDelete = value;
      return this;
    }

    public Builder rollbackOnError(boolean value) {
      rollbackOnError = value;
      return this;
    }

    /** The test level; {@code null} for Salesforce's default. */
    public Builder testLevel(TestLevel value) {
      testLevel = value;
      return this;
    }

    /** {@link TestLevel#RunSpecifiedTests} with these tests. */
    public Builder runSpecifiedTests(List<String> tests) {
      testLevel = TestLevel.RunSpecifiedTests;
      runTests = List.copyOf(tests);
      return this;
    }

    public Builder singlePackage(boolean value) {
      singlePackage = value;
      return this;
    }

    public DeployOptions build() {
      return new DeployOptions(allowMissingFiles, autoUpdatePackage, checkOnly, ignoreWarnings, performRetrieve,
          purgeOnDelete, rollbackOnError, runTests, singlePackage, Optional.ofNullable(testLevel));
    }
  }
}
