package dev.portcullis.salesforce.metadata;

import java.util.Objects;

/**
 * The answer of {@code cancelDeploy()} (Metadata API Developer Guide, "CancelDeployResult",
 * meta_canceldeployresult.htm).
 *
 * @param id the deploy being canceled
 * @param done true when the deploy was still queued and is now canceled; false when it was running
 *     and is {@code Canceling}: poll {@link MetadataClient#checkDeployStatus} until it is {@code
 *     Canceled}
 */
public record CancelDeployResult(String id, boolean done) {
  public CancelDeployResult {
    Objects.requireNonNull(id, "id");
  }
}
