package dev.portcullis.deploy.drift;

import java.time.Instant;
import java.util.Objects;

/**
 * When a ledgered deployment to the org ran: from its {@code started} to its {@code completed} time (the {@code
 * deploy.completed} entry's fields, from the Metadata API's {@code DeployResult.startDate} and {@code completedDate}).
 *
 * @param deploymentId Portcullis's id of the deployment
 */
public record DeploymentWindow(String deploymentId, Instant started, Instant completed) {
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
