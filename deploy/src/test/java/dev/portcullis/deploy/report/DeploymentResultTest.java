package dev.portcullis.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentResultTest {
  private static final SourceFiles FILES = SourceFiles.mapped(Map.of(
      "classes/Refunds.cls", "force-app/main/default/classes/Refunds.cls",
      "classes/RefundsTest.cls", "force-app/main/default/classes/RefundsTest.cls",
      "triggers/InvoiceTrigger.trigger", "force-app/main/default/triggers/InvoiceTrigger.trigger"));

  private static DeployResult result(String errorMessage, List<DeployMessage> failures, RunTestsResult tests) {
    return new DeployResult("0Af000000000123", DeployResult.Status.Failed, true, false, false, false, true, true, "",
        errorMessage, errorMessage.isEmpty() ? "" : "INVALID_CROSS_REFERENCE_KEY", 0, failures.size(), 3, 2,
        tests.numFailures(), 2, "005", "CI", null, null, null, null, "", "", List.of(), failures, tests);
  }

  private static DeployMessage failure(String type, String name, String file, int line, int column, String problem,
      String problemType) {
    return new DeployMessage(type, name, file, "", false, false, false, false, problem, problemType, line, column,
        null);
  }

  @Test
  void mapsComponentFailuresToProjectFiles() {
    DeploymentResult mapped = DeploymentResult.from(result("", List.of(
        failure("ApexClass", "Refunds", "classes/Refunds.cls", 14, 9, "Variable does not exist: amount", "Error"),
        failure("CustomObject", "Invoice__c", "objects/Invoice__c.object", 0, 0, "Field Amount__c exists", "Warning"),
        failure("", "package.xml", "", -1, -1, "No package.xml found", "Error")), RunTestsResult.NONE), FILES);

    assertThat(mapped.success()).isFalse();
    assertThat(mapped.status()).isEqualTo("Failed");
    assertThat(mapped.deployId()).isEqualTo("0Af000000000123");
    assertThat(mapped.componentFailures()).containsExactly(
        new DeploymentResult.ComponentFailure("ApexClass", "Refunds", "force-app/main/default/classes/Refunds.cls", 14,
            9, "Variable does not exist: amount", false),
        new DeploymentResult.ComponentFailure("CustomObject", "Invoice__c", "", 0, 0, "Field Amount__c exists", true),
        new DeploymentResult.ComponentFailure("", "package.xml", "", 0, 0, "No package.xml found", false));
  }

  @Test
  void aDeployLevelErrorIsAFailureOfTheWhole() {
    DeploymentResult mapped = DeploymentResult.from(result("Cannot find org", List.of(), RunTestsResult.NONE),
        SourceFiles.packageRoot());

    assertThat(mapped.componentFailures()).containsExactly(new DeploymentResult.ComponentFailure("", "", "", 0, 0,
        "INVALID_CROSS_REFERENCE_KEY: Cannot find org", false));
  }

  @Test
  void testFailuresPointAtTheFirstFrameTheProjectHolds() {
    RunTestsResult tests = new RunTestsResult(3, 3, 120, List.of(), List.of(
        new RunTestsResult.RunTestFailure("01p1", "RefundsTest", "", "refundsInFull",
            "System.NullPointerException: Attempt to de-reference a null object",
            "Class.Refunds.total: line 31, column 1\nClass.RefundsTest.refundsInFull: line 7, column 1", "Class", 10),
        new RunTestsResult.RunTestFailure("01p1", "RefundsTest", "", "managed",
            "boom", "Class.acme.Lib.run: line 3, column 5\nClass.RefundsTest.managed: line 12, column 3", "Class", 10),
        new RunTestsResult.RunTestFailure("01p2", "InvoiceTriggerTest", "", "insertFails",
            "System.DmlException", "Trigger.InvoiceTrigger: line 5, column 1", "Class", 10),
        new RunTestsResult.RunTestFailure("01p3", "GoneTest", "", "m", "x", "", "Class", 1)), List.of(),
        List.of(new RunTestsResult.CodeCoverageWarning("", "", "", "Average test coverage is 61%"),
            new RunTestsResult.CodeCoverageWarning("01p", "Refunds", "", "Test coverage of Refunds is 10%")));

    DeploymentResult mapped = DeploymentResult.from(result("", List.of(), tests), FILES);

    assertThat(mapped.testFailures()).extracting(f -> f.file() + ":" + f.line() + ":" + f.column()).containsExactly(
        "force-app/main/default/classes/Refunds.cls:31:1",
        "force-app/main/default/classes/RefundsTest.cls:12:3",
        "force-app/main/default/triggers/InvoiceTrigger.trigger:5:1",
        ":0:0");
    assertThat(mapped.testFailures().get(0).message()).startsWith("System.NullPointerException");
    assertThat(mapped.coverageWarnings()).containsExactly(
        new DeploymentResult.CoverageWarning("", "Average test coverage is 61%", ""),
        new DeploymentResult.CoverageWarning("Refunds", "Test coverage of Refunds is 10%",
            "force-app/main/default/classes/Refunds.cls"));
    assertThat(mapped.hasProblems()).isTrue();
  }

  @Test
  void sourceFilesForAMetadataDirectory() {
    SourceFiles files = SourceFiles.metadataDirectory("mdapi");

    assertThat(files.forPackagePath("classes/A.cls")).isEqualTo("mdapi/classes/A.cls");
    assertThat(files.forApex("ApexTrigger", "T")).isEqualTo("mdapi/triggers/T.trigger");
    assertThat(files.forApex("Flow", "F")).isEmpty();
    assertThat(SourceFiles.metadataDirectory("").forPackagePath("classes/A.cls")).isEqualTo("classes/A.cls");
  }
}
