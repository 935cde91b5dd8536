package dev.portcullis.server;

import dev.portcullis.store.Store;

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
  public void close() {
    closed = true;
  }
}
