-- Portcullis approvals (sqlite). Keep equivalent to the other dialect's V6__approvals.sql.
-- An approval is asked for by policy (the require_approval obligation) and bound to exactly what it
-- approves: binding is the lower-case hex SHA-256 of a canonical description of the request (the
-- gateway: org, principal, method, path, query and body digest). It is granted by people other than
-- the requester (separation of duties, checked before a vote is stored), used at most once, and
-- expires. Rows are updated (votes, state) but never deleted by Portcullis.

CREATE TABLE approval (
  id                 TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  kind               TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  binding            TEXT NOT NULL CHECK (length(binding) = 64),
  org_alias          TEXT NOT NULL CHECK (length(org_alias) >= 1),
  requester_issuer   TEXT NOT NULL CHECK (length(requester_issuer) >= 1),
  requester_subject  TEXT NOT NULL CHECK (length(requester_subject) >= 1),
  requester_actor    TEXT,          -- the person behind a CI run (GitHub actor, GitLab user_login), if known
  summary            TEXT NOT NULL,
  required           INTEGER NOT NULL CHECK (required BETWEEN 1 AND 10),
  eligible           TEXT NOT NULL,  -- who may approve: newline-separated subjects; empty = any configured approver
  decision_id        TEXT,          -- the decision that asked for it
  requested_at       TEXT NOT NULL,
  expires_at         TEXT NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'used')),
  decided_at         TEXT,
  used_at            TEXT,
  used_by_decision   TEXT,
  CHECK (expires_at > requested_at),
  CHECK ((state = 'used') = (used_at IS NOT NULL)),
  CHECK ((state = 'pending') = (decided_at IS NULL))
) STRICT;

CREATE INDEX approval_by_binding ON approval (binding, kind, state);
CREATE INDEX approval_by_requested ON approval (requested_at);

CREATE TABLE approval_vote (
  approval_id        TEXT NOT NULL REFERENCES approval (id) ON UPDATE RESTRICT ON DELETE RESTRICT,
  approver_issuer    TEXT NOT NULL CHECK (length(approver_issuer) >= 1),
  approver_subject   TEXT NOT NULL CHECK (length(approver_subject) >= 1),
  verdict            TEXT NOT NULL CHECK (verdict IN ('approve', 'deny')),
  comment            TEXT NOT NULL,
  voted_at           TEXT NOT NULL,
  PRIMARY KEY (approval_id, approver_issuer, approver_subject)
) STRICT;
