package dev.portcullis.deploy.drift;

import java.time.Instant;
import java.util.Objects;

/**
 * When a ledgered deployment to the org ran: from its {@code started} to its {@code completed} time (the {@code
 * deploy.completed} entry's fields, from the Metadata API's {@code DeployResult.startDate} and {@code completedDate}).
 *
 * @param deploymentId Portcullis's id of the deployment
 * @param deployedBy the Salesforce user id that ran it ({@code DeployResult.createdBy}), or null when the entry does not
 *     say: then any user's row in the window is explained
 */
public record DeploymentWindow(String deploymentId, Instant started, Instant completed, String deployedBy) {
  /** A window without the deploying user. */
  public DeploymentWindow(String deploymentId, Instant started, Instant completed) {
    this(deploymentId, started, completed, null);
  }

  public DeploymentWindow {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(completed, "completed");
    if (completed.isBefore(started)) {
      throw new IllegalArgumentException("deployment " + deploymentId + " completed at " + completed
          + " before it started at " + started);
    }
  }
}
