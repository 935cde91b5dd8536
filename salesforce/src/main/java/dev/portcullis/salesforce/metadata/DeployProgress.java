package dev.portcullis.salesforce.metadata;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MetadataClient#awaitDeploy} reports while it polls: counts for a "components 12/40,
 * tests 3/10" line, and the failures that appeared since the previous report, each reported once.
 *
 * @param id the deploy id
 * @param status where the deploy is
 * @param stateDetail what it is doing now, or empty
 * @param componentsDone components deployed or failed so far
 * @param componentsTotal components in the deploy (0 until Salesforce knows)
 * @param componentErrors components that failed so far
 * @param testsDone test methods completed or failed so far
 * @param testsTotal test methods to run (0 until Salesforce knows)
 * @param testErrors test methods that failed so far
 * @param newComponentFailures component failures not reported before
 * @param newTestFailures test failures not reported before
 */
public record DeployProgress(
    String id,
    DeployResult.Status status,
    String stateDetail,
    int componentsDone,
    int componentsTotal,
    int componentErrors,
    int testsDone,
    int testsTotal,
    int testErrors,
    List<DeployMessage> newComponentFailures,
    List<RunTestsResult.RunTestFailure> newTestFailures) {
  public DeployProgress {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stateDetail, "stateDetail");
    newComponentFailures = List.copyOf(newComponentFailures);
    newTestFailures = List.copyOf(newTestFailures);
  }

  /** E.g. {@code InProgress: components 12/40 (1 failed), tests 3/10 (0 failed)}. */
  public String describe() {
    return status + ": components " + componentsDone + "/" + componentsTotal + " (" + componentErrors + " failed), tests "
        + testsDone + "/" + testsTotal + " (" + testErrors + " failed)" + (stateDetail.isEmpty() ? "" : " — " + stateDetail);
  }
}
