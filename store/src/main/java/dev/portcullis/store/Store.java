package dev.portcullis.store;

import java.nio.file.Path;

/**
 * Portcullis's relational store: SQLite embedded by default, PostgreSQL for teams and scale.
 * Opening a store applies the Flyway migrations of its dialect. Thread-safe.
 */
public interface Store extends AutoCloseable {

  /** The URL used when none is configured. */
  String DEFAULT_URL = "sqlite:portcullis.db";

  /**
   * Opens the store named by {@code url} and migrates it.
   *
   * <p>Accepted forms: {@code sqlite:PATH} (relative paths resolve against {@code dataDir};
   * missing parent directories are created), {@code sqlite::memory:} (a private in-memory
   * database, for tests), {@code postgresql://[user[:password]@]host[:port]/database[?param=value&...]}
   * and the same with a {@code jdbc:} prefix. PostgreSQL parameters are pgjdbc's ({@code user},
   * {@code password}, {@code currentSchema}, {@code sslmode}, ...); with {@code currentSchema}
   * the migrations go into that schema, which is created when missing.
   *
   * @param url the store URL; {@code null} means {@value #DEFAULT_URL}
   * @param dataDir the data directory; may be {@code null} only when the URL needs none
   * @throws StoreException with a message naming what was wrong (bad URL, unreachable, migration)
   */
  static Store open(String url, Path dataDir) {
    return SqlStore.open(StoreUrl.parse(url == null ? DEFAULT_URL : url, dataDir));
  }

  /** {@code sqlite} or {@code postgresql}. */
  String dialect();

  /** Registered Salesforce orgs. */
  OrgRepository orgs();

  /** The append-only record of access tokens issued. */
  TokenIssuanceRepository tokenIssuances();

  /** Sessions issued by the token broker. */
  SessionRepository sessions();

  /** Principals' risk scores (what policy reads as {@code risk}). */
  RiskRepository risks();

  /** Approvals asked for by policy ({@code require_approval}). */
  ApprovalRepository approvals();

  /** Metadata deployments through the deploy gate, one row per admission attempt. */
  DeploymentRepository deployments();

  /**
   * Session revocations made on any replica, delivered to this one within a second (PostgreSQL
   * LISTEN/NOTIFY; in-process for SQLite).
   */
  SessionRevocationFeed sessionRevocations();

  /**
   * The ledger's storage in this database ({@code ledger.backend: postgresql}), shared by every replica on it.
   *
   * @throws StoreException with {@link StoreException.Code#UNSUPPORTED} for SQLite: the embedded ledger lives
   *     in files under {@code DATA_DIR/ledger/}
   */
  dev.portcullis.ledger.LedgerStorage ledgerStorage();

  /** The ledger's search index (derived from the ledger; rebuildable). */
  LedgerIndexRepository ledgerIndex();

  /**
   * How replicas hand entries to the replica that holds the ledger's sequencer lock (PostgreSQL only).
   *
   * @throws StoreException with {@link StoreException.Code#UNSUPPORTED} for SQLite
   */
  LedgerHandoff ledgerHandoff();

  /** Whether the store answers a query and its migrations are applied; the reason when not. */
  Readiness readiness();

  /** Connection pool figures for the metrics endpoint. */
  PoolStatistics poolStatistics();

  /** Closes every connection. Idempotent. */
  @Override
  void close();

  /** @param ready true when usable; @param detail why not, or a short description when ready */
  record Readiness(boolean ready, String detail) {}

  /**
   * Connection pool figures. For SQLite these are the sums over the single-writer pool and the
   * reader pool.
   */
  record PoolStatistics(int active, int idle, int total, int waiting) {}
}
