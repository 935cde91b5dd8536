package dev.portcullis.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Deployments through the deploy gate, one row per admission attempt. Rows are never deleted; a
 * change of state is one conditional update from the state the caller saw, so two replicas never
 * both start or finish one deployment.
 */
public interface DeploymentRepository {

  /**
   * Stores a new deployment.
   *
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when its id is taken
   */
  Deployment create(Deployment deployment);

  Optional<Deployment> findById(String id);

  /** The newest deployment on {@code orgAlias} that Salesforce knows as {@code salesforceDeployId}. */
  Optional<Deployment> findBySalesforceId(String orgAlias, String salesforceDeployId);

  /**
   * The newest deployment on {@code orgAlias} whose rollback package has the identity {@code rollbackSha256}: the
   * deployment that a package with that identity rolls back.
   */
  Optional<Deployment> findByRollbackSha256(String orgAlias, String rollbackSha256);

  /** Deployments newest first, at most {@code limit}; only on {@code orgAlias} and since {@code since} when not null. */
  List<Deployment> list(String orgAlias, Instant since, int limit);

  /**
   * Moves a deployment on: writes {@code next}'s state, effect, times, reason, Salesforce deploy id and result when
   * the stored row is still in {@code expected}. Everything else about a deployment never changes.
   *
   * @return true when this call changed it; false when it is not in {@code expected} (or does not exist)
   */
  boolean update(Deployment next, Deployment.State expected);
}
