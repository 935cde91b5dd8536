-- Principal risk scores (PostgreSQL). Keep equivalent to sqlite/V5__principal_risk.sql.
-- One row per principal (issuer + subject, as in session.principal_issuer/principal_subject) whose
-- risk score was ever set: its current score (0 to 100, as policy reads risk.score, docs/POLICY.md)
-- and the reasons for it. Setting a score replaces the row; every change is also a risk.changed
-- ledger entry, which keeps the history. Rows are never deleted by Portcullis (a score of 0 stays).
--
-- version orders changes across replicas: each change takes the next value of the single counter
-- in principal_risk_version, updating that row first, so writers queue on its row lock and commit
-- in version order (a sequence would not: its values are taken before commit, out of commit order).
-- A replica that has read every change up to version N misses none when it next asks for version > N.

CREATE TABLE principal_risk (
  principal_issuer  TEXT NOT NULL CHECK (length(principal_issuer) >= 1),
  principal_subject TEXT NOT NULL CHECK (length(principal_subject) >= 1),
  score             DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 100),
  reasons           TEXT NOT NULL CHECK (substr(reasons, 1, 1) = '['),  -- JSON array of strings
  set_by            TEXT NOT NULL CHECK (length(set_by) >= 1),
  set_at            TIMESTAMPTZ NOT NULL,
  version           BIGINT NOT NULL UNIQUE CHECK (version >= 1),
  PRIMARY KEY (principal_issuer, principal_subject)
);

CREATE TABLE principal_risk_version (
  id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL CHECK (version >= 0)
);

INSERT INTO principal_risk_version (id, version) VALUES (1, 0);
