package dev.portcullis.store;

import java.nio.file.Path;

/**
 * Portcullis's relational store: SQLite embedded by default, PostgreSQL for teams and scale.
 * Opening a store applies the Flyway migrations of its dialect. Thread-safe.
 */
public interface Store extends AutoCloseable {

  /**
   * Opens the store named by {@code url} and migrates it.
   *
   * @param url {@code sqlite:PATH} (relative paths resolve against {@code dataDir}) or
   *     {@code postgresql://host:port/db?...}; {@code null} means {@code sqlite:portcullis.db}
   * @param dataDir the data directory
   * @throws StoreException with a message naming what was wrong (bad URL, unreachable, migration)
   */
  static Store open(String url, Path dataDir) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** {@code sqlite} or {@code postgresql}. */
  String dialect();

  /** Whether the store answers a query and its migrations are applied; the reason when not. */
  Readiness readiness();

  /** Connection pool figures for the metrics endpoint. */
  PoolStatistics poolStatistics();

  /** Closes every connection. */
  @Override
  void close();

  /** @param ready true when usable; @param detail why not, or a short description when ready */
  record Readiness(boolean ready, String detail) {}

  record PoolStatistics(int active, int idle, int total, int waiting) {}
}
