package dev.portcullis.store;

import java.util.List;
import java.util.Optional;

/** Registered Salesforce orgs, keyed by alias. */
public interface OrgRepository {

  /**
   * Inserts {@code org}, or updates the org with the same alias. An update keeps the stored
   * {@code createdAt} and takes everything else from {@code org}.
   *
   * @return the org as stored
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when another alias
   *     already holds the same org ID; nothing is changed then
   */
  Org upsert(Org org);

  Optional<Org> findByAlias(String alias);

  /** Every org, ordered by alias. */
  List<Org> list();
}
