-- Portcullis store, initial schema (SQLite). Keep equivalent to postgresql/V1__init.sql.
-- Instants are fixed-width ISO-8601 UTC text with microseconds (2026-11-28T12:00:00.000000Z),
-- so text order is time order. STRICT tables reject values of the wrong type.

CREATE TABLE org (
  alias        TEXT NOT NULL PRIMARY KEY CHECK (length(alias) BETWEEN 1 AND 64),
  org_id       TEXT NOT NULL UNIQUE CHECK (length(org_id) IN (15, 18) AND substr(org_id, 1, 3) = '00D'),
  environment  TEXT NOT NULL CHECK (environment IN ('production', 'sandbox', 'scratch', 'developer')),
  instance_url TEXT NOT NULL,
  login_url    TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  CHECK (updated_at >= created_at)
) STRICT;

-- Append-only: one row per access token obtained or issued. Never the token, only its SHA-256.
CREATE TABLE token_issuance (
  id                TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
  org_alias         TEXT NOT NULL REFERENCES org (alias) ON UPDATE RESTRICT ON DELETE RESTRICT,
  issued_at         TEXT NOT NULL,
  expires_at        TEXT,
  subject           TEXT NOT NULL,
  purpose           TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL CHECK (length(token_fingerprint) = 64),
  CHECK (expires_at IS NULL OR expires_at > issued_at)
) STRICT;

CREATE INDEX token_issuance_by_org ON token_issuance (org_alias, issued_at);

CREATE TRIGGER token_issuance_no_update BEFORE UPDATE ON token_issuance
BEGIN
  SELECT RAISE(ABORT, 'token_issuance is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER token_issuance_no_delete BEFORE DELETE ON token_issuance
BEGIN
  SELECT RAISE(ABORT, 'token_issuance is append-only: DELETE is not allowed');
END;
