-- The ledger's search index (SQLite). Keep equivalent to postgresql/V2__ledger_index.sql.
-- Derived data: one row per ledger entry, rebuilt from the ledger by `portcullis ledger reindex`;
-- the ledger never reads it. time_ms is the entry time in milliseconds since the epoch (UTC).

CREATE TABLE ledger_index (
  idx           INTEGER NOT NULL PRIMARY KEY CHECK (idx >= 0),
  kind          TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 255),
  org           TEXT,
  actor         TEXT,
  session       TEXT,
  commit_sha    TEXT,
  deployment_id TEXT,
  time_ms       INTEGER NOT NULL
) STRICT;

CREATE INDEX ledger_index_by_kind_time ON ledger_index (kind, time_ms);
CREATE INDEX ledger_index_by_org_time ON ledger_index (org, time_ms);
CREATE INDEX ledger_index_by_commit ON ledger_index (commit_sha);
CREATE INDEX ledger_index_by_deployment ON ledger_index (deployment_id);
CREATE INDEX ledger_index_by_session ON ledger_index (session);
