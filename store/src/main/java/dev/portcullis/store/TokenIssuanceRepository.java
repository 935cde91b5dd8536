package dev.portcullis.store;

import java.util.List;

/** The append-only record of token issuances. There is no update and no delete. */
public interface TokenIssuanceRepository {

  /**
   * Appends one issuance.
   *
   * @throws StoreException {@link StoreException.Code#CONSTRAINT_VIOLATION} when the org is not
   *     registered or the id was used before; nothing is stored then
   */
  void append(TokenIssuance issuance);

  /** Appends all of {@code issuances} in one transaction: all are stored, or none. */
  void appendAll(List<TokenIssuance> issuances);

  long countByOrg(String orgAlias);

  /** The most recent issuances for the org, newest first, at most {@code limit}. */
  List<TokenIssuance> listByOrg(String orgAlias, int limit);
}
