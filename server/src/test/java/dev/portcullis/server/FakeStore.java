package dev.portcullis.server;

import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.OrgRepository;
import dev.portcullis.store.Store;
import dev.portcullis.store.TokenIssuanceRepository;

/** A store whose readiness and pool figures the test sets. */
final class FakeStore implements Store {
  volatile Readiness readiness = new Readiness(true, "fake store, migrations applied");
  volatile PoolStatistics pool = new PoolStatistics(2, 3, 5, 1);
  volatile boolean closed;

  @Override
  public String dialect() {
    return "sqlite";
  }

  @Override
  public Readiness readiness() {
    return readiness;
  }

  @Override
  public PoolStatistics poolStatistics() {
    return pool;
  }

  @Override
  public OrgRepository orgs() {
    throw new UnsupportedOperationException("the fake store keeps no orgs");
  }

  @Override
  public TokenIssuanceRepository tokenIssuances() {
    throw new UnsupportedOperationException("the fake store keeps no token issuances");
  }

  @Override
  public dev.portcullis.store.SessionRepository sessions() {
    throw new UnsupportedOperationException("the fake store keeps no sessions");
  }

  @Override
  public dev.portcullis.store.RiskRepository risks() {
    throw new UnsupportedOperationException("the fake store keeps no risk scores");
  }

  @Override
  public dev.portcullis.store.ApprovalRepository approvals() {
    throw new UnsupportedOperationException("the fake store keeps no approvals");
  }

  @Override
  public dev.portcullis.store.DeploymentRepository deployments() {
    throw new UnsupportedOperationException("the fake store keeps no deployments");
  }

  @Override
  public dev.portcullis.store.SessionRevocationFeed sessionRevocations() {
    throw new UnsupportedOperationException("the fake store keeps no sessions");
  }

  @Override
  public dev.portcullis.ledger.LedgerStorage ledgerStorage() {
    throw new UnsupportedOperationException("the fake store keeps no ledger");
  }

  @Override
  public LedgerIndexRepository ledgerIndex() {
    return ledgerIndex;
  }

  private final LedgerIndexRepository ledgerIndex = new LedgerIndexRepository() {
    private final java.util.concurrent.ConcurrentSkipListMap<Long, IndexRow> rows =
        new java.util.concurrent.ConcurrentSkipListMap<>();

    @Override
    public void put(java.util.List<IndexRow> batch) {
      batch.forEach(row -> rows.put(row.idx(), row));
    }

    @Override
    public long highestIndexed() {
      return rows.isEmpty() ? -1 : rows.lastKey();
    }

    @Override
    public java.util.List<IndexRow> search(Query query) {
      return rows.tailMap(query.afterIndex(), false).values().stream()
          .filter(row -> query.kind() == null || query.kind().equals(row.kind()))
          .limit(query.limit()).toList();
    }

    @Override
    public void clear() {
      rows.clear();
    }
  };

  @Override
  public dev.portcullis.store.LedgerHandoff ledgerHandoff() {
    throw new UnsupportedOperationException("the fake store keeps no ledger");
  }

  @Override
  public void close() {
    closed = true;
  }
}
