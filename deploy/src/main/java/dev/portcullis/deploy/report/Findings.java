package dev.portcullis.deploy.report;

import dev.portcullis.deploy.diff.Change;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the findings output of {@code portcullis deploy check|start} reports: the semantic
 * diff's changes, the policy outcomes, and the deployment's result when it ran.
 *
 * @param changes the diff's changes, in its order
 * @param policy the outcome of each deploy policy rule that matched; empty when policy was not evaluated
 * @param deployment the deployment's result, when it ran
 * @param deploymentId Portcullis's id of the deployment (what {@code portcullis deploy approve} takes),
 *     or {@code ""} before one is assigned
 * @param project where the project is, to make paths relative to it
 */
public record Findings(
    List<Change> changes,
    List<PolicyOutcome> policy,
    Optional<DeploymentResult> deployment,
    String deploymentId,
    Project project) {

  public Findings {
    changes = List.copyOf(changes);
    policy = List.copyOf(policy);
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(project, "project");
  }

  /**
   * The project the package came from.
   *
   * @param root the project's directory as the paths in changes and failures may spell it (absolute,
   *     any separator), or {@code ""}: paths under it are made relative to it
   * @param manifest the package's manifest relative to the project root ({@code package.xml}, {@code
   *     sfdx-project.json}, {@code mdapi/package.xml}): where a finding with no file of its own points
   */
  public record Project(String root, String manifest) {
    public Project {
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(manifest, "manifest");
      if (manifest.isBlank()) {
        throw new IllegalArgumentException(
            "the project's manifest (package.xml or sfdx-project.json) is needed: findings without a file point at it");
      }
    }
  }

  /** The decision the policy outcomes add up to. */
  public Decision decision() {
    return Decision.of(policy);
  }
}
