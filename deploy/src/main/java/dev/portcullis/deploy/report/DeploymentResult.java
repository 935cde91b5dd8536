package dev.portcullis.deploy.report;

import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a deployment went, as far as the findings report shows it: the components that failed, the
 * Apex tests that failed, and the code coverage warnings. Files are project-relative paths (or
 * {@code ""} when unknown); lines and columns are 1-based, 0 when unknown.
 *
 * @param deployId the Salesforce deploy id ({@code 0Af…}), or {@code ""}
 * @param success whether the deployment succeeded (or, check-only, would have)
 * @param status the Metadata API status ({@code Succeeded}, {@code Failed}, …)
 */
public record DeploymentResult(
    String deployId,
    boolean success,
    String status,
    List<ComponentFailure> componentFailures,
    List<TestFailure> testFailures,
    List<CoverageWarning> coverageWarnings) {

  /** {@code Class.Name.method: line 7, column 1} or {@code Trigger.Name: line 5, column 1} (one stack frame). */
  private static final Pattern FRAME = Pattern.compile("^(Class|Trigger)\\.([^:\\s]+): line (\\d+), column (\\d+)");

  public DeploymentResult {
    Objects.requireNonNull(deployId, "deployId");
    Objects.requireNonNull(status, "status");
    componentFailures = List.copyOf(componentFailures);
    testFailures = List.copyOf(testFailures);
    coverageWarnings = List.copyOf(coverageWarnings);
  }

  /**
   * A component the deployment could not save, or a problem of the deployment as a whole (then type,
   * name and file are empty).
   *
   * @param warning the Metadata API called it a {@code Warning} rather than an {@code Error}
   */
  public record ComponentFailure(
      String componentType, String fullName, String file, int line, int column, String problem, boolean warning) {
    public ComponentFailure {
      Objects.requireNonNull(componentType, "componentType");
      Objects.requireNonNull(fullName, "fullName");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /**
   * A failed Apex test method; {@code file}, {@code line} and {@code column} point at the first frame
   * of the stack trace whose class the project holds, else at the test class.
   */
  public record TestFailure(
      String className, String methodName, String message, String stackTrace, String file, int line, int column) {
    public TestFailure {
      Objects.requireNonNull(className, "className");
      Objects.requireNonNull(methodName, "methodName");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(stackTrace, "stackTrace");
      Objects.requireNonNull(file, "file");
    }
  }

  /** A code coverage warning; {@code name} is the class or trigger, {@code ""} for the org-wide average. */
  public record CoverageWarning(String name, String message, String file) {
    public CoverageWarning {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * The report's view of a Metadata API deploy result ({@code checkDeployStatus} with details;
   * Metadata API Developer Guide, "DeployResult"): {@code componentFailures}, a deploy-level {@code
   * errorMessage}, {@code runTestResult.failures} and {@code runTestResult.codeCoverageWarnings}.
   * {@code files} maps the package's paths and Apex names to project files.
   */
  public static DeploymentResult from(DeployResult result, SourceFiles files) {
    List<ComponentFailure> components = new ArrayList<>();
    if (!result.errorMessage().isEmpty()) {
      String code = result.errorStatusCode().isEmpty() ? "" : result.errorStatusCode() + ": ";
      components.add(new ComponentFailure("", "", "", 0, 0, code + result.errorMessage(), false));
    }
    for (DeployMessage message : result.componentFailures()) {
      components.add(new ComponentFailure(message.componentType(), message.fullName(),
          message.fileName().isEmpty() ? "" : files.forPackagePath(message.fileName()),
          Math.max(0, message.lineNumber()), Math.max(0, message.columnNumber()),
          message.problem(), "Warning".equals(message.problemType())));
    }
    RunTestsResult tests = result.runTestResult();
    List<TestFailure> failures = new ArrayList<>();
    for (RunTestsResult.RunTestFailure failure : tests.failures()) {
      failures.add(testFailure(failure, files));
    }
    List<CoverageWarning> coverage = new ArrayList<>();
    for (RunTestsResult.CodeCoverageWarning warning : tests.codeCoverageWarnings()) {
      String name = warning.name() == null ? "" : warning.name();
      String file = name.isEmpty() ? "" : firstKnown(files.forApex("ApexClass", name), files.forApex("ApexTrigger", name));
      coverage.add(new CoverageWarning(name, warning.message(), file));
    }
    return new DeploymentResult(result.id(), result.success(), result.status().name(), components, failures, coverage);
  }

  /** Whether the report has anything to say about the deployment beyond its status. */
  public boolean hasProblems() {
    return !componentFailures.isEmpty() || !testFailures.isEmpty() || !coverageWarnings.isEmpty();
  }

  private static TestFailure testFailure(RunTestsResult.RunTestFailure failure, SourceFiles files) {
    String type = "Trigger".equals(failure.type()) ? "ApexTrigger" : "ApexClass";
    for (String frame : failure.stackTrace().split("\\R")) {
      Matcher matcher = FRAME.matcher(frame.strip());
      if (!matcher.find()) {
        continue;
      }
      String frameType = matcher.group(1).equals("Trigger") ? "ApexTrigger" : "ApexClass";
      String[] segments = matcher.group(2).split("\\.");
      // Class.Name.method, Class.Outer.Inner.method, or with a namespace Class.ns.Name.method.
      for (int i = 0; i < Math.min(2, segments.length); i++) {
        String file = files.forApex(frameType, segments[i]);
        if (!file.isEmpty()) {
          return new TestFailure(failure.name(), failure.methodName(), failure.message(), failure.stackTrace(), file,
              parse(matcher.group(3)), parse(matcher.group(4)));
        }
      }
    }
    return new TestFailure(failure.name(), failure.methodName(), failure.message(), failure.stackTrace(),
        files.forApex(type, failure.name()), 0, 0);
  }

  private static int parse(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return 0; // more digits than an int holds: no usable line
    }
  }

  private static String firstKnown(String first, String second) {
    return first.isEmpty() ? second : first;
  }
}
