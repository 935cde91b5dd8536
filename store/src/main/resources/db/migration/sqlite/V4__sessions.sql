-- Portcullis sessions (SQLite). Keep equivalent to postgresql/V4__sessions.sql.
-- One row per session the token broker issued to a caller (a CI job, an mTLS client). The opaque
-- Instants are fixed-width ISO-8601 UTC text with microseconds, as in V1, so text order is time order.
-- session token is never stored: only token_hash, the lower-case hex SHA-256 of its UTF-8 bytes.
-- Rows are updated (use counts, revocation, expiry bookkeeping) but never deleted by Portcullis.

CREATE TABLE session (
  id                 TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  token_hash         TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  org_alias          TEXT NOT NULL REFERENCES org (alias) ON UPDATE RESTRICT ON DELETE RESTRICT,
  org_id             TEXT NOT NULL CHECK (length(org_id) = 18 AND substr(org_id, 1, 3) = '00D'),
  principal_kind     TEXT NOT NULL CHECK (length(principal_kind) BETWEEN 1 AND 32),
  principal_issuer   TEXT NOT NULL CHECK (length(principal_issuer) >= 1),
  principal_subject  TEXT NOT NULL CHECK (length(principal_subject) >= 1),
  binding            TEXT NOT NULL CHECK (substr(binding, 1, 1) = '{'),  -- JSON object, see RunBindingJson
  scopes             TEXT NOT NULL CHECK (length(scopes) >= 1),          -- space-separated (RFC 6749 3.3)
  integration_user   TEXT NOT NULL CHECK (length(integration_user) >= 1),
  cert_thumbprint    TEXT CHECK (cert_thumbprint IS NULL OR length(cert_thumbprint) = 43),  -- RFC 8705 x5t#S256
  policy_hash        TEXT NOT NULL CHECK (length(policy_hash) >= 1),
  decision_id        TEXT,
  issued_at          TEXT NOT NULL,
  expires_at         TEXT NOT NULL,
  revoked_at         TEXT,
  revoked_by         TEXT,
  revoke_reason      TEXT,
  use_count          INTEGER NOT NULL DEFAULT 0 CHECK (use_count >= 0),
  last_used_at       TEXT,
  expiry_recorded_at TEXT,  -- when a sweep reported the expiry (session.expired), NULL before
  CHECK (expires_at > issued_at),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revoke_reason IS NULL)),
  CHECK (revoked_at IS NULL OR revoked_at >= issued_at)
) STRICT;

CREATE INDEX session_by_principal ON session (principal_issuer, principal_subject, expires_at);
CREATE INDEX session_by_org ON session (org_alias, expires_at);
CREATE INDEX session_by_expiry ON session (expires_at);
CREATE INDEX session_by_issued ON session (issued_at);
-- The sweep's work list and the revocation feed's resync: small partial indexes.
CREATE INDEX session_expiry_unrecorded ON session (expires_at)
  WHERE expiry_recorded_at IS NULL AND revoked_at IS NULL;
CREATE INDEX session_revoked ON session (expires_at) WHERE revoked_at IS NOT NULL;
