-- Portcullis store, initial schema (PostgreSQL). Keep equivalent to sqlite/V1__init.sql.
-- Unqualified names: the tables go into the schema Flyway runs in (currentSchema).

CREATE TABLE org (
  alias        TEXT NOT NULL PRIMARY KEY CHECK (length(alias) BETWEEN 1 AND 64),
  org_id       TEXT NOT NULL UNIQUE CHECK (length(org_id) IN (15, 18) AND substr(org_id, 1, 3) = '00D'),
  environment  TEXT NOT NULL CHECK (environment IN ('production', 'sandbox', 'scratch', 'developer')),
  instance_url TEXT NOT NULL,
  login_url    TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL,
  CHECK (updated_at >= created_at)
);

-- Append-only: one row per access token obtained or issued. Never the token, only its SHA-256.
CREATE TABLE token_issuance (
  id                UUID NOT NULL PRIMARY KEY,
  org_alias         TEXT NOT NULL REFERENCES org (alias) ON UPDATE RESTRICT ON DELETE RESTRICT,
  issued_at         TIMESTAMPTZ NOT NULL,
  expires_at        TIMESTAMPTZ,
  subject           TEXT NOT NULL,
  purpose           TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL CHECK (length(token_fingerprint) = 64),
  CHECK (expires_at IS NULL OR expires_at > issued_at)
);

CREATE INDEX token_issuance_by_org ON token_issuance (org_alias, issued_at);

CREATE FUNCTION token_issuance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'token_issuance is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER token_issuance_append_only BEFORE UPDATE OR DELETE ON token_issuance
  FOR EACH ROW EXECUTE FUNCTION token_issuance_append_only();
