package dev.portcullis.deploy.gate;

import java.util.Objects;

/**
 * The package that undoes a deployment: the snapshot's components as they were before it (their files and
 * {@code package.xml}) and a {@code destructiveChanges.xml} deleting the components it added. The same snapshot
 * always gives the same bytes.
 *
 * @param zip the deployment zip, not copied
 * @param sha256 its package identity (docs/DEPLOY.md, "Package identity")
 * @param deploymentId the deployment it undoes
 */
public record RollbackPackage(byte[] zip, String sha256, String deploymentId) {
  public RollbackPackage {
    Objects.requireNonNull(zip, "zip");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(deploymentId, "deploymentId");
  }
}
