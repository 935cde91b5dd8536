package dev.portcullis.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/** The repository's side of a {@link SessionRevocationFeed}: how a revocation is announced. */
interface SessionRevocationPublisher {

  /** Called inside the revoking transaction, so that the announcement commits with the revocation. */
  void announce(Connection connection, Set<String> sessionIds) throws SQLException;

  /** Called after the revoking transaction committed: tells this replica's listeners. */
  void deliverLocally(Set<String> sessionIds);
}
