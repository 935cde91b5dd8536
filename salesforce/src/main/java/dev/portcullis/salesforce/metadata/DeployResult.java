package dev.portcullis.salesforce.metadata;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a deploy is, and with details how it went (Metadata API Developer Guide, "DeployResult",
 * meta_deployresult.htm; returned by {@code checkDeployStatus()}, meta_checkdeploystatus.htm). The
 * {@code details} element is flattened: {@link #componentSuccesses}, {@link #componentFailures} and
 * {@link #runTestResult} are empty unless details were asked for (failures come even without).
 * Absent text is empty, absent dates null, absent counts 0.
 *
 * @param id the deploy id ({@code 0Af…})
 * @param status where the deploy is
 * @param done whether it finished (status Succeeded, SucceededPartial, Failed or Canceled)
 * @param success whether it finished with the components saved (or, check-only, would have been)
 * @param stateDetail what it is doing now, e.g. {@code Processing Type: ApexClass}
 * @param errorStatusCode with {@code errorMessage}: a failure of the deploy as a whole
 */
public record DeployResult(
    String id,
    Status status,
    boolean done,
    boolean success,
    boolean checkOnly,
    boolean ignoreWarnings,
    boolean rollbackOnError,
    boolean runTestsEnabled,
    String stateDetail,
    String errorMessage,
    String errorStatusCode,
    int numberComponentsDeployed,
    int numberComponentErrors,
    int numberComponentsTotal,
    int numberTestsCompleted,
    int numberTestErrors,
    int numberTestsTotal,
    String createdBy,
    String createdByName,
    Instant createdDate,
    Instant startDate,
    Instant lastModifiedDate,
    Instant completedDate,
    String canceledBy,
    String canceledByName,
    List<DeployMessage> componentSuccesses,
    List<DeployMessage> componentFailures,
    RunTestsResult runTestResult) {

  /** DeployStatus (meta_deployresult.htm, field {@code status}). */
  public enum Status {
    Pending, InProgress, Succeeded, SucceededPartial, Failed, Canceling, Canceled;

    /** Whether a deploy in this status has finished. */
    public boolean isFinal() {
      return this == Succeeded || this == SucceededPartial || this == Failed || this == Canceled;
    }
  }

  public DeployResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stateDetail, "stateDetail");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(errorStatusCode, "errorStatusCode");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdByName, "createdByName");
    Objects.requireNonNull(canceledBy, "canceledBy");
    Objects.requireNonNull(canceledByName, "canceledByName");
    componentSuccesses = List.copyOf(componentSuccesses);
    componentFailures = List.copyOf(componentFailures);
    Objects.requireNonNull(runTestResult, "runTestResult");
  }
}
