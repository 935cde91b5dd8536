package dev.portcullis.salesforce.metadata;

import java.util.Objects;

/**
 * What {@code deploy()} and {@code retrieve()} answer at once: the id to poll with (Metadata API
 * Developer Guide, "AsyncResult", meta_asyncresult.htm). Since API 31.0 only {@code id} matters;
 * {@code done} and {@code state} are kept as sent.
 *
 * @param id the deploy ({@code 0Af…}) or retrieve id, 18 characters
 * @param done whether the call already finished (always false in practice)
 * @param state {@code Queued}, {@code InProgress}, {@code Completed} or {@code Error}; empty when absent
 */
public record AsyncResult(String id, boolean done, String state) {
  public AsyncResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
  }
}
