package dev.portcullis.salesforce.metadata;

import java.util.List;
import java.util.Objects;

/**
 * The Apex tests a deploy ran (SOAP API Developer Guide, "RunTestsResult",
 * sforce_api_calls_runtests_result.htm; in a deploy it is {@code details/runTestResult},
 * meta_deployresult.htm). Times are milliseconds.
 *
 * @param numTestsRun how many test methods ran
 * @param numFailures how many failed
 * @param totalTime the run's time
 * @param successes the passing test methods
 * @param failures the failing test methods, with message and stack trace
 * @param codeCoverage coverage per class and trigger
 * @param codeCoverageWarnings coverage warnings, e.g. "Average test coverage across all Apex Classes and Triggers is 61%"
 */
public record RunTestsResult(
    int numTestsRun,
    int numFailures,
    double totalTime,
    List<RunTestSuccess> successes,
    List<RunTestFailure> failures,
    List<CodeCoverageResult> codeCoverage,
    List<CodeCoverageWarning> codeCoverageWarnings) {
  /** No tests ran (the result when a deploy ran none, or details were not asked for). */
  public static final RunTestsResult NONE = new RunTestsResult(0, 0, 0, List.of(), List.of(), List.of(), List.of());

  public RunTestsResult {
    successes = List.copyOf(successes);
    failures = List.copyOf(failures);
    codeCoverage = List.copyOf(codeCoverage);
    codeCoverageWarnings = List.copyOf(codeCoverageWarnings);
  }

  /** A passing test method (RunTestSuccess). */
  public record RunTestSuccess(String id, String name, String namespace, String methodName, double time) {
    public RunTestSuccess {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(methodName, "methodName");
    }
  }

  /**
   * A failing test method (RunTestFailure).
   *
   * @param name the test class
   * @param message e.g. {@code System.AssertException: Assertion Failed}
   * @param stackTrace e.g. {@code Class.AccountServiceTest.itFails: line 7, column 1}
   * @param type {@code Class}, {@code Trigger} …
   */
  public record RunTestFailure(
      String id, String name, String namespace, String methodName, String message, String stackTrace, String type, double time) {
    public RunTestFailure {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(methodName, "methodName");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(stackTrace, "stackTrace");
    }

    /** {@code Class.method: message}. */
    public String describe() {
      return name + "." + methodName + ": " + message;
    }
  }

  /** Coverage of one class or trigger (CodeCoverageResult). */
  public record CodeCoverageResult(
      String id, String name, String namespace, String type, int numLocations, int numLocationsNotCovered,
      List<CodeLocation> locationsNotCovered) {
    public CodeCoverageResult {
      Objects.requireNonNull(name, "name");
      locationsNotCovered = List.copyOf(locationsNotCovered);
    }
  }

  /** A line not covered (CodeLocation). */
  public record CodeLocation(int line, int column, int numExecutions, double time) {}

  /** A coverage warning (CodeCoverageWarning); {@code name} is empty for an org-wide one. */
  public record CodeCoverageWarning(String id, String name, String namespace, String message) {
    public CodeCoverageWarning {
      Objects.requireNonNull(message, "message");
    }
  }
}
